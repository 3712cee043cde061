import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DashboardInputs, dashboardBody, dashboardUrl } from "../../lib/aws/operations";

export interface AwsDashboardArgs {
    /** Dashboard name, e.g. "webstack-aws". */
    readonly dashboardName: string;
    /** What it shows (lib/aws/operations.ts dashboardBody); the load balancer's dimensions are known after deployment. */
    readonly show: Omit<DashboardInputs, "loadBalancer" | "targetGroup" | "httpsTargetGroup">;
    /** The NLB's ARN suffix (LoadBalancer dimension). */
    readonly loadBalancer: pulumi.Input<string>;
    /** The target group's ARN suffix (TargetGroup dimension). */
    readonly targetGroup: pulumi.Input<string>;
    /** With TLS on 443: that listener's target group's ARN suffix. Default none. */
    readonly httpsTargetGroup?: pulumi.Input<string>;
}

/** The stack's CloudWatch dashboard: traffic per service, shares, 5xx, latency, tasks, NLB health. */
export class AwsDashboard extends pulumi.ComponentResource {
    /** Console URL of the dashboard. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: AwsDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Dashboard", name, {}, opts);
        const dashboard = new aws.cloudwatch.Dashboard(
            name,
            {
                dashboardName: args.dashboardName,
                dashboardBody: pulumi
                    .all([args.loadBalancer, args.targetGroup, args.httpsTargetGroup])
                    .apply(([loadBalancer, targetGroup, httpsTargetGroup]) =>
                        JSON.stringify(
                            dashboardBody({ ...args.show, loadBalancer, targetGroup, ...(httpsTargetGroup ? { httpsTargetGroup } : {}) }),
                        ),
                    ),
            },
            { parent: this },
        );
        this.url = dashboard.dashboardName.apply((n) => dashboardUrl(args.show.region, n));
        this.registerOutputs({ url: this.url });
    }
}
