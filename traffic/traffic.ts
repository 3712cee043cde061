// Traffic against a running stack: request loops, the nginx upstreamlog parser, observed vs expected
// shares, and the report table with a terminal bar chart. Only ever aimed at the URL it is given.
import * as http from "http";
import * as https from "https";

/** A keep-alive (or fresh) agent for the URL's scheme; `ca` is the PEM an https server must chain to. */
export function agentFor(url: string, keepAlive: boolean, maxSockets?: number, ca?: string): http.Agent {
    const opts = { keepAlive, ...(maxSockets ? { maxSockets } : {}) };
    return url.startsWith("https:") ? new https.Agent({ ...opts, ...(ca ? { ca } : {}) }) : new http.Agent(opts);
}

export interface Reply {
    readonly status: number;
    readonly service?: string;
    readonly container?: string;
    /** The app's X-Webstack-Version. */
    readonly version?: string;
    /** nginx's X-Webstack-Config: which published config answered. */
    readonly config?: string;
    /** Whether the body contained the marker asked for (undefined when none was). */
    readonly marked?: boolean;
    readonly ms: number;
    readonly error?: string;
    /** The request failed on a reused keep-alive connection before any response byte. */
    readonly reusedBeforeResponse?: boolean;
}

/** One GET; never throws (a failure is a Reply with status 0 and the error). */
export function get(url: string, agent?: http.Agent, timeoutMs = 10_000, bodyMarker?: string): Promise<Reply> {
    const started = performance.now();
    return new Promise((resolve) => {
        const client = url.startsWith("https:") ? https : http;
        const req = client.get(url, { agent, timeout: timeoutMs }, (res) => {
            let body = "";
            if (bodyMarker === undefined) {
                res.resume();
            } else {
                res.setEncoding("utf8");
                res.on("data", (c: string) => (body += c));
            }
            res.on("end", () =>
                resolve({
                    status: res.statusCode ?? 0,
                    service: res.headers["x-webstack-service"] as string | undefined,
                    container: res.headers["x-webstack-container"] as string | undefined,
                    version: res.headers["x-webstack-version"] as string | undefined,
                    config: res.headers["x-webstack-config"] as string | undefined,
                    marked: bodyMarker === undefined ? undefined : body.includes(bodyMarker),
                    ms: performance.now() - started,
                }),
            );
            res.on("error", (e) => resolve({ status: 0, ms: performance.now() - started, error: e.message }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", (e) =>
            resolve({ status: 0, ms: performance.now() - started, error: e.message, reusedBeforeResponse: req.reusedSocket }),
        );
    });
}

/** GET text body (for page checks). */
export function getText(url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
        http.get(url, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        }).on("error", reject);
    });
}

/** Sends `count` GETs with `concurrency` keep-alive clients; returns every reply. */
export async function sendRequests(url: string, count: number, concurrency = 4, ca?: string): Promise<Reply[]> {
    const agent = agentFor(url, true, concurrency, ca);
    const replies: Reply[] = [];
    let next = 0;
    await Promise.all(
        Array.from({ length: concurrency }, async () => {
            while (next < count) {
                next++;
                replies.push(await get(url, agent));
            }
        }),
    );
    agent.destroy();
    return replies;
}

/**
 * A client loop that keeps sending GETs until stopped; bounded by `maxSec` so it always ends.
 *
 * Its clients keep connections alive, so they can race nginx closing an idle connection (a graceful
 * reload closes them). Like curl and browsers (RFC 9112 §9.3.1), a GET that fails on a reused
 * connection before any byte of a response is sent once more on a new connection; those retries are
 * counted in `retriedReused`, never hidden. Any other failure, or a failed retry, is a failure.
 */
export class LoadLoop {
    readonly replies: (Reply & { at: number })[] = [];
    /** First attempts that failed on a reused connection and were retried (the retry is in `replies`). */
    readonly retriedReused: (Reply & { at: number })[] = [];
    private running = true;
    private readonly done: Promise<void>;

