// Medians with their spread, per configuration, for the closed-loop (max throughput) and open-loop
// (fixed rate) runs, and the goals computed from them. Medians, not means: one run disturbed by
// another process on a shared 2-core machine must not move the headline number.
import type { OpenLoopResult } from "./h2load";
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

export type ConfigId = "article" | "ours" | "https" | "direct";
export const CONFIG_IDS: readonly ConfigId[] = ["article", "ours", "https", "direct"];

/** Host state a run started in, and where the CPU went during it. */
interface RunContext {
    readonly round: number;
    readonly config: ConfigId;
    readonly startedAt: string;
    /** Host CPU idle % over the second before the run (other processes share this machine). */
    readonly hostIdlePct: number;
    /** Host CPU milliseconds per request during the run, by program (bench/cpu.ts). */
    readonly cpuMsPerRequest?: Readonly<Record<string, number>>;
    /** Each Gunicorn worker's share of the configuration's Gunicorn CPU, %, largest first (bench/cpu.ts). */
    readonly workerCpuPct?: readonly number[];
}

/** One closed-loop wrk run: as many requests as the configuration answers. */
export interface ClosedRun extends RunContext {
    readonly wrk: WrkResult;
}

/** One open-loop h2load run at a fixed rate, a percentage of the article's closed-loop median. */
export interface OpenRun extends RunContext {
    readonly loadPct: number;
    readonly open: OpenLoopResult;
}

export interface ClosedSummary {
    readonly reqPerSec: Stat;
    readonly p50Ms: Stat;
    readonly p99Ms: Stat;
    readonly errors: Stat;
    /** Median host CPU ms per request, by program group, if measured. */
    readonly cpuMsPerRequest?: Readonly<Record<string, number>>;
    /** The busiest Gunicorn worker's share of the Gunicorn CPU, %, if measured. */
    readonly busiestWorkerPct?: Stat;
}

export interface OpenSummary {
    readonly requestedPerSec: number;
    readonly achievedPerSec: Stat;
    readonly p50Ms: Stat;
    readonly p99Ms: Stat;
    readonly p999Ms: Stat;
    readonly errors: Stat;
    /** Replies slower than one connection's send interval (each may have delayed the next send). */
    readonly slowerThanInterval: Stat;
    readonly cpuMsPerRequest?: Readonly<Record<string, number>>;
    readonly busiestWorkerPct?: Stat;
}

/** Per key, the median over the records that have it. */
export function medianByKey(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    return Object.fromEntries(keys.map((k) => [k, median(records.map((r) => r[k]).filter((v) => v !== undefined))]));
}

/** Median CPU per request by program, and the busiest worker's share, when the runs measured them. */
function cpuOf(runs: readonly RunContext[]): { cpuMsPerRequest?: Record<string, number>; busiestWorkerPct?: Stat } {
    const cpu = runs.map((r) => r.cpuMsPerRequest).filter((c): c is Readonly<Record<string, number>> => c !== undefined);
    const busiest = runs.map((r) => r.workerCpuPct?.[0]).filter((x): x is number => x !== undefined);
    return {
        ...(cpu.length > 0 ? { cpuMsPerRequest: medianByKey(cpu) } : {}),
        ...(busiest.length > 0 ? { busiestWorkerPct: stat(busiest) } : {}),
    };
}

export function summarizeClosed(runs: readonly ClosedRun[]): Partial<Record<ConfigId, ClosedSummary>> {
    const out: Partial<Record<ConfigId, ClosedSummary>> = {};
    for (const c of CONFIG_IDS) {
        const mine = runs.filter((r) => r.config === c);
        if (mine.length > 0) {
            out[c] = {
                reqPerSec: stat(mine.map((r) => r.wrk.reqPerSec)),
                p50Ms: stat(mine.map((r) => r.wrk.p50Ms)),
                p99Ms: stat(mine.map((r) => r.wrk.p99Ms)),
                errors: stat(mine.map((r) => r.wrk.errors)),
                ...cpuOf(mine),
            };
        }
    }
    return out;
}

/** Open-loop summaries by load percentage (as text, for JSON) and configuration. */
export type OpenSummaries = Readonly<Record<string, Partial<Record<ConfigId, OpenSummary>>>>;

export function summarizeOpen(runs: readonly OpenRun[]): OpenSummaries {
    const out: Record<string, Partial<Record<ConfigId, OpenSummary>>> = {};
    for (const pct of [...new Set(runs.map((r) => r.loadPct))].sort((a, b) => a - b)) {
        out[String(pct)] = {};
        for (const c of CONFIG_IDS) {
            const runsHere = runs.filter((r) => r.loadPct === pct && r.config === c);
            const mine = runsHere.map((r) => r.open);
            if (mine.length > 0) {
                out[String(pct)][c] = {
                    requestedPerSec: mine[0].requestedPerSec,
                    achievedPerSec: stat(mine.map((o) => o.achievedPerSec)),
                    p50Ms: stat(mine.map((o) => o.p50Ms)),
                    p99Ms: stat(mine.map((o) => o.p99Ms)),
                    p999Ms: stat(mine.map((o) => o.p999Ms)),
                    errors: stat(mine.map((o) => o.errors)),
                    slowerThanInterval: stat(mine.map((o) => o.slowerThanInterval)),
                    ...cpuOf(runsHere),
                };
            }
        }
    }
    return out;
}

/**
 * Run order for one round: configurations rotate by round, so none is always first (right after
 * the idle gap) or always last.
 */
export function roundOrder(round: number, configs: readonly ConfigId[] = CONFIG_IDS): ConfigId[] {
    return configs.map((_, i) => configs[(i + round) % configs.length]);
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

export interface Goal {
    readonly id: string;
    /** What is asked, in words. */
    readonly text: string;
    /** The measured value (undefined when it could not be measured). */
    readonly measured?: number;
    readonly op: "<=" | ">=";
    readonly target: number;
    readonly unit: "x" | "fraction";
    /** undefined when not measured. */
    readonly met?: boolean;
}

const div = (a?: number, b?: number) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

function goal(id: string, text: string, measured: number | undefined, op: "<=" | ">=", target: number, unit: Goal["unit"]): Goal {
    const met = measured === undefined ? undefined : op === "<=" ? measured <= target : measured >= target;
    return { id, text, ...(measured === undefined ? {} : { measured }), op, target, unit, ...(met === undefined ? {} : { met }) };
}

/** Issue 14's goals: max throughput vs the article, p99 at equal offered load, proxy overhead. */
export function evaluateGoals(closed: Partial<Record<ConfigId, ClosedSummary>>, open: OpenSummaries): Goal[] {
    const rps = (c: ConfigId) => closed[c]?.reqPerSec.median;
    const overOurs = div(rps("ours"), rps("direct"));
    return [
        goal("throughput", "max req/s (closed loop), ours / article", div(rps("ours"), rps("article")), ">=", 1.5, "x"),
        ...Object.keys(open).map((pct) =>
            goal(
                `latency${pct}`,
                `p99 at ${pct} % of the article's max (open loop), ours / article`,
                div(open[pct].ours?.p99Ms.median, open[pct].article?.p99Ms.median),
                "<=",
                0.5,
                "x",
            ),
        ),
        goal(
            "proxyOverhead",
            "proxy overhead, 1 − ours / direct (max req/s)",
            overOurs === undefined ? undefined : 1 - overOurs,
            "<=",
            0.1,
            "fraction",
        ),
    ];
}
