// `npm run traffic`: the article's "refresh and read the log", as a tool. Sends N requests to a
// running stack and prints expected vs observed share per service, with a bar chart.
//   npm run traffic -- [--stack dev] [-n 1000] [-c 4] [--from-log] [--replay]
// The stack's url and upstreams come from `pulumi stack output --json`, or with --replay from the
// config the replay CLI brought up.
import { execFileSync } from "child_process";
import { UsageError, numberFlag, parseCli, stackFlag } from "../lib/cliArgs";
import { evaluate } from "../evaluation/evaluate";
import { containersByLabel, inspectContainer, logs, sleep } from "../replay/docker";
import { loadReplayConfig } from "../replay/state";
import { compareShares, countByVersion, formatReport, formatVersions, parseUpstreamLog, sendRequests } from "./traffic";

export interface TrafficOptions {
    stack: string;
    count: number;
    concurrency: number;
    fromLog: boolean;
    replay: boolean;
}
type Options = TrafficOptions;

type Upstreams = Record<string, { weight: number; replicas: number; expectedShare: number }>;

const USAGE = "usage: npm run traffic -- [--stack NAME] [-n REQUESTS] [-c CLIENTS] [--from-log] [--replay]";

/** Parses the traffic CLI's argv (lib/cliArgs.ts: strict, no empty values); throws UsageError. */
export function parseTrafficArgs(argv: readonly string[]): TrafficOptions {
    const { values: v } = parseCli(
        argv,
        {
            stack: { type: "string" },
            n: { type: "string", short: "n" },
            c: { type: "string", short: "c" },
            "from-log": { type: "boolean" },
            replay: { type: "boolean" },
        },
        USAGE,
    );
    return {
        stack: v.stack === undefined ? "dev" : stackFlag(v.stack, USAGE),
        count: v.n === undefined ? 1000 : numberFlag("-n", v.n, { min: 1, max: 1_000_000, integer: true }, USAGE),
        concurrency: v.c === undefined ? 4 : numberFlag("-c", v.c, { min: 1, max: 256, integer: true }, USAGE),
        fromLog: v["from-log"] === true,
        replay: v.replay === true,
    };
}

/** The stack's url and upstreams outputs. */
async function stackOutputs(o: Options): Promise<{ url: string; upstreams: Upstreams }> {
    if (o.replay) {
        const ev = await evaluate(loadReplayConfig(o.stack), { stack: o.stack });
        return ev.outputs as { url: string; upstreams: Upstreams };
    }
    try {
        return JSON.parse(execFileSync("pulumi", ["stack", "output", "--json", "--stack", o.stack], { encoding: "utf8" }));
    } catch (e) {
        throw new Error(
            `could not read the stack outputs with 'pulumi stack output --json --stack ${o.stack}' (${(e as Error).message.split("\n")[0]}); for a replayed stack pass --replay`,
        );
    }
}

/** Which service (and version) answered each request carrying `marker`, from nginx's access log (local target). */
async function fromLog(stack: string, marker: string): Promise<{ service: string; version?: string }[]> {
    await sleep(1500); // the access log is buffered (flush=1s)
    const book = new Map<string, string>();
    for (const c of await containersByLabel({ "webstack.stack": stack, "webstack.role": "app" })) {
        const info = await inspectContainer(c.Id);
        for (const net of Object.values(info.NetworkSettings.Networks)) {
            book.set(`${net.IPAddress}:8000`, c.Labels["webstack.service"]);
        }
    }
    return parseUpstreamLog(await logs(`webstack-${stack}-nginx`))
        .filter((l) => l.request.includes(marker))
        .map((l) => ({ service: l.service ?? book.get(l.answeredBy) ?? `unknown ${l.answeredBy}`, version: l.version }));
}

async function main(): Promise<void> {
    const o = parseTrafficArgs(process.argv.slice(2));
    const { url, upstreams } = await stackOutputs(o);
    const marker = `traffic-${Date.now()}`;
    console.log(`sending ${o.count} requests to ${url} (${o.concurrency} clients)`);
    const replies = await sendRequests(`${url}?m=${marker}`, o.count, o.concurrency);
    const failed = replies.filter((r) => r.status !== 200);
    const answered = o.fromLog
        ? await fromLog(o.stack, marker)
        : replies.filter((r) => r.status === 200).map((r) => ({ service: r.service ?? "unknown", version: r.version }));
    console.log(
        formatReport(
            compareShares(
                upstreams,
                answered.map((a) => a.service),
            ),
        ),
    );
    console.log(`\n${formatVersions(countByVersion(answered))}`);
    const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
        `failed: ${failed.length}; latency p50 ${ms[Math.floor(ms.length * 0.5)].toFixed(1)} ms, p99 ${ms[Math.floor(ms.length * 0.99)].toFixed(1)} ms; counted from ${o.fromLog ? "nginx's access log" : "X-Webstack-Service"}`,
    );
    if (failed.length > 0) {
        process.exitCode = 1;
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        console.error(`traffic: ${e.message}`);
        process.exit(e instanceof UsageError ? 2 : 1);
    });
}
