import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_RANGES } from "../../lib/cidr";
import { nginxAutoscalingFor } from "../../lib/autoscaling";
import { AUTOSCALING_DEFAULTS, NGINX_SERVICE_NAME } from "../../lib/defaults";
import { APP_ROLLOUT, ECS_DEFAULT_ROLLOUT, RolloutPercents } from "../../lib/rollout";
import { CLOUD_MAP_QUOTAS } from "../../lib/awsFacts";
import { NGINX_UPSTREAM_DIR } from "../../lib/runtime";
import { DISCOVERY_CONTEXT, bundleDiscovery } from "../../discovery/bundle";
import type { AutoscalingSpec } from "../../lib/types";
import { awsListeners, nginxContainerPorts } from "../../lib/awsListeners";
import type { AwsServiceSpec, AwsStackConfig } from "../../lib/types";
import { UpstreamShare, computeUpstreams } from "../../lib/upstreams";
import { renderNginxConfig } from "../../nginx/render";
import { awsServerNames } from "../../nginx/serverNames";
import { appSources, ecrRepositoryArn, sourceSlug } from "../appSources";
import { BuiltImage } from "../builtImage";
import { TlsCertificate } from "../tlsCertificate";
import { AcmCertificate } from "./acmCertificate";
import { AwsCluster } from "./cluster";
import { DISCOVERY_VOLUME, appContainer, discoveryConfig, discoveryContainer, nginxContainer } from "./containers";
import { AwsExecutionRole, executionRoleLogicalName } from "./executionRole";
import { FORMER_TYPES, FargateService, ecsServiceName } from "./fargateService";
import { AwsLoadBalancer } from "./loadBalancer";
import { AwsLogGroups } from "./logGroups";
import { AwsNetwork } from "./network";
import { NginxTlsSecret } from "./nginxTlsSecret";
import { AwsRegistry } from "./registry";
import { AwsSecurityGroups } from "./securityGroups";
import { ServiceAutoscaling } from "./autoscaling";
import { AwsAlarms } from "./alarms";
import { AwsDashboard } from "./dashboard";
import { AwsMetricFilters } from "./metricFilters";
import { AwsTaskRole } from "./taskRole";
import { metricNamespace } from "../../lib/operations";
import { checkNamespaceLabel } from "../../lib/awsConfig";
import { Problems } from "../../lib/validate";
import { deployWaitMinutes } from "./deployWait";
import { appStopTiming, nginxHealthCheckGracePeriodSec, nginxStopTimeoutSec } from "./timing";

