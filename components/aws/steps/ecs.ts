// Step 4 of AwsWebStack: the cluster with its Cloud Map namespace, and what every ECS service shares: where
// its tasks run, what they wait for, how they deploy and how they scale.
import * as pulumi from "@pulumi/pulumi";
import { AUTOSCALING_DEFAULTS } from "../../../lib/config/defaults";
import type { RolloutPercents } from "../../../lib/aws/rollout";
import type { AutoscalingSpec } from "../../../lib/config/types";
import { ServiceAutoscaling } from "../autoscaling";
import { AwsCluster } from "../cluster";
import { deployWaitMinutes } from "../deployWait";
import type { FargateService } from "../fargateService";
import type { AwsNetwork } from "../network";
import type { declareIdentities } from "./identities";
import { StackScope, namespaceName } from "./scope";

/**
 * Deploy bounds, who owns the task count, and how long `pulumi up` waits, for a count that is fixed or
 * floats in an autoscaling range.
 */
export function serviceRollout(count: number, scaling: AutoscalingSpec | undefined, percents: RolloutPercents, stopTimeoutSec: number) {
    return {
        desiredCount: count,
        rollout: percents,
        desiredCountOwner: scaling ? ("autoscaling" as const) : ("stack" as const),
        deployWaitMinutes: deployWaitMinutes(scaling?.max ?? count, percents, stopTimeoutSec),
    };
}

export function declareEcs(s: StackScope, network: AwsNetwork, ids: ReturnType<typeof declareIdentities>) {
    const a = s.config.aws;
    const cluster = new AwsCluster(
        `${s.name}-cluster`,
        {
            clusterName: s.prefix,
            namespaceName: namespaceName(s.prefix),
            vpcId: network.vpcId,
            containerInsights: a.containerInsights,
            tags: s.tags,
        },
        { parent: s.parent },
    );
    const { roles, taskRole } = ids;
    // What every task needs before it starts: a way to pull its image, and the permission to (its own role's policy).
    const taskPrerequisites = (key: string): pulumi.Resource[] => [
        ...network.egress,
        roles[key].policy,
        ...(taskRole ? [taskRole.policy] : []),
    ];
    const common = {
        platform: a.platform,
        clusterArn: cluster.clusterArn,
        subnetIds: network.privateSubnetIds,
        ...(taskRole ? { taskRoleArn: taskRole.arn } : {}),
        exec: a.exec,
        tags: s.tags,
    };
    const autoscale = (key: string, svc: FargateService, scaling: AutoscalingSpec | undefined) =>
        scaling &&
        new ServiceAutoscaling(
            `${s.name}-${key}-scaling`,
            {
                clusterName: cluster.clusterName,
                service: svc.service,
                scaling,
                scaleOutCooldownSec: AUTOSCALING_DEFAULTS.scaleOutCooldownSec,
                scaleInCooldownSec: AUTOSCALING_DEFAULTS.scaleInCooldownSec,
                tags: s.tags,
            },
            { parent: s.parent },
        );
    return { cluster, common, taskPrerequisites, autoscale };
}
