// wrk as the load generator: building its command line, running it (bounded in time), and parsing
// its text report. Only ever aimed at 127.0.0.1.
import { execFile } from "child_process";

export interface WrkOptions {
    /** Target URL; must be on 127.0.0.1. */
    readonly url: string;
    /** Whole seconds of load. */
    readonly durationSec: number;
    /** Open connections. */
    readonly connections: number;
    /** wrk threads. */
    readonly threads: number;
    /** Per-request timeout, seconds: a slower reply counts as a timeout error. */
    readonly timeoutSec: number;
}

export interface WrkResult {
    readonly requests: number;
    readonly durationSec: number;
    readonly reqPerSec: number;
    readonly p50Ms: number;
    readonly p75Ms: number;
    readonly p90Ms: number;
    readonly p99Ms: number;
    /** Replies outside 2xx/3xx. */
    readonly non2xx: number;
    /** connect + read + write + timeout errors. */
    readonly socketErrors: number;
    /** non2xx + socketErrors. */
    readonly errors: number;
}

/** The wrk arguments for one run; refuses any host but 127.0.0.1. */
export function wrkArgs(o: WrkOptions): string[] {
    const u = new URL(o.url);
    if (u.hostname !== "127.0.0.1") {
        throw new Error(`wrk only drives 127.0.0.1, not ${u.hostname}`);
    }
    return [
        "-t",
        String(o.threads),
        "-c",
        String(o.connections),
        "-d",
        `${o.durationSec}s`,
        "--timeout",
        `${o.timeoutSec}s`,
        "--latency",
        o.url,
    ];
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** wrk's time text ("950.00us", "6.12ms", "1.20s", "1.00m") in milliseconds. */
export function parseWrkTime(text: string): number {
    const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
    if (!m) {
        throw new Error(`not a wrk time: ${JSON.stringify(text)}`);
    }
    return Number(m[1]) * TIME_UNITS_MS[m[2]];
}

/** Parses the text wrk prints with --latency; throws when a required line is missing. */
export function parseWrk(text: string): WrkResult {
    const pick = (re: RegExp, what: string): RegExpExecArray => {
        const m = re.exec(text);
        if (!m) {
            throw new Error(`wrk output has no ${what}:\n${text.slice(0, 2000)}`);
        }
        return m;
    };
    const pct = (p: number) => parseWrkTime(pick(new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, "m"), `${p}% latency`)[1]);
    const total = pick(/^\s*(\d+) requests in (\S+),/m, "request count");
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
    const socketErrors = sock ? sock.slice(1, 5).reduce((s, n) => s + Number(n), 0) : 0;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
    return {
        requests: Number(total[1]),
        durationSec: parseWrkTime(total[2]) / 1000,
        reqPerSec: Number(pick(/^Requests\/sec:\s+(\d+(?:\.\d+)?)/m, "Requests/sec")[1]),
        p50Ms: pct(50),
        p75Ms: pct(75),
        p90Ms: pct(90),
        p99Ms: pct(99),
        non2xx,
        socketErrors,
        errors: non2xx + socketErrors,
    };
}

/** Runs wrk once; killed if it overruns its duration by 30 s. */
export function runWrk(o: WrkOptions): Promise<WrkResult> {
    return new Promise((resolve, reject) => {
        execFile("wrk", wrkArgs(o), { timeout: (o.durationSec + 30) * 1000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`wrk ${o.url} failed: ${(stderr || stdout).trim() || err.message}`));
                return;
            }
            try {
                resolve(parseWrk(stdout));
            } catch (e) {
                reject(e);
            }
        });
    });
}
