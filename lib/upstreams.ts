// Expected traffic shares. nginx gives every address a name resolves to the server's weight, so a
// service's share is weight × running tasks over the sum of weight × running tasks of all services.
// With autoscaling the task counts float, so each share is a range: lowest when the service runs its
// fewest tasks and every other service its most, highest the other way round.
import type { ServiceSpec } from "./config/types";

/** What the stack exports per service under `upstreams`. */
export interface UpstreamShare {
    /** nginx weight of each replica. */
    readonly weight: number;
    /** Replicas declared (with autoscaling: the count the service starts with). */
    readonly replicas: number;
    /** Fraction of requests this service should answer at the declared replicas, 0..1 (4 places). */
    readonly expectedShare: number;
    /** When any service autoscales: the task counts this service can run, [min, max]. */
    readonly replicasRange?: readonly [number, number];
    /** When any service autoscales: the share this service can get as counts float, [lowest, highest]. */
    readonly shareRange?: readonly [number, number];
}

/** A service as computeUpstreams reads it; `autoscaling` only on the aws target. */
export type UpstreamInput = Pick<ServiceSpec, "name" | "weight" | "replicas" | "backup"> & {
    readonly autoscaling?: { readonly min: number; readonly max: number };
};

const round = (x: number) => Math.round(x * 10000) / 10000;
const share = (mine: number, others: number) => (mine + others === 0 ? 0 : mine / (mine + others));

/** Per-service expected shares (all 0 when no service has a replica), with ranges when counts float. */
export function computeUpstreams(services: readonly UpstreamInput[]): Record<string, UpstreamShare> {
    // A backup service answers only when no primary can, so it counts for no share.
    const weightOf = (s: UpstreamInput) => (s.backup ? 0 : s.weight);
    const total = services.reduce((sum, s) => sum + weightOf(s) * s.replicas, 0);
    const floats = services.some((s) => s.autoscaling !== undefined);
    const range = (s: UpstreamInput): [number, number] =>
        s.autoscaling ? [s.autoscaling.min, s.autoscaling.max] : [s.replicas, s.replicas];
    const out: Record<string, UpstreamShare> = {};
    for (const s of services) {
        const base = {
            weight: s.weight,
            replicas: s.replicas,
            expectedShare: round(share(weightOf(s) * s.replicas, total - weightOf(s) * s.replicas)),
        };
        if (!floats) {
            out[s.name] = base;
            continue;
        }
        const others = services.filter((o) => o !== s);
        const othersAt = (end: 0 | 1) => others.reduce((sum, o) => sum + weightOf(o) * range(o)[end], 0);
        const [lo, hi] = range(s);
        out[s.name] = {
            ...base,
            replicasRange: [lo, hi],
            shareRange: [round(share(weightOf(s) * lo, othersAt(1))), round(share(weightOf(s) * hi, othersAt(0)))],
        };
    }
    return out;
}