    constructor(url: string, concurrency = 4, maxSec = 120, bodyMarker?: string, ca?: string) {
        const agent = agentFor(url, true, concurrency, ca);
        const fresh = agentFor(url, false, undefined, ca);
        const deadline = Date.now() + maxSec * 1000;
        this.done = Promise.all(
            Array.from({ length: concurrency }, async () => {
                while (this.running && Date.now() < deadline) {
                    let r = await get(url, agent, 10_000, bodyMarker);
                    if (r.status === 0 && r.reusedBeforeResponse) {
                        this.retriedReused.push({ ...r, at: Date.now() });
                        r = await get(url, fresh, 10_000, bodyMarker);
                    }
                    this.replies.push({ ...r, at: Date.now() });
                }
            }),
        ).then(() => {
            agent.destroy();
            fresh.destroy();
        });
    }

    /** Stops the loop and returns its replies. */
    async stop(): Promise<(Reply & { at: number })[]> {
        this.running = false;
        await this.done;
        return this.replies;
    }

    get failures(): (Reply & { at: number })[] {
        return this.replies.filter((r) => r.status !== 200);
    }
}

export interface LogLine {
    readonly host: string;
    /** Every address tried, in order (nginx joins retries with ", "). */
    readonly addrs: readonly string[];
    /** The address that produced the response: the last one tried. */
    readonly answeredBy: string;
    readonly request: string;
    readonly status: number;
    /** The answering app's X-Webstack-Service (`svc=`), when the line has it and an app answered. */
    readonly service?: string;
    /** The answering app's X-Webstack-Version (`ver=`), when the line has it and an app answered. */
    readonly version?: string;
    /** nginx's $request_time (ms resolution) in ms (`rt=`), when the line has it. */
    readonly requestMs?: number;
}

// The article's fields, then optional key=value fields others append (nginx/render.ts).
const UPSTREAM_LINE = /^\[([^\]]+)\] (\S*) to: (.*): (\S+ \S+ \S+) (\d{3})((?: \S+=\S*)*)$/;

/** The key=value fields after the status; nginx writes "-" for an empty variable, which counts as absent. */
function extraFields(text: string): Pick<LogLine, "service" | "version" | "requestMs"> {
    const kv = new Map(
        text
            .trim()
            .split(" ")
            .filter((x) => x.includes("="))
            .map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)] as const)
            .filter(([, v]) => v !== "" && v !== "-"),
    );
    const rt = kv.get("rt");
    return {
        ...(kv.has("svc") ? { service: kv.get("svc") } : {}),
        ...(kv.has("ver") ? { version: kv.get("ver") } : {}),
        ...(rt !== undefined && Number.isFinite(Number(rt)) ? { requestMs: Math.round(Number(rt) * 1000) } : {}),
    };
}

/** One `upstreamjson` line (nginx/render.ts JSON_LOG_FIELDS) as the text line's fields; undefined if it is not one. */
function jsonLine(raw: string): LogLine | undefined {
    let o: Record<string, unknown>;
    try {
        o = JSON.parse(raw) as Record<string, unknown>;
    } catch {
        return undefined;
    }
    if (typeof o.upstream_addr !== "string" || typeof o.status !== "number" || typeof o.request !== "string") {
        return undefined;
    }
    const addrs = o.upstream_addr.split(/, | : /).filter((a) => a !== "" && a !== "-");
    if (addrs.length === 0) {
        return undefined;
    }
    const text = (k: string) => (typeof o[k] === "string" && o[k] !== "" && o[k] !== "-" ? (o[k] as string) : undefined);
    const service = text("svc");
    const version = text("ver");
    return {
        host: String(o.host ?? ""),
        addrs,
        answeredBy: addrs[addrs.length - 1],
        request: o.request,
        status: o.status,
        ...(service ? { service } : {}),
        ...(version ? { version } : {}),
        ...(typeof o.rt === "number" ? { requestMs: Math.round(o.rt * 1000) } : {}),
    };
}

