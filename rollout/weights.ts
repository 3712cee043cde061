// Integer nginx weights that give the canary a target share of requests. A service's expected share is
// weight × replicas over the sum of weight × replicas (lib/upstreams.ts); weights are integers 1..100
// (nginx has no weight 0), so most percents are only approximately reachable: we take the nearest.
//
// 100 %: no weight ≥ 1 can make a service with replicas answer nothing, so a 100 % step marks every
// other service `backup` (nginx sends a backup server requests only when no primary is usable). Their
// replicas stay up and warm: a rollback from 100 % is a weight change, not a cold start.
import { LIMITS } from "../lib/config/defaults";

/** What a rollout changes in one service: its weight, and whether it is a backup. */
export interface ServiceWeights {
    readonly name: string;
    /** nginx weight of each replica, 1..100. */
    readonly weight: number;
    /** Replicas declared (read, never changed by a rollout). */
    readonly replicas: number;
    /** nginx `backup`: answers only when no other server can. Default false. */
    readonly backup?: boolean;
}

/** One step's weights and the canary's exact expected share. */
export interface WeightPlan {
    /** The percent asked for. */
    readonly targetPercent: number;
    /** Canary's expected share with these weights, 0..1, unrounded. */
    readonly expectedShare: number;
    /** Every service, in the order given, with its new weight and backup flag. */
    readonly services: readonly ServiceWeights[];
}

/** Expected share of `name`: its weight × replicas over the total of the services that are not backups. */
export function expectedShareOf(services: readonly ServiceWeights[], name: string): number {
    const primaries = services.filter((s) => !s.backup);
    const total = primaries.reduce((sum, s) => sum + s.weight * s.replicas, 0);
    const me = primaries.find((s) => s.name === name);
    return total === 0 || !me ? 0 : (me.weight * me.replicas) / total;
}

/**
 * Weights for `canary` to take `percent` (0 < percent ≤ 100) of requests, changing only the weights of
 * `stable` and `canary`; any other service keeps its weight. The nearest achievable share wins; among
 * equally near ones, the smallest weights (so 50 % of equal replicas is 1:1, not 100:100).
 */
export function weightsForPercent(
    services: readonly ServiceWeights[],
    stable: string,
    canary: string,
    percent: number,
    maxWeight: number = LIMITS.weight,
): WeightPlan {
    const s = services.find((x) => x.name === stable);
    const c = services.find((x) => x.name === canary);
    if (!s || !c) {
        throw new Error(`no service named '${!s ? stable : canary}' (services: ${services.map((x) => x.name).join(", ")})`);
    }
    if (stable === canary) {
        throw new Error("--from and --to must name two different services");
    }
    if (!(percent > 0 && percent <= 100)) {
        throw new Error(`a step must be a percent in (0, 100], got ${percent}`);
    }
    if (c.replicas === 0) {
        throw new Error(`the canary '${canary}' has 0 replicas: it can take no traffic; give it replicas first`);
    }
    if (percent === 100) {
        const out = services.map((x) => (x.name === canary ? { ...x, backup: false } : { ...x, backup: true }));
        return { targetPercent: percent, expectedShare: expectedShareOf(out, canary), services: out };
    }
    const others = services
        .filter((x) => x.name !== stable && x.name !== canary && !x.backup)
        .reduce((sum, x) => sum + x.weight * x.replicas, 0);
    const target = percent / 100;
    let best: { ws: number; wc: number; share: number } | undefined;
    for (let wc = 1; wc <= maxWeight; wc++) {
        for (let ws = 1; ws <= maxWeight; ws++) {
            const share = (wc * c.replicas) / (wc * c.replicas + ws * s.replicas + others);
            const better =
                !best ||
                Math.abs(share - target) < Math.abs(best.share - target) - 1e-12 ||
                (Math.abs(Math.abs(share - target) - Math.abs(best.share - target)) <= 1e-12 && wc + ws < best.wc + best.ws);
            if (better) {
                best = { ws, wc, share };
            }
        }
    }
    const out = services.map((x) =>
        x.name === canary ? { ...x, weight: best!.wc, backup: false } : x.name === stable ? { ...x, weight: best!.ws, backup: false } : x,
    );
    return { targetPercent: percent, expectedShare: expectedShareOf(out, canary), services: out };
}

/** Parses `--steps 5,25,50,100`: increasing percents in (0, 100]. */
export function parseSteps(text: string): number[] {
    const steps = text.split(",").map((x) => Number(x.trim()));
    for (const [i, p] of steps.entries()) {
        if (!Number.isFinite(p) || p <= 0 || p > 100) {
            throw new Error(`--steps: '${text.split(",")[i]}' is not a percent in (0, 100]`);
        }
        if (i > 0 && p <= steps[i - 1]) {
            throw new Error(`--steps must increase: ${steps[i - 1]} then ${p}`);
        }
    }
    if (steps.length === 0) {
        throw new Error("--steps: give at least one percent");
    }
    return steps;
}
