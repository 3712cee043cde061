import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AutoscalingSpec } from "../../lib/config/types";

export interface ServiceAutoscalingArgs {
    /** ECS cluster name (the scalable target's resource ID is service/<cluster>/<service>). */
    readonly clusterName: pulumi.Input<string>;
    /** The ECS service to scale; the target is created after it. */
    readonly service: aws.ecs.Service;
    /** min, max and the utilisation targets (lib/aws/autoscaling.ts has validated them). */
    readonly scaling: AutoscalingSpec;
    /** Seconds after a scale-out before another may start (lib/config/defaults.ts AUTOSCALING_DEFAULTS). */
    readonly scaleOutCooldownSec: number;
    /** Seconds after a scale-in before another may start. */
    readonly scaleInCooldownSec: number;
    /** Tags on the scalable target. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The ECS metric each utilisation target tracks. */
export const TRACKED_METRICS = {
    cpuPercent: "ECSServiceAverageCPUUtilization",
    memoryPercent: "ECSServiceAverageMemoryUtilization",
} as const;

/**
 * Application Auto Scaling of one ECS service: a scalable target on its desired count in [min, max],
 * and one target-tracking policy per utilisation target (with two, the larger count wins). The ECS
 * service must ignore later changes of desiredCount (FargateService desiredCountOwner "autoscaling"),
 * or every `pulumi up` would reset what the policies chose.
 */
export class ServiceAutoscaling extends pulumi.ComponentResource {
    /** The scalable target. */
    public readonly target: aws.appautoscaling.Target;
    /** The target-tracking policies, by utilisation key. */
    public readonly policies: Readonly<Partial<Record<keyof typeof TRACKED_METRICS, aws.appautoscaling.Policy>>>;

    constructor(name: string, args: ServiceAutoscalingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:ServiceAutoscaling", name, {}, opts);
        this.target = new aws.appautoscaling.Target(
            name,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${args.clusterName}/${args.service.name}`,
                minCapacity: args.scaling.min,
                maxCapacity: args.scaling.max,
                tags: args.tags,
            },
            { parent: this, dependsOn: [args.service] },
        );
        const policies: Partial<Record<keyof typeof TRACKED_METRICS, aws.appautoscaling.Policy>> = {};
        for (const key of Object.keys(TRACKED_METRICS) as (keyof typeof TRACKED_METRICS)[]) {
            const targetValue = args.scaling[key];
            if (targetValue === undefined) {
                continue;
            }
            policies[key] = new aws.appautoscaling.Policy(
                `${name}-${key === "cpuPercent" ? "cpu" : "memory"}`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: this.target.serviceNamespace,
                    scalableDimension: this.target.scalableDimension,
                    resourceId: this.target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        predefinedMetricSpecification: { predefinedMetricType: TRACKED_METRICS[key] },
                        targetValue,
                        scaleOutCooldown: args.scaleOutCooldownSec,
                        scaleInCooldown: args.scaleInCooldownSec,
                    },
                },
                { parent: this },
            );
        }
        this.policies = policies;
        this.registerOutputs({ targetId: this.target.id });
    }
}
