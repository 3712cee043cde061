// Expected traffic shares. nginx gives every address a name resolves to the server's weight, so a
// service's share is weight × replicas over the sum of weight × replicas of all services.
import type { ServiceSpec } from "./types";

/** What the stack exports per service under `upstreams`. */
export interface UpstreamShare {
    /** nginx weight of each replica. */
    readonly weight: number;
    /** Replicas declared. */
    readonly replicas: number;
    /** Fraction of requests this service should answer, 0..1 (rounded to 4 places). */
    readonly expectedShare: number;
}

/** Per-service expected shares; all 0 when no service has a replica. */
export function computeUpstreams(
    services: readonly Pick<ServiceSpec, "name" | "weight" | "replicas" | "backup">[],
): Record<string, UpstreamShare> {
    // A backup service answers only when no primary can, so it expects no share.
    const total = services.reduce((sum, s) => sum + (s.backup ? 0 : s.weight * s.replicas), 0);
    const out: Record<string, UpstreamShare> = {};
    for (const s of services) {
        const share = total === 0 || s.backup ? 0 : (s.weight * s.replicas) / total;
        out[s.name] = { weight: s.weight, replicas: s.replicas, expectedShare: Math.round(share * 10000) / 10000 };
    }
    return out;
}
