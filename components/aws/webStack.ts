import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NGINX_SERVICE_NAME } from "../../lib/defaults";
import type { AwsStackConfig } from "../../lib/types";
import { UpstreamShare, computeUpstreams } from "../../lib/upstreams";
import { renderNginxConfig } from "../../nginx/render";
import { BuiltImage } from "../builtImage";
import { AwsAppService } from "./appService";
import { AwsCluster } from "./cluster";
import { AwsExecutionRole } from "./executionRole";
import { AwsLoadBalancer } from "./loadBalancer";
import { AwsLogGroups } from "./logGroups";
import { AwsNetwork } from "./network";
import { AwsNginx } from "./nginx";
import { AwsRegistry } from "./registry";
import { AwsSecurityGroups } from "./securityGroups";

export interface AwsWebStackArgs {
    /** The validated stack config; `aws` must be present (target aws). */
    readonly config: AwsStackConfig;
    /** Prefix of every AWS name, e.g. "webstack-aws" (project-stack); lowercased to what AWS names allow. */
    readonly namePrefix: string;
    /** Tags put on every taggable resource. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** AWS names (ECR repositories, DNS labels, families) take lowercase letters, digits and '-'. */
export function awsName(prefix: string): string {
    return (
        prefix
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "webstack"
    );
}

/**
 * The whole stack on ECS Fargate: network, two ECR repositories and images, log groups, an execution
 * role, a cluster with a Cloud Map namespace, an ECS service per app service, and nginx behind a
 * Network Load Balancer. Same app, same nginx config semantics as the local target.
 */
export class AwsWebStack extends pulumi.ComponentResource {
    /** Where nginx answers: http://<NLB DNS name>:<httpPort>/. */
    public readonly url: pulumi.Output<string>;
    /** Per service: weight, replicas and expected share of requests. */
    public readonly upstreams: pulumi.Output<Record<string, UpstreamShare>>;
    /** ECS cluster name (for `aws ecs` commands). */
    public readonly clusterName: pulumi.Output<string>;
    /** ECS service name per app service, and nginx's under "nginx". */
    public readonly serviceNames: pulumi.Output<Record<string, string>>;
    /** CloudWatch log group per ECS service (app services and nginx). */
    public readonly logGroups: Readonly<Record<string, string>>;

    constructor(name: string, args: AwsWebStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:WebStack", name, {}, opts);
        const c = args.config;
        const a = c.aws;
        const prefix = awsName(args.namePrefix);
        const tags = args.tags;
        const parent = { parent: this };

        const network = new AwsNetwork(
            `${name}-network`,
            {
                region: a.region,
                ...(a.network.kind === "create"
                    ? { cidr: a.network.vpcCidr, egress: a.network.egress }
                    : {
                          existing: {
                              vpcId: a.network.vpcId,
                              publicSubnetIds: a.network.publicSubnetIds,
                              privateSubnetIds: a.network.privateSubnetIds,
                          },
                      }),
                tags,
            },
            parent,
        );
        const groups = new AwsSecurityGroups(
            `${name}-sg`,
            {
                vpcId: network.vpcId,
                httpPort: c.httpPort,
                endpointSecurityGroupId: network.endpointSecurityGroupId,
                s3PrefixListId: network.s3PrefixListId,
                tags,
            },
            parent,
        );

        // Images: the same Dockerfiles as locally, pushed to ECR; tasks pin them by digest.
        const tag = pulumi.getStack();
        const appRepo = new AwsRegistry(`${name}-app`, { repositoryName: `${prefix}/app`, tags }, parent);
        const nginxRepo = new AwsRegistry(`${name}-nginx`, { repositoryName: `${prefix}/nginx`, tags }, parent);
        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: appRepo.registryId }, parent);
        const push = (repo: AwsRegistry) => ({
            server: repo.repositoryUrl,
            username: token.userName,
            password: pulumi.secret(token.password),
        });
        const appImage = new BuiltImage(
            `${name}-app-image`,
            {
                context: "app",
                baseImage: c.appBaseImage,
                imageName: pulumi.interpolate`${appRepo.repositoryUrl}:${tag}`,
                platform: a.platform,
                registry: push(appRepo),
            },
            parent,
        );
        const nginxImage = new BuiltImage(
            `${name}-nginx-image`,
            {
                context: "nginx",
                baseImage: c.nginxBaseImage,
                imageName: pulumi.interpolate`${nginxRepo.repositoryUrl}:${tag}`,
                platform: a.platform,
                registry: push(nginxRepo),
            },
            parent,
        );

