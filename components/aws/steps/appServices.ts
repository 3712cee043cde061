// Step 5 of AwsWebStack: an ECS service per app service, registered in Cloud Map, with its autoscaling.
import { APP_ROLLOUT } from "../../../lib/aws/rollout";
import { appContainer } from "../containers";
import { FORMER_TYPES, FargateService } from "../fargateService";
import type { AppStopTiming } from "../timing";
import type { AwsSecurityGroups } from "../securityGroups";
import { declareEcs, serviceRollout } from "./ecs";
import type { declareIdentities } from "./identities";
import type { declareImages } from "./images";
import type { StackScope } from "./scope";

export function declareAppServices(
    s: StackScope,
    deps: {
        readonly groups: AwsSecurityGroups;
        readonly images: ReturnType<typeof declareImages>;
        readonly ids: ReturnType<typeof declareIdentities>;
        readonly ecs: ReturnType<typeof declareEcs>;
        readonly appStop: AppStopTiming;
    },
): Record<string, FargateService> {
    const c = s.config;
    const a = c.aws;
    const { groups, images, ids, ecs, appStop } = deps;
    const services: Record<string, FargateService> = {};
    for (const svc of c.services) {
        services[svc.name] = new FargateService(
            `${s.name}-${svc.name}`,
            {
                ...ecs.common,
                executionRoleArn: ids.roles[svc.name].arn,
                serviceName: svc.name,
                family: `${s.prefix}-${svc.name}`,
                container: appContainer({
                    service: svc,
                    nginx: c.nginx,
                    logGroupName: ids.logs.groupNames[svc.name],
                    region: a.region,
                    version: images.appImages.get(svc.name)!.version,
                    exec: a.exec,
                }),
                capacity: svc.capacity,
                image: images.appImages.get(svc.name)!.ref,
                cpu: svc.cpu,
                memoryMiB: svc.memoryMiB,
                // ECS's 200 % / 100 %: at most 500 tasks, so a deploy's peak fits Cloud Map's 1,000 per service (lib/aws/rollout.ts).
                ...serviceRollout(svc.replicas, svc.autoscaling, APP_ROLLOUT, appStop.stopTimeoutSec),
                securityGroupId: groups.appSecurityGroupId,
                // Each task is a Cloud Map instance nginx's discovery sidecar reads (timing.ts sizes the TTL of its DNS record).
                exposure: { kind: "cloudMap", namespaceId: ecs.cluster.namespaceId, ttlSec: appStop.ttlSec },
                startAfter:
                    svc.capacity === "spot"
                        ? [...ecs.taskPrerequisites(svc.name), ecs.cluster.capacityProviders]
                        : ecs.taskPrerequisites(svc.name),
            },
            { parent: s.parent, aliases: [{ type: FORMER_TYPES.app }] },
        );
        ecs.autoscale(svc.name, services[svc.name], svc.autoscaling);
    }
    return services;
}
