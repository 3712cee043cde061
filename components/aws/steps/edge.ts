// Step 6 of AwsWebStack: the public edge. The Network Load Balancer (and its ACM certificate), and nginx's ECS
// service behind it: nginx plus its Cloud Map discovery sidecar, with the config rendered for this stack.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_RANGES } from "../../../lib/aws/cidr";
import { nginxAutoscalingFor } from "../../../lib/aws/autoscaling";
import { nginxContainerPorts } from "../../../lib/aws/listeners";
import { CLOUD_MAP_QUOTAS } from "../../../lib/aws/facts";
import { NGINX_SERVICE_NAME } from "../../../lib/config/defaults";
import { ECS_DEFAULT_ROLLOUT } from "../../../lib/aws/rollout";
import { NGINX_UPSTREAM_DIR } from "../../../lib/runtime";
import type { AwsServiceSpec } from "../../../lib/config/types";
import { renderNginxConfig } from "../../../nginx/render";
import { awsServerNames } from "../../../nginx/serverNames";
import { AcmCertificate } from "../acmCertificate";
import { DISCOVERY_VOLUME, discoveryConfig, discoveryContainer, nginxContainer } from "../containers";
import { FORMER_TYPES, FargateService } from "../fargateService";
import { AwsLoadBalancer } from "../loadBalancer";
import { nginxHealthCheckGracePeriodSec, nginxStopTimeoutSec } from "../timing";
import { declareEcs, serviceRollout } from "./ecs";
import type { declareIdentities } from "./identities";
import type { declareImages } from "./images";
import type { declareNetwork } from "./network";
import { StackScope, namespaceName } from "./scope";

/**
 * Most server lines nginx's upstream holds: Cloud Map's most instances per service, for every service. Not the
 * configured counts: a scale change would then be a new nginx task definition (a rollout of nginx) for a zone size.
 */
export function upstreamServersMax(services: readonly AwsServiceSpec[]): number {
    return services.length * CLOUD_MAP_QUOTAS.instancesPerService;
}

export function declareEdge(
    s: StackScope,
    deps: {
        readonly net: ReturnType<typeof declareNetwork>;
        readonly images: ReturnType<typeof declareImages>;
        readonly ids: ReturnType<typeof declareIdentities>;
        readonly ecs: ReturnType<typeof declareEcs>;
    },
) {
    const c = s.config;
    const a = c.aws;
    const name = s.name;
    const tags = s.tags;
    const parent = { parent: s.parent };
    const { net, images, ids, ecs } = deps;
    const { network, plan, groups } = net;
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
    const certificateSha256: pulumi.Output<string | undefined> = ids.nginxTls
        ? ids.nginxTls.certificatePem.apply((pem) => createHash("sha256").update(pem).digest("hex"))
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
            // One JSON object per line: CloudWatch metric filters read its fields (lib/aws/operations.ts).
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
    const nginxSecrets = ids.nginxSecret ? ids.nginxSecret.containerSecrets : pulumi.output([]);
    const nginxPrerequisites = [ids.nginxTaskRole.policy, ...(ids.nginxSecret ? [ids.nginxSecret.version] : [])];
    const nginx = new FargateService(
        `${name}-nginx`,
        {
            ...ecs.common,
            executionRoleArn: ids.roles[NGINX_SERVICE_NAME].arn,
            serviceName: NGINX_SERVICE_NAME,
            family: `${s.prefix}-nginx`,
            taskRoleArn: ids.nginxTaskRole.arn,
            container: pulumi.all([nginxConfig, nginxSecrets]).apply(([config, secrets]) =>
                nginxContainer({
                    config,
                    ports: nginxContainerPorts(plan),
                    secrets,
                    logGroupName: ids.logs.groupNames[NGINX_SERVICE_NAME],
                    region: a.region,
                    exec: a.exec,
                    discovery: true,
                }),
            ),
            image: images.nginxImage.ref,
            sidecars: [
                {
                    container: discoveryContainer({
                        config: discoveryConfig(c.services, namespaceName(s.prefix), c.nginx),
                        logGroupName: ids.logs.groupNames[NGINX_SERVICE_NAME],
                        region: a.region,
                        exec: a.exec,
                    }),
                    image: images.discoveryImage.ref,
                },
            ],
            volumes: [DISCOVERY_VOLUME],
            cpu: a.nginxCpu,
            memoryMiB: a.nginxMemoryMiB,
            // Behind the NLB, not Cloud Map: ECS's default surge of a full new set.
            ...serviceRollout(nginxCount, nginxScaling, ECS_DEFAULT_ROLLOUT, nginxStopTimeoutSec()),
            securityGroupId: groups.nginxSecurityGroupId,
            exposure: {
                kind: "loadBalancer",
                targets: lb.targets,
                healthCheckGracePeriodSec: nginxHealthCheckGracePeriodSec(),
            },
            startAfter: [...ecs.taskPrerequisites(NGINX_SERVICE_NAME), ...nginxPrerequisites, ...Object.values(lb.listeners)],
        },
        { parent: s.parent, aliases: [{ type: FORMER_TYPES.nginx }] },
    );
    ecs.autoscale(NGINX_SERVICE_NAME, nginx, nginxScaling);
    return { lb, nginx, cert };
}