export interface AwsWebStackArgs {
    /** The validated config of an aws stack. */
    readonly config: AwsStackConfig;
    /** Prefix of every AWS name, e.g. "webstack-aws" (project-stack); lowercased to what AWS names allow. */
    readonly namePrefix: string;
    /** Tags put on every taggable resource. */
    readonly tags: Readonly<Record<string, string>>;
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
 * Most server lines nginx's upstream holds: Cloud Map's most instances per service, for every service. Not the
 * configured counts: a scale change would then be a new nginx task definition (a rollout of nginx) for a zone size.
 */
export function upstreamServersMax(services: readonly AwsServiceSpec[]): number {
    return services.length * CLOUD_MAP_QUOTAS.instancesPerService;
}

let bundled = false;
/** The sidecar's bundle is written once per process (a preview evaluates the program once; tests many times). */
function bundleOnce(): void {
    if (!bundled) {
        bundleDiscovery();
        bundled = true;
    }
}

/** Untagged images each ECR repository keeps, so a circuit-breaker rollback still finds its digest. */
export const KEEP_UNTAGGED_IMAGES = 10;

/**
 * The whole stack on ECS Fargate: network, two ECR repositories and images, log groups, an execution
 * role, a cluster with a Cloud Map namespace, an ECS service per app service, and nginx behind a
 * Network Load Balancer. Same app, same nginx config semantics as the local target.
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
        const a = c.aws;
        const prefix = awsName(args.namePrefix);
        const tags = args.tags;
        const parent = { parent: this };

        // What the tasks call beyond ECR and Logs decides the further VPC endpoints (with egress: endpoints).
        const taskApis = {
            appSecretServices: [...new Set(c.services.flatMap((s) => Object.values(s.secrets ?? {}).map((arn) => arn.split(":")[2])))],
            nginxTlsSecret: c.tls !== undefined,
            exec: a.exec,
            // Issue 19: nginx's discovery sidecar reads the app tasks from Cloud Map's API.
            nginxDiscovery: true,
        };
        const network = new AwsNetwork(`${name}-network`, { region: a.region, network: a.network, taskApis, tags }, parent);
        // Who terminates TLS decides the listeners, target groups and nginx ports (lib/awsListeners.ts).
        const plan = awsListeners(c);
        const groups = new AwsSecurityGroups(
            `${name}-sg`,
            {
                vpcId: network.vpcId,
                publicPorts: plan.nlb.map((l) => l.port),
                targetPorts: plan.nlb.map((l) => l.targetGroup.port),
                endpoints: network.endpoints,
                tags,
            },
            parent,
        );

        // Images: the same Dockerfiles as locally, pushed to ECR; tasks pin them by digest.
        const tag = pulumi.getStack();
        const registry = (image: string) =>
            new AwsRegistry(`${name}-${image}`, { repositoryName: `${prefix}/${image}`, keepUntagged: KEEP_UNTAGGED_IMAGES, tags }, parent);
        const appRepo = registry("app");
        const nginxRepo = registry("nginx");
        const discoveryRepo = registry("discovery");
        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: appRepo.registryId }, parent);
        const push = (repo: AwsRegistry) => ({
            server: repo.repositoryUrl,
            username: token.userName,
            password: pulumi.secret(token.password),
        });
        // One image per distinct app source (components/appSources.ts), tagged apart in the one app
        // repository; a prebuilt image is used by its reference.
        const appImages = new Map<string, { ref: pulumi.Input<string>; version: string }>();
        const sources = appSources(c.services, process.cwd());
        for (const source of sources) {
            const slug = sourceSlug(source);
            const ref =
                source.kind === "image"
                    ? source.ref
                    : new BuiltImage(
                          `${name}-app-image${slug ? `-${slug}` : ""}`,
                          {
                              context: source.context,
                              baseImage: c.appBaseImage,
                              imageName: pulumi.interpolate`${appRepo.repositoryUrl}:${tag}${slug ? `-${slug}` : ""}`,
                              platform: a.platform,
                              registry: push(appRepo),
                          },
                          parent,
                      ).ref;
            for (const service of source.services) {
                appImages.set(service, { ref, version: source.version });
            }
        }
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

        // nginx's Cloud Map discovery sidecar (discovery/), bundled into its build context first.
        bundleOnce();
        const discoveryImage = new BuiltImage(
            `${name}-discovery-image`,
            {
                context: DISCOVERY_CONTEXT,
                baseImage: a.discoveryBaseImage,
                imageName: pulumi.interpolate`${discoveryRepo.repositoryUrl}:${tag}`,
                platform: a.platform,
                registry: push(discoveryRepo),
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
        // webstack:tls on aws: nginx terminates TLS; its certificate and key reach it through Secrets Manager.
        const nginxTls = c.tls && new TlsCertificate(`${name}-tls`, { tls: c.tls }, parent);
        const nginxSecret =
            nginxTls &&
            new NginxTlsSecret(
                `${name}-nginx-tls`,
                { certificatePem: nginxTls.certificatePem, privateKeyPem: nginxTls.privateKeyPem, tags },
                parent,
            );
        // One execution role per ECS service (issue 18 finding 5): its image, its log group, its secrets only.
        // The first app service's role is the stack's former single role, moved (aliased), not replaced.
        const executionRole = (
            key: string,
            repositoryArns: pulumi.Input<string>[],
            secretArns: pulumi.Input<string>[],
            kmsKeyArns: string[],
        ) =>
            new AwsExecutionRole(
                executionRoleLogicalName(name, key),
                {
                    // The registry's ID is the account the stack deploys to; no extra lookup needed.
                    accountId: appRepo.registryId,
                    region: a.region,
                    serviceKey: key,
                    repositoryArns,
                    logGroupArns: [logs.arns.apply((arns) => arns[[...c.services.map((x) => x.name), NGINX_SERVICE_NAME].indexOf(key)])],
                    secretArns,
                    kmsKeyArns,
                    tags,
                },
                { parent: this, aliases: key === c.services[0].name ? [{ name: `${name}-execution` }] : [] },
            );
        const roles: Record<string, AwsExecutionRole> = {};
        for (const s of c.services) {
            const source = sources.find((x) => x.services.includes(s.name))!;
            // A prebuilt image in a private ECR repository is pulled from there; a built one from the app repository.
            const prebuilt = source.kind === "image" ? ecrRepositoryArn(source.ref) : undefined;
            roles[s.name] = executionRole(
                s.name,
                source.kind === "image" ? (prebuilt ? [prebuilt] : []) : [appRepo.arn],
                Object.values(s.secrets ?? {}),
                [...(s.secretsKmsKeyArns ?? [])],
            );
        }
        // With webstack:tls, nginx's one secret (its certificate and key).
        roles[NGINX_SERVICE_NAME] = executionRole(NGINX_SERVICE_NAME, [nginxRepo.arn, discoveryRepo.arn], nginxSecret ? [nginxSecret.arn] : [], []);
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

        // ECS Exec: a task role for its agent in the app tasks (webstack:aws.exec).
        const taskRole = a.exec
            ? new AwsTaskRole(`${name}-task`, { accountId: appRepo.registryId, region: a.region, exec: true, tags }, parent)
            : undefined;
        // nginx's own role, always: its discovery process reads exactly the app services from the Cloud Map API.
        const nginxTaskRole = new AwsTaskRole(
            `${name}-nginx-task`,
            {
                accountId: appRepo.registryId,
                region: a.region,
                exec: a.exec,
                discovery: { namespaceName: cluster.namespaceName, serviceNames: c.services.map((s) => s.name) },
                tags,
            },
            parent,
        );
        // What every task needs before it starts: a way to pull its image, and the permission to (its own role's policy).
        const taskPrerequisites = (key: string) => [...network.egress, roles[key].policy, ...(taskRole ? [taskRole.policy] : [])];
        const nginxPrerequisites = [nginxTaskRole.policy, ...(nginxSecret ? [nginxSecret.version] : [])];
        const common = {
            platform: a.platform,
            clusterArn: cluster.clusterArn,
            subnetIds: network.privateSubnetIds,
            ...(taskRole ? { taskRoleArn: taskRole.arn } : {}),
            exec: a.exec,
            tags,
        };
        // Deploy bounds, who owns the task count, and how long `pulumi up` waits, for a count that is
        // fixed or floats in an autoscaling range.
        const rollout = (count: number, scaling: AutoscalingSpec | undefined, percents: RolloutPercents, stopTimeoutSec: number) => ({
            desiredCount: count,
            rollout: percents,
            desiredCountOwner: scaling ? ("autoscaling" as const) : ("stack" as const),
            deployWaitMinutes: deployWaitMinutes(scaling?.max ?? count, percents, stopTimeoutSec),
        });
        const autoscale = (key: string, svc: FargateService, scaling: AutoscalingSpec | undefined) =>
            scaling &&
            new ServiceAutoscaling(
                `${name}-${key}-scaling`,
                {
                    clusterName: cluster.clusterName,
                    service: svc.service,
                    scaling,
                    scaleOutCooldownSec: AUTOSCALING_DEFAULTS.scaleOutCooldownSec,
                    scaleInCooldownSec: AUTOSCALING_DEFAULTS.scaleInCooldownSec,
                    tags,
                },
                parent,
            );
        const services: Record<string, FargateService> = {};
        for (const s of c.services) {
            services[s.name] = new FargateService(
                `${name}-${s.name}`,
                {
                    ...common,
                    executionRoleArn: roles[s.name].arn,
                    serviceName: s.name,
                    family: `${prefix}-${s.name}`,
                    container: appContainer({
                        service: s,
                        nginx: c.nginx,
                        logGroupName: logs.groupNames[s.name],
                        region: a.region,
                        version: appImages.get(s.name)!.version,
                        exec: a.exec,
                    }),
                    capacity: s.capacity,
                    image: appImages.get(s.name)!.ref,
                    cpu: s.cpu,
                    memoryMiB: s.memoryMiB,
                    // ECS's 200 % / 100 %: at most 500 tasks, so a deploy's peak fits Cloud Map's 1,000 per service (lib/rollout.ts).
                    ...rollout(s.replicas, s.autoscaling, APP_ROLLOUT, appStop.stopTimeoutSec),
                    securityGroupId: groups.appSecurityGroupId,
                    // nginx resolves <name>.<namespace> to every healthy task (timing.ts sizes the TTL).
                    exposure: { kind: "cloudMap", namespaceId: cluster.namespaceId, ttlSec: appStop.ttlSec },
                    startAfter:
                        s.capacity === "spot" ? [...taskPrerequisites(s.name), cluster.capacityProviders] : taskPrerequisites(s.name),
                },
                { parent: this, aliases: [{ type: FORMER_TYPES.app }] },
            );
            autoscale(s.name, services[s.name], s.autoscaling);
        }

        const cert = a.certificate;
        const acm =
            cert?.kind === "dns"
                ? new AcmCertificate(`${name}-certificate`, { domain: cert.domain, hostedZoneId: cert.hostedZoneId, tags }, parent)
                : undefined;
        const lb = new AwsLoadBalancer(
            `${name}-lb`,
            {
                vpcId: network.vpcId,
                subnetIds: network.publicSubnetIds,
                securityGroupId: groups.nlbSecurityGroupId,
                listeners: plan.nlb,
                ...(cert?.kind === "arn" ? { certificate: { arn: cert.arn } } : {}),
                ...(acm ? { certificate: { arn: acm.arn, readyAfter: [acm.validation] } } : {}),
                ...(cert?.kind === "dns" ? { alias: { domain: cert.domain, hostedZoneId: cert.hostedZoneId } } : {}),
                // An internet-facing NLB needs its subnets routed to the internet gateway first.
                createAfter: network.internetAccess,
                tags,
            },
            parent,
        );
        // The nginx config names the certificate's digest, so a new certificate is a new task definition.
        const certificateSha256: pulumi.Output<string | undefined> = nginxTls
            ? nginxTls.certificatePem.apply((pem) => createHash("sha256").update(pem).digest("hex"))
            : pulumi.output(undefined);
        // nginx answers only the NLB's DNS name and the stack's own names: the config waits for the NLB
        // (no cycle: the nginx service already starts after the NLB's listeners).
        const nginxConfig = pulumi.all([certificateSha256, lb.dnsName]).apply(([sha, nlbDnsName]) =>
            // Upstream servers: one line per task, from the discovery sidecar (Cloud Map's API, not its DNS,
            // which answers 8 records at most). The zone holds every instance Cloud Map can list.
            // On aws the client address arrives in the NLB's PROXY v2 header; only the VPC may send one.
            renderNginxConfig({
                services: c.services,
                tuning: c.nginx,
                serverNames: awsServerNames(c, nlbDnsName),
                upstreamIncludeDir: NGINX_UPSTREAM_DIR,
                upstreamServersMax: upstreamServersMax(c.services),
                listeners: plan.nginx,
                ...(plan.redirectToHttpsPort !== undefined
                    ? { redirectToHttpsPort: plan.redirectToHttpsPort, hstsMaxAgeSec: c.hstsMaxAgeSec }
                    : {}),
                ...(sha ? { certificateSha256: sha } : {}),
                clientAddress: {
                    trustedCidrs: a.network.kind === "create" ? [a.network.vpcCidr] : PRIVATE_RANGES,
                },
                // One JSON object per line: CloudWatch metric filters read its fields (lib/operations.ts).
                logFormat: "json",
            }),
        );
        // nginx scales with the app tier unless webstack:aws.nginxAutoscaling says otherwise (false: fixed count).
        const nginxScaling =
            a.nginxAutoscaling === false
                ? undefined
                : (a.nginxAutoscaling ??
                  nginxAutoscalingFor({
                      services: c.services,
                      nginxCpu: a.nginxCpu,
                      nginxDesiredCount: a.nginxDesiredCount,
                      tlsAtNginx: plan.mode === "nginx",
                  }));
        const nginxCount = nginxScaling ? Math.min(Math.max(a.nginxDesiredCount, nginxScaling.min), nginxScaling.max) : a.nginxDesiredCount;
        const nginxSecrets = nginxSecret ? nginxSecret.containerSecrets : pulumi.output([]);
        services[NGINX_SERVICE_NAME] = new FargateService(
            `${name}-nginx`,
            {
                ...common,
                executionRoleArn: roles[NGINX_SERVICE_NAME].arn,
                serviceName: NGINX_SERVICE_NAME,
                family: `${prefix}-nginx`,
                taskRoleArn: nginxTaskRole.arn,
                container: pulumi.all([nginxConfig, nginxSecrets]).apply(([config, secrets]) =>
                    nginxContainer({
                        config,
                        ports: nginxContainerPorts(plan),
                        secrets,
                        logGroupName: logs.groupNames[NGINX_SERVICE_NAME],
                        region: a.region,
                        exec: a.exec,
                        discovery: true,
                    }),
                ),
                image: nginxImage.ref,
                sidecars: [
                    {
                        container: discoveryContainer({
                            config: discoveryConfig(c.services, cluster.namespaceName, c.nginx),
                            logGroupName: logs.groupNames[NGINX_SERVICE_NAME],
                            region: a.region,
                            exec: a.exec,
                        }),
                        image: discoveryImage.ref,
                    },
                ],
                volumes: [DISCOVERY_VOLUME],
                cpu: a.nginxCpu,
                memoryMiB: a.nginxMemoryMiB,
                // Behind the NLB, not Cloud Map: ECS's default surge of a full new set.
                ...rollout(nginxCount, nginxScaling, ECS_DEFAULT_ROLLOUT, nginxStopTimeoutSec()),
                securityGroupId: groups.nginxSecurityGroupId,
                exposure: {
                    kind: "loadBalancer",
                    targets: lb.targets,
                    healthCheckGracePeriodSec: nginxHealthCheckGracePeriodSec(),
                },
                startAfter: [...taskPrerequisites(NGINX_SERVICE_NAME), ...nginxPrerequisites, ...Object.values(lb.listeners)],
            },
            { parent: this, aliases: [{ type: FORMER_TYPES.nginx }] },
        );
        autoscale(NGINX_SERVICE_NAME, services[NGINX_SERVICE_NAME], nginxScaling);

        // Operations (docs/aws-operations.md): metrics from nginx's log, alarms to an SNS topic, a dashboard.
        const namespace = metricNamespace(prefix);
        const appNames = c.services.map((s) => s.name);
        const insights = a.containerInsights !== "disabled";
        new AwsMetricFilters(
            `${name}-metrics`,
            { logGroupName: logs.groupNames[NGINX_SERVICE_NAME], services: appNames, namespace, createAfter: [logs] },
            parent,
        );
        const alarms = new AwsAlarms(
            `${name}-alarms`,
            {
                namePrefix: prefix,
                watch: {
                    namespace,
                    clusterName: cluster.clusterName,
                    services: [...c.services.map((s) => ecsServiceName(s.name, s.capacity)), NGINX_SERVICE_NAME],
                    loadBalancer: lb.arnSuffix,
                    targetGroup: lb.targetGroupArnSuffix,
                    ...(lb.httpsTargetGroupArnSuffix ? { httpsTargetGroup: lb.httpsTargetGroupArnSuffix } : {}),
                    serverErrorPercent: a.serverErrorAlarmPercent,
                    containerInsights: insights,
                },
                ...(a.alarmEmail ? { email: a.alarmEmail } : {}),
                tags,
            },
            parent,
        );
        const dashboard = new AwsDashboard(
            `${name}-dashboard`,
            {
                dashboardName: prefix,
                show: {
                    region: a.region,
                    namespace,
                    clusterName: prefix,
                    services: c.services,
                    ecsServiceNames: Object.fromEntries(c.services.map((s) => [s.name, ecsServiceName(s.name, s.capacity)])),
                    upstreams: computeUpstreams(c.services),
                    containerInsights: insights,
                },
                loadBalancer: lb.arnSuffix,
                targetGroup: lb.targetGroupArnSuffix,
                ...(lb.httpsTargetGroupArnSuffix ? { httpsTargetGroup: lb.httpsTargetGroupArnSuffix } : {}),
            },
            parent,
        );

        this.url = cert?.kind === "dns" ? pulumi.output(`https://${cert.domain}/`) : pulumi.interpolate`${plan.urlScheme}://${lb.dnsName}/`;
        this.upstreams = pulumi.output(computeUpstreams(c.services));
        this.clusterName = cluster.clusterName;
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
        this.logGroups = logs.groupNames;
        this.certificatePem = nginxTls?.certificatePem;
        this.dashboardUrl = dashboard.url;
        this.alarmTopicArn = alarms.topicArn;
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
