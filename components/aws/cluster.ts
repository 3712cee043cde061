import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerInsights } from "../../lib/config/types";

export interface AwsClusterArgs {
    /** ECS cluster name, e.g. "webstack-aws". */
    readonly clusterName: string;
    /** Cloud Map private DNS namespace, e.g. "webstack-aws.internal"; services are <service>.<namespace>. */
    readonly namespaceName: string;
    /** VPC whose resolver answers for the namespace. */
    readonly vpcId: pulumi.Input<string>;
    /** ECS Container Insights. */
    readonly containerInsights: ContainerInsights;
    /** Tags on the cluster and namespace. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The ECS cluster and the Cloud Map namespace the app services register in (nginx resolves them there). */
export class AwsCluster extends pulumi.ComponentResource {
    /** Cluster ARN. */
    public readonly clusterArn: pulumi.Output<string>;
    /** Cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Cloud Map namespace ID. */
    public readonly namespaceId: pulumi.Output<string>;
    /** Cloud Map namespace (DNS) name. */
    public readonly namespaceName: string;
    /** FARGATE and FARGATE_SPOT on the cluster; a Spot service starts after it. */
    public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;

    constructor(name: string, args: AwsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Cluster", name, {}, opts);
        const cluster = new aws.ecs.Cluster(
            name,
            {
                name: args.clusterName,
                settings: [{ name: "containerInsights", value: args.containerInsights }],
                tags: args.tags,
            },
            { parent: this },
        );
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            name,
            { name: args.namespaceName, vpc: args.vpcId, description: "webstack app services, resolved by nginx", tags: args.tags },
            { parent: this },
        );
        // Both Fargate providers, so a service may run on Spot (services[].capacity); on-demand stays the default.
        this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
            name,
            {
                clusterName: cluster.name,
                capacityProviders: ["FARGATE", "FARGATE_SPOT"],
                defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
            },
            { parent: this },
        );
        this.clusterArn = cluster.arn;
        this.clusterName = cluster.name;
        this.namespaceId = namespace.id;
        this.namespaceName = args.namespaceName;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            clusterName: this.clusterName,
            namespaceId: this.namespaceId,
            namespaceName: this.namespaceName,
        });
    }
}
