// h2load (Debian's nghttp2-client) as the open-loop generator: a fixed request rate over HTTP/1.1,
// whatever the server's latency, with one line per request in a log file that gives the real send
// times (so the achieved rate is measured, not assumed) and the percentiles. Only aimed at 127.0.0.1.
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

export interface OpenLoopOptions {
    /** Target URL; must be on 127.0.0.1. */
    readonly url: string;
    /** Requests per second over all connections. */
    readonly ratePerSec: number;
    /** Seconds of load (the request count is rate × this). */
    readonly durationSec: number;
    /** Keep-alive connections; each sends at ratePerSec / connections. */
    readonly connections: number;
}

export interface OpenLoopResult {
    /** connections × the per-connection rate h2load was given. */
    readonly requestedPerSec: number;
    /** Send rate from h2load's log, over the part of the run where every connection sends. */
    readonly achievedPerSec: number;
    readonly requests: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly p999Ms: number;
    readonly maxMs: number;
    /** Requests not answered with 2xx/3xx (failed, timed out, never sent, 4xx, 5xx). */
    readonly errors: number;
    /** One connection's send interval: a reply slower than this delays that connection's next send. */
    readonly intervalMs: number;
    /** Replies slower than intervalMs: at most this many sends were late (coordinated omission). */
    readonly slowerThanInterval: number;
}

/** Per-connection rate as h2load takes it (3 decimals) and the request count, a multiple of connections. */
export function openLoopPlan(o: Pick<OpenLoopOptions, "ratePerSec" | "durationSec" | "connections">): {
    rpsPerConnection: number;
    requests: number;
} {
    const rpsPerConnection = Math.round((o.ratePerSec / o.connections) * 1000) / 1000;
    const requests = o.connections * Math.max(1, Math.round((o.ratePerSec * o.durationSec) / o.connections));
    return { rpsPerConnection, requests };
}

/**
 * The h2load arguments. Connections open one per millisecond (-r 1 --rate-period 1ms) so their
 * send timers are out of phase: started together, every connection would fire at the same instant
 * and the "fixed rate" would arrive as bursts of `connections` requests.
 */
export function h2loadArgs(o: OpenLoopOptions, logFile: string): string[] {
    const u = new URL(o.url);
    if (u.hostname !== "127.0.0.1") {
        throw new Error(`h2load only drives 127.0.0.1, not ${u.hostname}`);
    }
    const p = openLoopPlan(o);
    return [
        "--h1",
        "-t",
        "1",
        "-c",
        String(o.connections),
        "-r",
        "1",
        "--rate-period",
        "1ms",
        "--rps",
        String(p.rpsPerConnection),
        "-n",
        String(p.requests),
        "--log-file",
        logFile,
        o.url,
    ];
}

export interface H2loadSummary {
    readonly total: number;
    readonly done: number;
    readonly status2xx: number;
    readonly status3xx: number;
}

/** The request and status lines of h2load's report; throws when they are missing. */
export function parseH2loadSummary(text: string): H2loadSummary {
    const req = /^requests: (\d+) total, (\d+) started, (\d+) done/m.exec(text);
    const codes = /^status codes: (\d+) 2xx, (\d+) 3xx/m.exec(text);
    if (!req || !codes) {
        throw new Error(`h2load output has no request or status line:\n${text.slice(0, 2000)}`);
    }
    return { total: Number(req[1]), done: Number(req[3]), status2xx: Number(codes[1]), status3xx: Number(codes[2]) };
}

export interface LogRow {
    /** Send time, microseconds since the epoch. */
    readonly startUs: number;
    /** HTTP status; -1 for a failed stream. */
    readonly status: number;
    /** Send to end of the reply, microseconds. */
    readonly durationUs: number;
}

/** h2load's --log-file: tab-separated start µs, status, duration µs (more columns may follow). */
export function parseH2loadLog(text: string): LogRow[] {
    return text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => {
            const [start, status, duration] = l.split("\t").map(Number);
            if (![start, status, duration].every(Number.isFinite)) {
                throw new Error(`not an h2load log line: ${JSON.stringify(l)}`);
            }
            return { startUs: start, status, durationUs: duration };
        });
}

/** Nearest-rank percentile (0 < p <= 100) of an ascending list: the smallest value with p % at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) {
        throw new Error("percentile of no values");
    }
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The run's numbers from the log rows and the report's counts. */
export function openLoopResult(rows: readonly LogRow[], s: H2loadSummary, o: OpenLoopOptions): OpenLoopResult {
    const p = openLoopPlan(o);
    const answered = rows.filter((r) => r.status >= 200 && r.status < 400);
    const latMs = answered.map((r) => r.durationUs / 1000).sort((a, b) => a - b);
    const intervalMs = 1000 / p.rpsPerConnection;
    const all = rows.map((r) => r.startUs).sort((a, b) => a - b);
    // The rate while every connection sends: one interval in from either end, past the staggered
    // connection starts and the staggered last sends (whole span when the run is shorter).
    const steady = all.filter((t) => t >= all[0] + intervalMs * 1000 && t <= all[all.length - 1] - intervalMs * 1000);
    const starts = steady.length > 1 ? steady : all;
    const spanSec = starts.length > 1 ? (starts[starts.length - 1] - starts[0]) / 1e6 : 0;
    const pick = (q: number) => (latMs.length > 0 ? round2(percentile(latMs, q)) : NaN);
    return {
        requestedPerSec: round2(p.rpsPerConnection * o.connections),
        achievedPerSec: spanSec > 0 ? round2((starts.length - 1) / spanSec) : 0,
        requests: s.total,
        p50Ms: pick(50),
        p99Ms: pick(99),
        p999Ms: pick(99.9),
        maxMs: latMs.length > 0 ? round2(latMs[latMs.length - 1]) : NaN,
        errors: s.total - s.status2xx - s.status3xx,
        intervalMs: round2(intervalMs),
        slowerThanInterval: latMs.filter((ms) => ms > intervalMs).length,
    };
}

/** Runs h2load once; killed if it overruns its duration by 30 s. */
export function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-h2load-"));
    const logFile = path.join(dir, "requests.tsv");
    return new Promise<OpenLoopResult>((resolve, reject) => {
        execFile(
            "h2load",
            h2loadArgs(o, logFile),
            { timeout: (o.durationSec + 30) * 1000, maxBuffer: 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) {
                    reject(new Error(`h2load ${o.url} failed: ${(stderr || stdout).trim() || err.message}`));
                    return;
                }
                try {
                    resolve(openLoopResult(parseH2loadLog(readFileSync(logFile, "utf8")), parseH2loadSummary(stdout), o));
                } catch (e) {
                    reject(e);
                }
            },
        );
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
}
