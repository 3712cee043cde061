// How many tasks an ECS rolling deploy may run at once, and the largest service that leaves room for it.
//
// ECS (DeploymentConfiguration, ECS API reference): during a rolling deploy at most
// floor(desired × maximumPercent / 100) tasks are RUNNING or PENDING ("rounded down to the nearest
// integer"), and at least ceil(desired × minimumHealthyPercent / 100) stay RUNNING ("rounded up").
// A task is a Cloud Map instance while it runs, so the first bound is also the most instances a
// service has mid-deploy. nginx reads them through the Cloud Map API (every instance, not DNS's 8), so
// the bound that matters is Cloud Map's 1,000 instances per service.
import { CLOUD_MAP_QUOTAS } from "./facts";

/** ECS's defaults for a rolling deploy: start a full new set before stopping any old task. */
export const ECS_DEFAULT_ROLLOUT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;

/** maximumPercent / minimumHealthyPercent of one ECS service. */
export interface RolloutPercents {
    readonly maximumPercent: number;
    readonly minimumHealthyPercent: number;
}

/** What ECS allows at one desired count, with its rounding. */
export interface RolloutAt {
    /** Most tasks RUNNING or PENDING during a deploy: floor(desired × max / 100). */
    readonly peakTasks: number;
    /** Fewest tasks kept RUNNING: ceil(desired × minHealthy / 100). */
    readonly keptTasks: number;
}

/** ECS's task bounds for `desired` tasks under `p`, with ECS's rounding. */
export function rolloutAt(desired: number, p: RolloutPercents): RolloutAt {
    // Integer arithmetic: (desired × percent) / 100 without float error at exact multiples.
    return {
        peakTasks: Math.floor((desired * p.maximumPercent) / 100),
        keptTasks: Math.ceil((desired * p.minimumHealthyPercent) / 100),
    };
}

/** The deploy bounds of every app service: ECS's own, a full new set next to the old one. */
export const APP_ROLLOUT: RolloutPercents = ECS_DEFAULT_ROLLOUT;

/**
 * Most tasks an app service may run on aws (`replicas`, `autoscaling.max`): the largest count whose
 * deploy peak, floor(max × maximumPercent / 100), stays within Cloud Map's instances per service.
 * 1,000 × 100 / 200 = 500.
 */
export const AWS_MAX_TASKS_PER_SERVICE = Math.floor((CLOUD_MAP_QUOTAS.instancesPerService * 100) / APP_ROLLOUT.maximumPercent);

/** Why the limit is what it is, for the parser's message. */
export const AWS_MAX_TASKS_REASON =
    `a deploy runs up to ${APP_ROLLOUT.maximumPercent} % of the tasks (old and new side by side), and Cloud Map holds at most ` +
    `${CLOUD_MAP_QUOTAS.instancesPerService} instances per service (a quota AWS does not raise)`;
