import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsExecutionRoleArgs {
    /** This stack's AWS account: only ECS acting for it may assume the role (aws:SourceAccount). */
    readonly accountId: pulumi.Input<string>;
    /** The stack's region: bounds aws:SourceArn and kms:ViaService. */
    readonly region: string;
    /** The one ECS service whose tasks use this role (app service name or "nginx"), for its description. */
    readonly serviceKey: string;
    /** ECR repositories the tasks pull from. */
    readonly repositoryArns: pulumi.Input<pulumi.Input<string>[]>;
    /** CloudWatch log groups the tasks write to. */
    readonly logGroupArns: pulumi.Input<pulumi.Input<string>[]>;
    /** SSM parameters and Secrets Manager secrets ECS reads into containers, exactly these. Default []. */
    readonly secretArns?: pulumi.Input<pulumi.Input<string>[]>;
    /** KMS keys those secrets are encrypted with (customer-managed). Default []. */
    readonly kmsKeyArns?: pulumi.Input<pulumi.Input<string>[]>;
    /** Tags on the role. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * Who may assume the execution role: ECS tasks, only on behalf of this account and only from ECS in this
 * region. Both conditions are AWS's guard against the confused deputy (a service acting for another
 * account, or from elsewhere, with our role); the ECS guide's trust policy for task roles bounds
 * aws:SourceArn to arn:aws:ecs:<region>:<account>:* because the ARN ECS sends is the task's.
 */
export function executionTrustPolicy(accountId: string, region?: string): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ...(region ? { ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${accountId}:*` } } : {}),
                },
            },
        ],
    };
}

/**
 * The secret a container definition's `valueFrom` reads: a Secrets Manager valueFrom may name a JSON key,
 * stage and version after the secret's ARN (arn:...:secret:<name>-AbCdEf:<key>:<stage>:<id>); IAM grants
 * the secret's own ARN, its first 7 fields. SSM parameter ARNs are used whole.
 */
export function secretResourceArn(valueFrom: string): string {
    const fields = valueFrom.split(":");
    return fields[2] === "secretsmanager" ? fields.slice(0, 7).join(":") : valueFrom;
}

/** IAM role names take 64 characters; the provider autonames a role <logical name>-<7 characters>. */
export const IAM_ROLE_NAME_MAX = 64;
const AUTONAME_SUFFIX = 8;

/**
 * Logical name of one ECS service's execution role, `<stack component>-<service>-execution`; a service name
 * too long for the role's autoname is cut and told apart by a hash of it, so every role name fits IAM.
 */
export function executionRoleLogicalName(component: string, key: string): string {
    const max = IAM_ROLE_NAME_MAX - AUTONAME_SUFFIX;
    const full = `${component}-${key}-execution`;
    if (full.length <= max) {
        return full;
    }
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 6);
    const room = max - `${component}--${hash}-execution`.length;
    return `${component}-${key.slice(0, room)}-${hash}-execution`;
}

/** What the execution role may read for the containers' `secrets`: exact ARNs, and the keys that decrypt them. */
export interface SecretGrants {
    readonly secretArns: readonly string[];
    readonly kmsKeyArns: readonly string[];
}

/**
 * Statements granting exactly the given secrets (by service: SSM parameters, Secrets Manager secrets) and
 * KMS keys; the keys decrypt only through those services (kms:ViaService), never directly.
 */
export function secretStatements(g: SecretGrants, region: string): object[] {
    const unique = (xs: readonly string[]) => [...new Set(xs)].sort();
    const arns = g.secretArns.map(secretResourceArn);
    const ssm = unique(arns.filter((a) => a.split(":")[2] === "ssm"));
    const sm = unique(arns.filter((a) => a.split(":")[2] === "secretsmanager"));
    const kms = unique(g.kmsKeyArns);
    const via = [...(ssm.length ? ["ssm"] : []), ...(sm.length ? ["secretsmanager"] : [])].map((svc) => `${svc}.${region}.amazonaws.com`);
    return [
        ...(ssm.length ? [{ Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: ssm }] : []),
        ...(sm.length ? [{ Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: sm }] : []),
        ...(kms.length && via.length
            ? [
                  {
                      Sid: "DecryptSecrets",
                      Effect: "Allow",
                      Action: "kms:Decrypt",
                      Resource: kms,
                      Condition: { StringEquals: { "kms:ViaService": via } },
                  },
              ]
            : []),
    ];
}

/** The IAM policy document of the execution role: pull our images, write our logs, read the given secrets, nothing else. */
export function executionPolicy(
    repositoryArns: readonly string[],
    logGroupArns: readonly string[],
    secrets: SecretGrants = { secretArns: [], kmsKeyArns: [] },
    region = "us-east-1",
): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PullImages",
                Effect: "Allow",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: [...repositoryArns],
            },
            // The registry login is account-wide; ECR has no resource-level permission for it.
            { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            // Streams live under their group: arn:...:log-group:<name>:log-stream:<stream>.
            {
                Sid: "WriteLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: logGroupArns.map((arn) => `${arn}:*`),
            },
            ...secretStatements(secrets, region),
        ],
    };
}

/**
 * The task execution role of ONE ECS service: what the ECS agent uses to start its tasks (pull the image,
 * create the log stream, read the container's `secrets`). An inline policy scoped to that service's
 * repositories, log group and secrets, instead of the broad AmazonECSTaskExecutionRolePolicy, so one
 * service's tasks can never fetch another's secrets (issue 18 finding 5).
 */
export class AwsExecutionRole extends pulumi.ComponentResource {
    /** Role ARN. */
    public readonly arn: pulumi.Output<string>;
    /** The role's permissions; services start their tasks only after it exists (`startAfter`). */
    public readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: AwsExecutionRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:ExecutionRole", name, {}, opts);
        const role = new aws.iam.Role(
            name,
            {
                description: `ECS task execution of ${args.serviceKey}: pull its image, write its logs, read its secrets`,
                assumeRolePolicy: pulumi
                    .output(args.accountId)
                    .apply((account) => JSON.stringify(executionTrustPolicy(account, args.region))),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(
            name,
            {
                role: role.name,
                policy: pulumi
                    .all([args.repositoryArns, args.logGroupArns, args.secretArns ?? [], args.kmsKeyArns ?? []])
                    .apply(([repos, logs, secretArns, kmsKeyArns]) =>
                        JSON.stringify(executionPolicy(repos, logs, { secretArns, kmsKeyArns }, args.region)),
                    ),
            },
            { parent: this },
        );
        this.arn = role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
