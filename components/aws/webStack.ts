import * as pulumi from "@pulumi/pulumi";
import { checkNamespaceLabel } from "../../lib/aws/config";
import { NGINX_SERVICE_NAME } from "../../lib/config/defaults";
import type { AwsStackConfig } from "../../lib/config/types";
import { UpstreamShare, computeUpstreams } from "../../lib/upstreams";
import { Problems } from "../../lib/config/validate";
import type { FargateService } from "./fargateService";
import { declareAppServices } from "./steps/appServices";
import { declareEcs } from "./steps/ecs";
import { declareEdge } from "./steps/edge";
import { declareIdentities } from "./steps/identities";
import { declareImages } from "./steps/images";
import { declareNetwork } from "./steps/network";
import { declareOperations } from "./steps/operations";
import { StackScope, awsName } from "./steps/scope";
import { appStopTiming } from "./timing";

export { awsName } from "./steps/scope";
export { KEEP_UNTAGGED_IMAGES } from "./steps/images";
export { upstreamServersMax } from "./steps/edge";

export interface AwsWebStackArgs {
    /** The validated config of an aws stack. */
    readonly config: AwsStackConfig;
    /** Prefix of every AWS name, e.g. "webstack-aws" (project-stack); lowercased to what AWS names allow. */
    readonly namePrefix: string;
    /** Tags put on every taggable resource. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The whole stack on ECS Fargate: network, ECR repositories and images, log groups and roles, a cluster
 * with a Cloud Map namespace, an ECS service per app service, nginx (with its Cloud Map discovery sidecar)
 * behind a Network Load Balancer, and operations. Same app, same nginx config semantics as the local target.
 * Each step lives in components/aws/steps/ and takes what the steps before it declared.
 */
export class AwsWebStack extends pulumi.ComponentResource {
    /** Where the stack answers: https://<domain>/ with webstack:aws.domain, else http(s)://<NLB DNS name>/. */
    public readonly url: pulumi.Output<string>;
    /** Per service: weight, replicas and expected share of requests. */
    public readonly upstreams: pulumi.Output<Record<string, UpstreamShare>>;
    /** ECS cluster name (for `aws ecs` commands). */
    public readonly clusterName: pulumi.Output<string>;
    /** ECS service name per app service, and nginx's under "nginx" (for `aws ecs describe-services`). */
    public readonly serviceNames: pulumi.Output<Record<string, string>>;
    /** CloudWatch log group per ECS service (app services and nginx), for `aws logs tail`. */
    public readonly logGroups: Readonly<Record<string, string>>;
    /** With webstack:tls: the certificate nginx serves (PEM), for clients to trust a self-signed one. */
    public readonly certificatePem?: pulumi.Output<string>;
    /** The ECS services by the same keys, for autoscaling and alarms. */
    public readonly services: Readonly<Record<string, FargateService>>;
    /** Console URL of the CloudWatch dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** SNS topic every alarm notifies. */
    public readonly alarmTopicArn: pulumi.Output<string>;

    constructor(name: string, args: AwsWebStackArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(), so a tuning no Fargate task can honour, or a stack name no DNS label can hold, fails
        // before anything is declared.
        const appStop = appStopTiming(args.config.nginx);
        const names = new Problems();
        checkNamespaceLabel(names, pulumi.getProject(), pulumi.getStack(), awsName(args.namePrefix));
        names.throwIfAny();
        super("webstack:aws:WebStack", name, {}, opts);
        const c = args.config;
        const s: StackScope = { name, config: c, prefix: awsName(args.namePrefix), tags: args.tags, parent: this };

        // In dependency order: each step takes only what the steps above it declared.
        const net = declareNetwork(s);
        const images = declareImages(s);
        const ids = declareIdentities(s, images);
        const ecs = declareEcs(s, net.network, ids);
        const apps = declareAppServices(s, { groups: net.groups, images, ids, ecs, appStop });
        const edge = declareEdge(s, { net, images, ids, ecs });
        const ops = declareOperations(s, { ids, ecs, lb: edge.lb });

        const services: Record<string, FargateService> = { ...apps, [NGINX_SERVICE_NAME]: edge.nginx };
        this.url =
            edge.cert?.kind === "dns"
                ? pulumi.output(`https://${edge.cert.domain}/`)
                : pulumi.interpolate`${net.plan.urlScheme}://${edge.lb.dnsName}/`;
        this.upstreams = pulumi.output(computeUpstreams(c.services));
        this.clusterName = ecs.cluster.clusterName;
        this.services = services;
        // Each name resolves once its deploy is confirmed: a rolled-back deploy fails the stack's outputs, so `pulumi up` fails.
        this.serviceNames = pulumi.all(
            Object.fromEntries(
                Object.entries(services).map(([k, svc]) => [
                    k,
                    pulumi.all([svc.service.name, svc.deployedTaskDefinitionArn]).apply(([n]) => n),
                ]),
            ),
        );
        this.logGroups = ids.logs.groupNames;
        this.certificatePem = ids.nginxTls?.certificatePem;
        this.dashboardUrl = ops.dashboard.url;
        this.alarmTopicArn = ops.alarms.topicArn;
        this.registerOutputs({
            dashboardUrl: this.dashboardUrl,
            alarmTopicArn: this.alarmTopicArn,
            url: this.url,
            upstreams: this.upstreams,
            clusterName: this.clusterName,
            serviceNames: this.serviceNames,
            logGroups: this.logGroups,
        });
    }
}