        const logs = new AwsLogGroups(
            `${name}-logs`,
            {
                names: [...c.services.map((s) => s.name), NGINX_SERVICE_NAME],
                prefix: `/ecs/${prefix}`,
                retentionDays: a.logRetentionDays,
                tags,
            },
            parent,
        );
        const role = new AwsExecutionRole(
            `${name}-execution`,
            { repositoryArns: [appRepo.arn, nginxRepo.arn], logGroupArns: logs.arns, tags },
            parent,
        );
        const cluster = new AwsCluster(
            `${name}-cluster`,
            {
                clusterName: prefix,
                namespaceName: `${prefix}.internal`,
                vpcId: network.vpcId,
                containerInsights: a.containerInsights,
                tags,
            },
            parent,
        );

        const serviceNames: Record<string, pulumi.Output<string>> = {};
        for (const service of c.services) {
            serviceNames[service.name] = new AwsAppService(
                `${name}-${service.name}`,
                {
                    service,
                    nginx: c.nginx,
                    image: appImage.ref,
                    family: `${prefix}-${service.name}`,
                    clusterArn: cluster.clusterArn,
                    namespaceId: cluster.namespaceId,
                    subnetIds: network.privateSubnetIds,
                    securityGroupId: groups.appSecurityGroupId,
                    executionRoleArn: role.arn,
                    logGroupName: logs.groupNames[service.name],
                    region: a.region,
                    platform: a.platform,
                    tags,
                },
                parent,
            ).serviceName;
        }

        const lb = new AwsLoadBalancer(
            `${name}-lb`,
            {
                vpcId: network.vpcId,
                subnetIds: network.publicSubnetIds,
                securityGroupId: groups.nlbSecurityGroupId,
                port: c.httpPort,
                tags,
            },
            parent,
        );
        serviceNames[NGINX_SERVICE_NAME] = new AwsNginx(
            `${name}-nginx`,
            {
                image: nginxImage.ref,
                // Upstreams are the Cloud Map names; the VPC resolver comes from /etc/resolv.conf at start.
                config: renderNginxConfig({ services: c.services, tuning: c.nginx, domainSuffix: `.${cluster.namespaceName}` }),
                family: `${prefix}-nginx`,
                cpu: a.nginxCpu,
                memoryMiB: a.nginxMemoryMiB,
                desiredCount: a.nginxDesiredCount,
                clusterArn: cluster.clusterArn,
                subnetIds: network.privateSubnetIds,
                securityGroupId: groups.nginxSecurityGroupId,
                targetGroupArn: lb.targetGroupArn,
                executionRoleArn: role.arn,
                logGroupName: logs.groupNames[NGINX_SERVICE_NAME],
                region: a.region,
                platform: a.platform,
                tags,
            },
            parent,
        ).serviceName;

        this.url = pulumi.interpolate`http://${lb.dnsName}:${c.httpPort}/`;
        this.upstreams = pulumi.output(computeUpstreams(c.services));
        this.clusterName = cluster.clusterName;
        this.serviceNames = pulumi.output(serviceNames);
        this.logGroups = logs.groupNames;
        this.registerOutputs({
            url: this.url,
            upstreams: this.upstreams,
            clusterName: this.clusterName,
            serviceNames: this.serviceNames,
            logGroups: this.logGroups,
        });
    }
}
