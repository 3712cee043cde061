import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { metricFilterSpecs } from "../../lib/aws/operations";

export interface AwsMetricFiltersArgs {
    /** nginx's log group (JSON access log lines). */
    readonly logGroupName: pulumi.Input<string>;
    /** App service names: each gets requests, 5xx and request-time metrics. */
    readonly services: readonly string[];
    /** CloudWatch namespace the metrics go to (lib/aws/operations.ts metricNamespace). */
    readonly namespace: string;
    /** What must exist first: the log group itself. */
    readonly createAfter: readonly pulumi.Resource[];
}

/** CloudWatch Logs metric filters on nginx's JSON access log (lib/aws/operations.ts metricFilterSpecs). */
export class AwsMetricFilters extends pulumi.ComponentResource {
    /** Filter names, in the order of metricFilterSpecs. */
    public readonly filterNames: pulumi.Output<string[]>;

    constructor(name: string, args: AwsMetricFiltersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:MetricFilters", name, {}, opts);
        const filters = metricFilterSpecs(args.services).map(
            (f) =>
                new aws.cloudwatch.LogMetricFilter(
                    `${name}-${f.name}`,
                    {
                        name: f.name,
                        logGroupName: args.logGroupName,
                        pattern: f.pattern,
                        metricTransformation: {
                            name: f.metricName,
                            namespace: args.namespace,
                            value: f.value,
                            unit: f.unit,
                            ...(f.dimensions ? { dimensions: { ...f.dimensions } } : {}),
                        },
                    },
                    { parent: this, dependsOn: [...args.createAfter] },
                ),
        );
        this.filterNames = pulumi.all(filters.map((f) => f.name));
        this.registerOutputs({ filterNames: this.filterNames });
    }
}
