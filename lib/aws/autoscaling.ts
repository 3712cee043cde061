// Parsing of `autoscaling: {min, max, cpuPercent?, memoryPercent?}` (services[i].autoscaling and
// webstack:aws.nginxAutoscaling), with the parser's rules: every problem names key, value and fix.
import { AUTOSCALING_DEFAULTS, AUTOSCALING_LIMITS, NGINX_SIZING } from "../config/defaults";
import type { AutoscalingSpec, AwsServiceSpec } from "../config/types";
import { Problems, intIn, isRecord, setCommand, unknownKeys } from "../config/validate";

/** Keys of an autoscaling object. */
export const AUTOSCALING_KEYS = ["min", "max", "cpuPercent", "memoryPercent"] as const;

/** What one autoscaled service allows. */
export interface AutoscalingBounds {
    /** Smallest allowed `min`. */
    readonly lowest: number;
    /** Why `min` starts at `lowest`, for the message. */
    readonly lowestReason: string;
    /** Largest allowed `max`. */
    readonly highest: number;
    /** Why `max` stops at `highest`, for the message. */
    readonly highestReason: string;
    /** The key and value of the starting count (`replicas` or `nginxDesiredCount`), already validated. */
    readonly start: { readonly key: string; readonly value: number | undefined };
}

/** Validates one autoscaling object; undefined (and no problem) when `value` is undefined. */
export function parseAutoscaling(p: Problems, key: string, value: unknown, b: AutoscalingBounds): AutoscalingSpec | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!isRecord(value)) {
        p.add(
            key,
            value,
            "must be an object {min, max, cpuPercent?, memoryPercent?}",
            `write it as e.g. ${key.split(".").pop()}: {min: ${b.lowest}, max: ${Math.min(b.highest, 10)}, cpuPercent: 60}`,
        );
        return undefined;
    }
    const before = p.count;
    unknownKeys(p, key, value, AUTOSCALING_KEYS);
    const min = intIn(p, `${key}.min`, value.min, b.lowest, b.highest, `fewest tasks autoscaling keeps; ${b.lowestReason}`, b.lowest);
    const max = intIn(
        p,
        `${key}.max`,
        value.max,
        min ?? b.lowest,
        b.highest,
        `most tasks autoscaling starts; ${b.highestReason}`,
        b.highest,
    );
    const percent = (name: "cpuPercent" | "memoryPercent") =>
        value[name] === undefined
            ? undefined
            : intIn(
                  p,
                  `${key}.${name}`,
                  value[name],
                  AUTOSCALING_LIMITS.minPercent,
                  AUTOSCALING_LIMITS.maxPercent,
                  `target average ${name === "cpuPercent" ? "CPU" : "memory"} utilisation; below 10 scales on noise, above 90 leaves no headroom for a burst`,
                  AUTOSCALING_DEFAULTS.cpuPercent,
              );
    const cpuPercent = percent("cpuPercent");
    const memoryPercent = percent("memoryPercent");
    if (min !== undefined && max !== undefined && b.start.value !== undefined && (b.start.value < min || b.start.value > max)) {
        p.add(
            b.start.key,
            b.start.value,
            `must be within ${key} min..max (${min}..${max}); with autoscaling it is the count the service starts with`,
            setCommand(b.start.key, Math.min(Math.max(b.start.value, min), max)),
        );
    }
    if (p.count !== before) {
        return undefined;
    }
    // Neither target given: track CPU, the resource a Gunicorn app runs out of first.
    const targets = cpuPercent === undefined && memoryPercent === undefined ? { cpuPercent: AUTOSCALING_DEFAULTS.cpuPercent } : {};
    return {
        min: min!,
        max: max!,
        ...(cpuPercent !== undefined ? { cpuPercent } : {}),
        ...(memoryPercent !== undefined ? { memoryPercent } : {}),
        ...targets,
    };
}

/** What the default nginx autoscaling is sized from. */
export interface NginxSizingInputs {
    /** The app services: their most tasks (`autoscaling.max`, else `replicas`) and Fargate CPU each. */
    readonly services: readonly Pick<AwsServiceSpec, "replicas" | "autoscaling" | "cpu">[];
    /** webstack:aws.nginxCpu. */
    readonly nginxCpu: number;
    /** webstack:aws.nginxDesiredCount: the range always admits it. */
    readonly nginxDesiredCount: number;
    /** nginx terminates TLS (webstack:tls on aws): more CPU per request. */
    readonly tlsAtNginx: boolean;
}

/** CPU units the app tier runs at its most tasks. */
export function appCpuAtMax(services: NginxSizingInputs["services"]): number {
    return services.reduce((sum, s) => sum + (s.autoscaling?.max ?? s.replicas) * s.cpu, 0);
}

/**
 * nginx autoscaling when webstack:aws.nginxAutoscaling is not set, sized from the app tier: min 2 (one
 * task per AZ); max enough nginx CPU for the app tier at its most tasks, i.e.
 * ceil(Σ most tasks × cpu × NGINX_SIZING ratio / nginxCpu), at least twice min (nginx's own load,
 * connections and slow clients, does not follow the app's CPU) and at least nginxDesiredCount, at most
 * AUTOSCALING_LIMITS.nginxMaxTasks. CPU target as for app services.
 */
export function nginxAutoscalingFor(x: NginxSizingInputs): AutoscalingSpec {
    const min = AUTOSCALING_LIMITS.nginxMinTasks;
    const ratio = x.tlsAtNginx ? NGINX_SIZING.tlsCpuPerAppCpu : NGINX_SIZING.cpuPerAppCpu;
    const needed = Math.ceil((appCpuAtMax(x.services) * ratio) / x.nginxCpu);
    const max = Math.min(AUTOSCALING_LIMITS.nginxMaxTasks, Math.max(2 * min, needed, x.nginxDesiredCount));
    return { min, max, cpuPercent: AUTOSCALING_DEFAULTS.cpuPercent };
}
