import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsExecutionRoleArgs {
    /** This stack's AWS account: only ECS acting for it may assume the role (aws:SourceAccount). */
    readonly accountId: pulumi.Input<string>;
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
 * Who may assume the execution role: ECS tasks, and only on behalf of this account. The condition is
 * AWS's guard against the confused deputy (a service acting for another account with our role).
 */
export function executionTrustPolicy(accountId: string): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

/** What the execution role may read for the containers' `secrets`: exact ARNs, and the keys that decrypt them. */
export interface SecretGrants {
    readonly secretArns: readonly string[];
    readonly kmsKeyArns: readonly string[];
}

/** Statements granting exactly the given secrets (by service: SSM parameters, Secrets Manager secrets) and KMS keys. */
export function secretStatements(g: SecretGrants): object[] {
    const unique = (xs: readonly string[]) => [...new Set(xs)].sort();
    const ssm = unique(g.secretArns.filter((a) => a.split(":")[2] === "ssm"));
    const sm = unique(g.secretArns.filter((a) => a.split(":")[2] === "secretsmanager"));
    const kms = unique(g.kmsKeyArns);
    return [
        ...(ssm.length ? [{ Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: ssm }] : []),
        ...(sm.length ? [{ Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: sm }] : []),
        ...(kms.length ? [{ Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
    ];
}

/** The IAM policy document of the execution role: pull our images, write our logs, read the given secrets, nothing else. */
export function executionPolicy(
    repositoryArns: readonly string[],
    logGroupArns: readonly string[],
    secrets: SecretGrants = { secretArns: [], kmsKeyArns: [] },
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
            ...secretStatements(secrets),
        ],
    };
}

/**
 * The task execution role: what the ECS agent uses to start a task (pull the image, create the log
 * stream). An inline policy scoped to this stack's repositories and log groups, instead of the broad
 * AmazonECSTaskExecutionRolePolicy. The app itself calls no AWS API, so tasks get no task role.
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
                description: "ECS task execution: pull this stack's images, write its logs",
                assumeRolePolicy: pulumi.output(args.accountId).apply((account) => JSON.stringify(executionTrustPolicy(account))),
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
                        JSON.stringify(executionPolicy(repos, logs, { secretArns, kmsKeyArns })),
                    ),
            },
            { parent: this },
        );
        this.arn = role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
