import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { executionTrustPolicy } from "./executionRole";

/** What nginx's discovery process reads: these Cloud Map services of this namespace, nothing else. */
export interface DiscoveryScope {
    /** The namespace's name (its HttpName, which DiscoverInstances takes), e.g. "webstack-aws.internal". */
    readonly namespaceName: string;
    /** The Cloud Map service names: the app services. */
    readonly serviceNames: readonly string[];
}

export interface AwsTaskRoleArgs {
    /** This stack's AWS account: only ECS acting for it may assume the role (aws:SourceAccount). */
    readonly accountId: pulumi.Input<string>;
    /** The stack's region: only ECS tasks of this region and account may assume the role (aws:SourceArn). */
    readonly region: string;
    /** ECS Exec's ssmmessages channels (webstack:aws.exec). */
    readonly exec: boolean;
    /** Cloud Map discovery of the app services (nginx's tasks). Default: none. */
    readonly discovery?: DiscoveryScope;
    /** Tags on the role. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The channels ECS Exec's agent opens from inside a task (AWS's documented minimum; no resource-level scope exists). */
export function execPolicy(): object {
    return { Version: "2012-10-17", Statement: [execStatement()] };
}

function execStatement(): object {
    return {
        Sid: "EcsExec",
        Effect: "Allow",
        Action: [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
    };
}

/** The two read calls nginx's discovery process makes (issue 19; lib/runtime.ts DISCOVERY). */
export const DISCOVERY_ACTIONS = ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"] as const;

/**
 * Discovery, scoped as far as IAM allows. The Service Authorization Reference for AWS Cloud Map lists no
 * resource type for DiscoverInstances and DiscoverInstancesRevision (so Resource must be "*"), and the
 * condition keys servicediscovery:NamespaceName and servicediscovery:ServiceName for both: the role may
 * read exactly this namespace's app services.
 */
export function discoveryStatement(scope: DiscoveryScope): object {
    if (scope.serviceNames.length === 0) {
        throw new Error("discoveryStatement: no service to discover; a condition on an empty list would allow nothing");
    }
    return {
        Sid: "DiscoverAppTasks",
        Effect: "Allow",
        Action: [...DISCOVERY_ACTIONS],
        Resource: "*",
        Condition: {
            StringEquals: {
                "servicediscovery:NamespaceName": scope.namespaceName,
                "servicediscovery:ServiceName": [...scope.serviceNames],
            },
        },
    };
}

/** The role's policy: discovery when given, ECS Exec's channels when on; throws when it would allow nothing. */
export function taskRolePolicy(args: Pick<AwsTaskRoleArgs, "exec" | "discovery">): object {
    const statements = [...(args.discovery ? [discoveryStatement(args.discovery)] : []), ...(args.exec ? [execStatement()] : [])];
    if (statements.length === 0) {
        throw new Error("taskRolePolicy: neither exec nor discovery; a task that calls no AWS API needs no task role");
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * A task role: what the task's own processes may call. App tasks get one only with webstack:aws.exec
 * (the app calls no AWS API; ECS Exec's agent needs the ssmmessages channels). nginx's tasks always
 * have one: their discovery process reads the app tasks from the Cloud Map API.
 */
export class AwsTaskRole extends pulumi.ComponentResource {
    /** Role ARN. */
    public readonly arn: pulumi.Output<string>;
    /** The role's permissions; services start their tasks after it exists. */
    public readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: AwsTaskRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:TaskRole", name, {}, opts);
        const policy = taskRolePolicy(args);
        const role = new aws.iam.Role(
            name,
            {
                // The exec-only role keeps the description it always had (a change would be a needless update).
                description: args.discovery
                    ? `nginx tasks: Cloud Map discovery of the app services${args.exec ? ", ECS Exec (ssmmessages)" : ""}`
                    : "ECS tasks: ECS Exec (ssmmessages) only",
                assumeRolePolicy: pulumi
                    .output(args.accountId)
                    .apply((account) => JSON.stringify(executionTrustPolicy(account, args.region))),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(name, { role: role.name, policy: JSON.stringify(policy) }, { parent: this });
        this.arn = role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
