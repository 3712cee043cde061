// One change applied under load: the measurements behind the zero-downtime engine tests and
// `npm run soak`. A change is any async action (an apply of a plan, a SIGKILL); `servingAt` says,
// from the replies, when the new state was fully serving.
import { LoadLoop, Reply } from "../../traffic/traffic";
import { sleep } from "../../replay/docker";
import { BusyCore } from "./busyCore";

export type TimedReply = Reply & { at: number };

export interface ChangeResult {
    readonly kind: string;
    readonly requests: number;
    readonly failed: TimedReply[];
    /** First attempts that failed on a reused keep-alive connection and succeeded when resent. */
    readonly retriedReused: number;
    /** Worst and p99 latency of the requests from the start of the change until fully serving + 1 s. */
    readonly worstMs: number;
    readonly p99Ms: number;
    /** From the start of the change to the end of the apply. */
    readonly applyMs: number;
    /** From the start of the change until the new state was fully serving (undefined: never). */
    readonly servingMs?: number;
    /** Replies once fully serving (for split checks). */
    readonly after: TimedReply[];
}

export interface ChangeSpec {
    readonly kind: string;
    /** The change itself (an apply, a kill). */
    readonly apply: () => Promise<void>;
    /** When the new state was fully serving, from all replies and the end of the apply; undefined if not yet. */
    readonly servingAt: (replies: readonly TimedReply[], appliedAt: number) => number | undefined;
    /** Body text to look for (sets Reply.marked). */
    readonly bodyMarker?: string;
    /** A reply that counts as served. Default: status 200 (a 301 once TLS is on is a served request too). */
    readonly ok?: (r: TimedReply) => boolean;
    /** Puts the stack back after the measurement (e.g. starts a killed replica again). */
    readonly restore?: () => Promise<void>;
}

/** Loop options: clients, the least number of requests, and how long to keep going once serving. */
export const LOAD = { clients: 4, minRequests: 2000, afterServingMs: 3000, servingDeadlineMs: 10_000 } as const;

/** Applies one change under load with a busy core and measures it. */
export async function measureChange(url: string, spec: ChangeSpec): Promise<ChangeResult> {
    const busy = new BusyCore(240);
    const loop = new LoadLoop(url, LOAD.clients, 240, spec.bodyMarker);
    try {
        await sleep(1000);
        const started = Date.now();
        await spec.apply();
        const applied = Date.now();
        let serving: number | undefined;
        // Keep loading until fully serving (or the deadline), then long enough to see it hold.
        while (Date.now() < applied + LOAD.servingDeadlineMs + LOAD.afterServingMs) {
            serving = spec.servingAt(loop.replies, applied);
            if (serving !== undefined && Date.now() > serving + LOAD.afterServingMs && loop.replies.length >= LOAD.minRequests) {
                break;
            }
            await sleep(200);
        }
        const replies = await loop.stop();
        serving = spec.servingAt(replies, applied);
        const window = replies.filter((r) => r.at >= started && r.at <= (serving ?? applied) + 1000).map((r) => r.ms);
        window.sort((a, b) => a - b);
        return {
            kind: spec.kind,
            requests: replies.length,
            failed: replies.filter((r) => !(spec.ok ?? ((x: TimedReply) => x.status === 200))(r)),
            retriedReused: loop.retriedReused.length,
            worstMs: window.length ? window[window.length - 1] : 0,
            p99Ms: window.length ? window[Math.min(window.length - 1, Math.floor(window.length * 0.99))] : 0,
            applyMs: applied - started,
            servingMs: serving === undefined ? undefined : Math.max(0, serving - started),
            after: serving === undefined ? [] : replies.filter((r) => r.at > serving!),
        };
    } finally {
        busy.stop();
        await loop.stop();
        await spec.restore?.();
    }
}

/**
 * The moment after which every reply satisfies `ok` (the `at` of the last reply that did not, or of
 * the first reply after the apply when none failed it); undefined while the newest replies do not.
 */
export function allAfter(replies: readonly TimedReply[], appliedAt: number, ok: (r: TimedReply) => boolean): number | undefined {
    if (replies.length === 0 || !ok(replies[replies.length - 1])) {
        return undefined;
    }
    for (let i = replies.length - 1; i >= 0; i--) {
        if (!ok(replies[i])) {
            return replies[i].at;
        }
    }
    return Math.min(appliedAt, replies[0].at);
}

/** The first reply (after `since`) that satisfies `ok`. */
export function firstAfter(replies: readonly TimedReply[], since: number, ok: (r: TimedReply) => boolean): number | undefined {
    return replies.find((r) => r.at >= since && ok(r))?.at;
}

/** A markdown table row per result. */
export function markdownTable(rows: readonly ChangeResult[]): string {
    const lines = [
        "| change | rounds | requests | failed | retried (reused conn.) | worst ms | p99 ms (worst round) | apply s (max) | fully serving s (max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ];
    const kinds = [...new Set(rows.map((r) => r.kind))];
    for (const kind of kinds) {
        const rs = rows.filter((r) => r.kind === kind);
        const max = (f: (r: ChangeResult) => number) => Math.max(...rs.map(f));
        const never = rs.some((r) => r.servingMs === undefined);
        lines.push(
            `| ${kind} | ${rs.length} | ${rs.reduce((s, r) => s + r.requests, 0)} | ${rs.reduce((s, r) => s + r.failed.length, 0)} | ${rs.reduce((s, r) => s + r.retriedReused, 0)} | ${max((r) => r.worstMs).toFixed(0)} | ${max((r) => r.p99Ms).toFixed(0)} | ${(max((r) => r.applyMs) / 1000).toFixed(1)} | ${never ? "never (some round)" : (max((r) => r.servingMs!) / 1000).toFixed(1)} |`,
        );
    }
    return lines.join("\n");
}
