import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS } from "../../lib/defaults";

export interface AwsLogGroupsArgs {
    /** One log group per name: the app services' names and "nginx". */
    readonly names: readonly string[];
    /** Log group name prefix, e.g. "/ecs/webstack-aws"; each group is <prefix>/<name>. */
    readonly prefix: string;
    /** Retention in days (a value CloudWatch accepts). Default 14. */
    readonly retentionDays?: number;
    /** Tags on every group. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The CloudWatch log groups of the ECS services, created up front (not by the awslogs driver) so they
 * have a retention and so the execution role can be scoped to exactly these groups.
 */
export class AwsLogGroups extends pulumi.ComponentResource {
    /** Log group name per service name (plain strings: known before deployment). */
    public readonly groupNames: Readonly<Record<string, string>>;
    /** Log group ARNs, in the order of `names`. */
    public readonly arns: pulumi.Output<string[]>;

    constructor(name: string, args: AwsLogGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:LogGroups", name, {}, opts);
        const groupNames: Record<string, string> = {};
        const groups = args.names.map((service) => {
            groupNames[service] = `${args.prefix}/${service}`;
            return new aws.cloudwatch.LogGroup(
                `${name}-${service}`,
                { name: groupNames[service], retentionInDays: args.retentionDays ?? AWS_DEFAULTS.logRetentionDays, tags: args.tags },
                { parent: this },
            );
        });
        this.groupNames = groupNames;
        this.arns = pulumi.all(groups.map((g) => g.arn));
        this.registerOutputs({ groupNames: this.groupNames, arns: this.arns });
    }
}