/** Parses nginx's access log, text (`upstreamlog`) or JSON (`upstreamjson`); other lines (errors, entrypoint) are skipped. */
export function parseUpstreamLog(text: string): LogLine[] {
    const out: LogLine[] = [];
    for (const raw of text.split("\n")) {
        if (raw.trim().startsWith("{")) {
            const line = jsonLine(raw.trim());
            if (line) {
                out.push(line);
            }
            continue;
        }
        const m = UPSTREAM_LINE.exec(raw.trim());
        if (!m) {
            continue;
        }
        // Retries within one upstream use ", "; "-" means nginx answered itself.
        const addrs = m[3].split(/, | : /).filter((a) => a !== "-");
        if (addrs.length === 0) {
            continue;
        }
        out.push({ host: m[2], addrs, answeredBy: addrs[addrs.length - 1], request: m[4], status: Number(m[5]), ...extraFields(m[6]) });
    }
    return out;
}

export interface ShareRow {
    readonly service: string;
    readonly expected: number;
    readonly observed: number;
    readonly count: number;
    /** observed - expected, in percentage points. */
    readonly deltaPp: number;
}

/** Observed shares per service from a list of service names (one per answered request). */
export function compareShares(expected: Readonly<Record<string, { expectedShare: number }>>, answeredBy: readonly string[]): ShareRow[] {
    const counts = new Map<string, number>();
    for (const s of answeredBy) {
        counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const names = [...new Set([...Object.keys(expected), ...counts.keys()])];
    const total = answeredBy.length;
    return names.map((service) => {
        const count = counts.get(service) ?? 0;
        const observed = total === 0 ? 0 : count / total;
        const exp = expected[service]?.expectedShare ?? 0;
        return { service, expected: exp, observed, count, deltaPp: (observed - exp) * 100 };
    });
}

/** The largest |delta| in percentage points. */
export function worstDeltaPp(rows: readonly ShareRow[]): number {
    return Math.max(0, ...rows.map((r) => Math.abs(r.deltaPp)));
}

/** A table of expected vs observed shares, with a bar per service (█ observed, │ expected mark). */
export function formatReport(rows: readonly ShareRow[], width = 40): string {
    const name = Math.max(7, ...rows.map((r) => r.service.length));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
    const lines = [`${"service".padEnd(name)}  expected  observed   delta  requests  ${"share".padEnd(width)}`];
    for (const r of rows) {
        const filled = Math.round(r.observed * width);
        const mark = Math.min(width - 1, Math.round(r.expected * width));
        const bar = Array.from({ length: width }, (_, i) => (i === mark ? "│" : i < filled ? "█" : " ")).join("");
        const delta = `${r.deltaPp >= 0 ? "+" : ""}${r.deltaPp.toFixed(1)}pp`.padStart(7);
        lines.push(
            `${r.service.padEnd(name)}    ${pct(r.expected)}    ${pct(r.observed)}  ${delta}  ${String(r.count).padStart(8)}  ${bar}`,
        );
    }
    const total = rows.reduce((s, r) => s + r.count, 0);
    lines.push(`${total} requests; worst delta ${worstDeltaPp(rows).toFixed(2)}pp`);
    return lines.join("\n");
}

/** Requests per (service, version), most first: which versions each service answered with. */
export function countByVersion(
    answers: readonly { service?: string; version?: string }[],
): { service: string; version: string; count: number }[] {
    const counts = new Map<string, { service: string; version: string; count: number }>();
    for (const a of answers) {
        const service = a.service ?? "unknown";
        const version = a.version ?? "unknown";
        const key = `${service}\0${version}`;
        const row = counts.get(key) ?? { service, version, count: 0 };
        counts.set(key, { ...row, count: row.count + 1 });
    }
    return [...counts.values()].sort((a, b) => b.count - a.count || a.service.localeCompare(b.service));
}

/** The per-version table under the share report. */
export function formatVersions(rows: readonly { service: string; version: string; count: number }[]): string {
    const total = rows.reduce((s, r) => s + r.count, 0);
    const name = Math.max(7, ...rows.map((r) => r.service.length));
    const ver = Math.max(7, ...rows.map((r) => r.version.length));
    return [
        `${"service".padEnd(name)}  ${"version".padEnd(ver)}  requests   share`,
        ...rows.map(
            (r) =>
                `${r.service.padEnd(name)}  ${r.version.padEnd(ver)}  ${String(r.count).padStart(8)}  ${`${((r.count / Math.max(1, total)) * 100).toFixed(1)}%`.padStart(6)}`,
        ),
    ].join("\n");
}
