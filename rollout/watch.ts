// Judging a bake window from nginx's own access log: what users actually got, per answering service.
import type { LogLine } from "../traffic/traffic";

/** Limits a bake is judged against. */
export interface BakeLimits {
    /** Highest canary 5xx rate allowed, in percent of the canary's requests. */
    readonly maxErrorRatePercent: number;
    /** Highest canary p99 latency allowed (nginx's request time), in ms. Default: not judged. */
    readonly maxP99Ms?: number;
    /** Fewest canary requests a bake needs to be judged at all; fewer is a failure. */
    readonly minRequests: number;
}

/** What one bake window showed, and the verdict. */
export interface Judgement {
    readonly passed: boolean;
    /** Why it failed (empty when it passed). */
    readonly reasons: readonly string[];
    /** Requests an app answered (or failed) in the window. */
    readonly requests: number;
    /** Of those, answered by the canary (its 5xx included). */
    readonly canaryRequests: number;
    /** canaryRequests / requests, 0..1 (0 when there were none). */
    readonly observedShare: number;
    /** 5xx counted against the canary: its own, plus 5xx no app put its name on (see judgeBake). */
    readonly canary5xx: number;
    /** 5xx of every service, attributed or not. */
    readonly total5xx: number;
    /** canary5xx over canaryRequests, in percent. */
    readonly errorRatePercent: number;
    /** p99 of the canary's request times in ms; undefined when no line carried one. */
    readonly p99Ms?: number;
}

/** The p-th percentile (0..100) by nearest rank; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
    if (values.length === 0) {
        return undefined;
    }
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Judges the log lines of one bake. A 5xx that no app named (a 502/504 nginx made when an upstream
 * refused, reset or timed out) is counted against the canary: the rollout is the change being made,
 * so an unexplained error must stop it rather than pass unseen.
 */
export function judgeBake(lines: readonly LogLine[], canary: string, limits: BakeLimits): Judgement {
    const answered = lines.filter((l) => l.service !== undefined || l.status >= 500);
    const mine = answered.filter((l) => l.service === canary);
    const orphan5xx = answered.filter((l) => l.service === undefined && l.status >= 500).length;
    const canary5xx = mine.filter((l) => l.status >= 500).length + orphan5xx;
    const canaryRequests = mine.length + orphan5xx;
    const errorRatePercent = canaryRequests === 0 ? 0 : (canary5xx / canaryRequests) * 100;
    const p99Ms = percentile(
        mine.flatMap((l) => (l.requestMs === undefined ? [] : [l.requestMs])),
        99,
    );
    const reasons: string[] = [];
    if (canaryRequests < limits.minRequests) {
        reasons.push(`${canaryRequests} canary requests, fewer than the ${limits.minRequests} needed to judge (--min-requests)`);
    }
    if (errorRatePercent > limits.maxErrorRatePercent) {
        reasons.push(
            `canary 5xx rate ${errorRatePercent.toFixed(2)} % > ${limits.maxErrorRatePercent} % (${canary5xx} of ${canaryRequests})`,
        );
    }
    if (limits.maxP99Ms !== undefined && p99Ms !== undefined && p99Ms > limits.maxP99Ms) {
        reasons.push(`canary p99 ${p99Ms.toFixed(0)} ms > ${limits.maxP99Ms} ms`);
    }
    if (limits.maxP99Ms !== undefined && p99Ms === undefined && canaryRequests > 0) {
        reasons.push("no request times in nginx's log to judge p99 by");
    }
    return {
        passed: reasons.length === 0,
        reasons,
        requests: answered.length,
        canaryRequests,
        observedShare: answered.length === 0 ? 0 : canaryRequests / answered.length,
        canary5xx,
        total5xx: answered.filter((l) => l.status >= 500).length,
        errorRatePercent,
        ...(p99Ms !== undefined ? { p99Ms } : {}),
    };
}
