import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsRegistryArgs {
    /** Repository name, e.g. "webstack-aws/app". */
    readonly repositoryName: string;
    /** Untagged images kept for rollbacks before older ones expire. */
    readonly keepUntagged: number;
    /** Tags on the repository. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An ECR repository for one of our images. Every push re-tags the stack's tag, so the previous build
 * becomes untagged; the lifecycle policy keeps the most recent of those (a circuit-breaker rollback
 * still finds its digest) and expires the rest.
 */
export class AwsRegistry extends pulumi.ComponentResource {
    /** <account>.dkr.ecr.<region>.amazonaws.com/<name>: where BuiltImage pushes. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** Repository ARN, for the execution role's pull permission. */
    public readonly arn: pulumi.Output<string>;
    /** Account ID of the registry, for the ECR login. */
    public readonly registryId: pulumi.Output<string>;

    constructor(name: string, args: AwsRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Registry", name, {}, opts);
        const repo = new aws.ecr.Repository(
            name,
            {
                name: args.repositoryName,
                imageTagMutability: "MUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                // The images are rebuilt from this repo's Dockerfiles; `pulumi destroy` must not stall on them.
                forceDelete: true,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.ecr.LifecyclePolicy(
            name,
            {
                repository: repo.name,
                policy: JSON.stringify({
                    rules: [
                        {
                            rulePriority: 1,
                            description: "expire untagged images (superseded builds) beyond the most recent",
                            selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: args.keepUntagged },
                            action: { type: "expire" },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        this.repositoryUrl = repo.repositoryUrl;
        this.arn = repo.arn;
        this.registryId = repo.registryId;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn, registryId: this.registryId });
    }
}
