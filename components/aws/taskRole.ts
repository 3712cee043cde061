import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { executionTrustPolicy } from "./executionRole";

export interface AwsTaskRoleArgs {
    /** This stack's AWS account: only ECS acting for it may assume the role (aws:SourceAccount). */
    readonly accountId: pulumi.Input<string>;
    /** Tags on the role. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The channels ECS Exec's agent opens from inside a task (AWS's documented minimum; no resource-level scope exists). */
export function execPolicy(): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EcsExec",
                Effect: "Allow",
                Action: [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                Resource: "*",
            },
        ],
    };
}

/**
 * The task role, only with webstack:aws.exec: the app calls no AWS API, but ECS Exec's agent runs as the
 * task and needs the ssmmessages channels.
 */
export class AwsTaskRole extends pulumi.ComponentResource {
    /** Role ARN. */
    public readonly arn: pulumi.Output<string>;
    /** The role's permissions; services start their tasks after it exists. */
    public readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: AwsTaskRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:TaskRole", name, {}, opts);
        const role = new aws.iam.Role(
            name,
            {
                description: "ECS tasks: ECS Exec (ssmmessages) only",
                assumeRolePolicy: pulumi.output(args.accountId).apply((account) => JSON.stringify(executionTrustPolicy(account))),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(name, { role: role.name, policy: JSON.stringify(execPolicy()) }, { parent: this });
        this.arn = role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
