// How many tasks an ECS rolling deploy may run at once, sized so that a Cloud Map name never has more
// healthy records than it can answer with, and so that every deploy can still make progress.
//
// ECS (DeploymentConfiguration, ECS API reference): during a rolling deploy at most
// floor(desired × maximumPercent / 100) tasks are RUNNING or PENDING ("rounded down to the nearest
// integer"), and at least ceil(desired × minimumHealthyPercent / 100) stay RUNNING ("rounded up").
// A task registers in Cloud Map only while it runs, so the first bound is also the most records a
// service's name can have. Cloud Map's MULTIVALUE routing answers with at most 8 healthy records; with
// more, nginx would see a random 8 and the weights would drift.
import { CLOUD_MAP_MAX_ANSWERS } from "./awsFacts";

/** ECS's defaults for a rolling deploy: start a full new set before stopping any old task. */
export const ECS_DEFAULT_ROLLOUT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;

/**
 * The fewest healthy tasks any deploy keeps, as a percentage of the desired count. Below this a range
 * of task counts is refused: a deploy that may stop more than half of a service at once changes the
 * traffic split more than a deploy should.
 */
export const MIN_HEALTHY_FLOOR_PERCENT = 50;

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

/**
 * The deploy percentages for a service whose desired count may be anything in [minTasks, maxTasks]
 * (equal for a fixed count). maximumPercent is the largest (up to ECS's 200) that keeps the peak at or
 * under `limit` for every count; minimumHealthyPercent is the largest (up to 100) that still leaves
 * room to start one new task at every count, so no deploy can stall.
 */
export function rolloutPercents(minTasks: number, maxTasks: number, limit: number = CLOUD_MAP_MAX_ANSWERS): RolloutPercents {
    if (maxTasks <= 0) {
        return ECS_DEFAULT_ROLLOUT;
    }
    // floor(d × P / 100) <= limit  <=>  d × P < 100 × (limit + 1); the largest d binds.
    const maximumPercent = Math.min(ECS_DEFAULT_ROLLOUT.maximumPercent, Math.floor((100 * (limit + 1) - 1) / maxTasks));
    let minimumHealthyPercent: number = ECS_DEFAULT_ROLLOUT.minimumHealthyPercent;
    for (let d = Math.max(1, minTasks); d <= maxTasks; d++) {
        // Progress needs kept <= peak - 1, i.e. ceil(d × M / 100) <= peak - 1  <=>  M <= 100 × (peak - 1) / d.
        const room = rolloutAt(d, { maximumPercent, minimumHealthyPercent: 0 }).peakTasks - 1;
        minimumHealthyPercent = Math.min(minimumHealthyPercent, Math.floor((100 * room) / d));
    }
    return { maximumPercent, minimumHealthyPercent: Math.max(0, minimumHealthyPercent) };
}

/** True when a range of task counts gets deploy percentages that keep at least the floor healthy. */
export function rolloutKeepsFloor(minTasks: number, maxTasks: number, limit: number = CLOUD_MAP_MAX_ANSWERS): boolean {
    return rolloutPercents(minTasks, maxTasks, limit).minimumHealthyPercent >= MIN_HEALTHY_FLOOR_PERCENT;
}

/** For a refused range: the largest max that works with this min, and the smallest min that works with this max. */
export function rolloutFixes(minTasks: number, maxTasks: number, limit: number = CLOUD_MAP_MAX_ANSWERS): { max?: number; min?: number } {
    let max: number | undefined;
    for (let m = maxTasks - 1; m >= minTasks && max === undefined; m--) {
        max = rolloutKeepsFloor(minTasks, m, limit) ? m : undefined;
    }
    let min: number | undefined;
    for (let m = minTasks + 1; m <= maxTasks && min === undefined; m++) {
        min = rolloutKeepsFloor(m, maxTasks, limit) ? m : undefined;
    }
    return { max, min };
}
