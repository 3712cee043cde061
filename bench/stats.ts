// Medians with their spread, per configuration and run kind. Medians, not means: one run disturbed
// by another process on a shared 2-core machine must not move the headline number.
import type { WrkResult } from "./wrk";

export interface Stat {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly n: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
    if (values.length === 0) {
        throw new Error("median of no values");
    }
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function stat(values: readonly number[]): Stat {
    return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export type ConfigId = "article" | "ours" | "direct";
export type RunKind = "sustained" | "short";
export const CONFIG_IDS: readonly ConfigId[] = ["article", "ours", "direct"];
export const RUN_KINDS: readonly RunKind[] = ["sustained", "short"];

/** One wrk run of one configuration, with the host state it started in. */
export interface RunRecord {
    readonly round: number;
    readonly config: ConfigId;
    readonly kind: RunKind;
    readonly startedAt: string;
    /** Host CPU idle % over the second before the run (other processes share this machine). */
    readonly hostIdlePct: number;
    /** A fixed CPU loop's time just before the run (bench/host.ts cpuProbeMs): a slower host shows here. */
    readonly cpuProbeMs?: number;
    readonly wrk: WrkResult;
    /** Host CPU milliseconds per request during the run, by program (bench/cpu.ts). */
    readonly cpuMsPerRequest?: Readonly<Record<string, number>>;
    /** Sockets in TIME_WAIT in the proxy's network namespace right after the run (proxied configs). */
    readonly timeWait?: number;
}

export interface KindSummary {
    readonly reqPerSec: Stat;
    readonly p50Ms: Stat;
    readonly p99Ms: Stat;
    readonly errors: Stat;
    /** Largest TIME_WAIT count seen after a run, if measured. */
    readonly maxTimeWait?: number;
    /** Median host CPU ms per request, by program group, if measured. */
    readonly cpuMsPerRequest?: Readonly<Record<string, number>>;
}

/** Per key, the median over the records that have it. */
export function medianByKey(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    return Object.fromEntries(keys.map((k) => [k, median(records.map((r) => r[k]).filter((v) => v !== undefined))]));
}

/** Summary of one configuration's runs of one kind; undefined when it has none. */
export function summarize(runs: readonly RunRecord[], config: ConfigId, kind: RunKind): KindSummary | undefined {
    const mine = runs.filter((r) => r.config === config && r.kind === kind);
    if (mine.length === 0) {
        return undefined;
    }
    const tw = mine.map((r) => r.timeWait).filter((t): t is number => t !== undefined);
    const cpu = mine.map((r) => r.cpuMsPerRequest).filter((c): c is Readonly<Record<string, number>> => c !== undefined);
    return {
        reqPerSec: stat(mine.map((r) => r.wrk.reqPerSec)),
        p50Ms: stat(mine.map((r) => r.wrk.p50Ms)),
        p99Ms: stat(mine.map((r) => r.wrk.p99Ms)),
        errors: stat(mine.map((r) => r.wrk.errors)),
        ...(tw.length > 0 ? { maxTimeWait: Math.max(...tw) } : {}),
        ...(cpu.length > 0 ? { cpuMsPerRequest: medianByKey(cpu) } : {}),
    };
}

export type Summary = Partial<Record<ConfigId, Partial<Record<RunKind, KindSummary>>>>;

export function summarizeAll(runs: readonly RunRecord[]): Summary {
    const out: Summary = {};
    for (const c of CONFIG_IDS) {
        for (const k of RUN_KINDS) {
            const s = summarize(runs, c, k);
            if (s) {
                out[c] = { ...(out[c] ?? {}), [k]: s };
            }
        }
    }
    return out;
}

/**
 * Run order for one round: configurations rotate by round, so none is always first (right after
 * the idle gap) or always last, and the sustained run of each alternates with its short one.
 */
export function roundOrder(round: number, configs: readonly ConfigId[] = CONFIG_IDS): { config: ConfigId; kind: RunKind }[] {
    const n = configs.length;
    const rotated = configs.map((_, i) => configs[(i + round) % n]);
    const kinds: RunKind[] = round % 2 === 0 ? ["sustained", "short"] : ["short", "sustained"];
    return kinds.flatMap((kind) => rotated.map((config) => ({ config, kind })));
}

/** Host CPU idle percentage between two /proc/stat "cpu" lines. */
export function idlePct(before: string, after: string): number {
    const nums = (line: string) => line.trim().split(/\s+/).slice(1).map(Number);
    const a = nums(before);
    const b = nums(after);
    const total = b.reduce((s, v, i) => s + v - (a[i] ?? 0), 0);
    // idle + iowait are fields 4 and 5.
    const idle = b[3] - a[3] + ((b[4] ?? 0) - (a[4] ?? 0));
    return total <= 0 ? 100 : (100 * idle) / total;
}
