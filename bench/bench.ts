// The whole benchmark: bring the three configurations up side by side, find each one's max
// throughput (closed loop, wrk), then offer all three the same fixed rates (open loop, h2load) at
// 50 % and 80 % of the article's max, tear everything down (always), and assemble the result.
// All configurations stay up during every run, so each pays the same background (the idle stacks'
// health checks); pausing the others is no option, as Gunicorn kills workers frozen past its timeout.
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { cli, sleep } from "../replay/docker";
import { articleWorkers, loadArticleFixture } from "./article";
import { cpuPerRequest, snapshot, workerShares } from "./cpu";
import { OpenLoopResult, runOpenLoop } from "./h2load";
import { ROOT, cleanupBench, downOurs, envOf, containersWithRole, stackWorkers, upArticle, upDirect, upOurs } from "./stacks";
import {
    CONFIG_IDS,
    ClosedRun,
    ClosedSummary,
    ConfigId,
    Goal,
    OpenRun,
    OpenSummaries,
    evaluateGoals,
    idlePct,
    roundOrder,
    summarizeClosed,
    summarizeOpen,
} from "./stats";
import { WrkResult, runWrk } from "./wrk";
import { UsageError, numberFlag, parseCli, stackFlag } from "../lib/cliArgs";

export interface LoadSettings {
    /** Rounds; every round runs each configuration once per load (order rotates). */
    readonly rounds: number;
    /** Seconds of each closed-loop run. */
    readonly closedSec: number;
    /** wrk connections and threads of the closed loop. */
    readonly connections: number;
    readonly threads: number;
    /** Per-request timeout of the closed loop, seconds. */
    readonly timeoutSec: number;
    /** Seconds of each open-loop run. */
    readonly openSec: number;
    /** h2load connections of the open loop. */
    readonly openConnections: number;
    /** Open-loop rates as % of the article's closed-loop median. */
    readonly loadPcts: readonly number[];
    /** A run waits (at most 15 s) for the host to be at least this idle before it starts. */
    readonly minIdlePct: number;
}

export interface BenchOptions {
    readonly mode: "full" | "quick";
    readonly load: LoadSettings;
    /** Where the md, JSON and SVG go. */
    readonly outDir: string;
    /** Host ports: article base+1, ours base+2, direct base+3, ours over https base+4 (http) and base+5 (https); ours reserves base+6 for https. */
    readonly portBase: number;
    /** Stack name of our configuration. */
    readonly stack: string;
    /** Re-render md and SVG from this result JSON instead of running. */
    readonly render?: string;
    /** `--scale`: upstream size and replica count instead (bench/scale.ts); default off. */
    readonly scale?: boolean;
}

export const FULL: BenchOptions = {
    mode: "full",
    load: {
        rounds: 3,
        closedSec: 20,
        connections: 16,
        threads: 1,
        timeoutSec: 5,
        openSec: 15,
        openConnections: 64,
        loadPcts: [50, 80],
        minIdlePct: 85,
    },
    outDir: path.join(ROOT, "bench", "results"),
    portBase: 18100,
    stack: "bench",
};

export const QUICK: BenchOptions = {
    ...FULL,
    mode: "quick",
    load: { ...FULL.load, rounds: 1, closedSec: 3, openSec: 3, minIdlePct: 0 },
    // Quick runs are smoke runs: keep them out of the committed results.
    outDir: path.join(ROOT, ".webstack", "bench"),
};

const USAGE = `usage: npm run bench -- [--quick] [--scale] [--out DIR] [--rounds N] [--closed SEC] [--open SEC]
                        [--port-base PORT] [--stack NAME] [--render RESULT.json]`;

/** Parses argv (without node and script); throws with the usage on anything unknown. */
export function parseArgs(argv: readonly string[]): BenchOptions {
    // lib/cliArgs.ts: strict (unknown flags, missing or empty values are errors), like every CLI here.
    const str = { type: "string" } as const;
    const flags = {
        quick: { type: "boolean" },
        scale: { type: "boolean" },
        out: str,
        rounds: str,
        closed: str,
        open: str,
        "port-base": str,
        stack: str,
        render: str,
    } as const;
    const { values: v } = parseCli(argv, flags, USAGE);
    let o: BenchOptions = v.quick ? QUICK : FULL;
    const int = (flag: string, text: string, min: number, max: number) => numberFlag(flag, text, { min, max, integer: true }, USAGE);
    if (v.out !== undefined) o = { ...o, outDir: path.resolve(v.out) };
    if (v.rounds !== undefined) o = { ...o, load: { ...o.load, rounds: int("--rounds", v.rounds, 1, 20) } };
    if (v.closed !== undefined) o = { ...o, load: { ...o.load, closedSec: int("--closed", v.closed, 1, 600) } };
    if (v.open !== undefined) o = { ...o, load: { ...o.load, openSec: int("--open", v.open, 1, 600) } };
    // Ports base+1..base+6 stay inside the bench range 18100-18199.
    if (v["port-base"] !== undefined) o = { ...o, portBase: int("--port-base", v["port-base"], 18100, 18190) };
    if (v.stack !== undefined) {
        // Stricter than a stack name: it prefixes Docker names of several stacks.
        if (!/^[a-z][a-z0-9-]{0,20}$/.test(stackFlag(v.stack, USAGE))) {
            throw new UsageError(`--stack '${v.stack}' must be 1-21 lowercase letters, digits or '-', starting with a letter`, USAGE);
        }
        o = { ...o, stack: v.stack };
    }
    if (v.render !== undefined) o = { ...o, render: path.resolve(v.render) };
    if (v.scale) o = { ...o, scale: true };
    return o;
}

export interface Machine {
    readonly cores: number;
    readonly cpuModel: string;
    readonly memGiB: number;
    readonly kernel: string;
    readonly docker: string;
    readonly wrk: string;
    readonly h2load: string;
}

export interface ConfigInfo {
    readonly label: string;
    /** How it is built and run, one line. */
    readonly description: string;
    /** Gunicorn workers over all containers. */
    readonly gunicornWorkers: number;
}

export interface BenchResult {
    readonly version: 2;
    readonly mode: "full" | "quick";
    /** YYYY-MM-DD of the start. */
    readonly date: string;
    readonly startedAt: string;
    readonly wallSec: number;
    readonly machine: Machine;
    readonly load: LoadSettings;
    readonly configs: Readonly<Record<ConfigId, ConfigInfo>>;
    readonly closedRuns: readonly ClosedRun[];
    readonly openRuns: readonly OpenRun[];
    readonly closed: Partial<Record<ConfigId, ClosedSummary>>;
    readonly open: OpenSummaries;
    readonly goals: readonly Goal[];
    /** What went wrong or was skipped, in words. */
    readonly notes: readonly string[];
}

function describeConfigs(articleTotal: number, oursTotal: number, threads: string): Record<ConfigId, ConfigInfo> {
    return {
        article: {
            label: "article",
            gunicornWorkers: articleTotal,
            description:
                "bench/article/ with plain docker commands: application1 and application2 from our app image running the article's " +
                "`gunicorn --workers 6|3 --bind 0.0.0.0:8000 wsgi` (sync workers); nginx (our nginx base) with the base's main nginx.conf " +
                "set as the official image has it (worker_processes auto, worker_connections 1024, keepalive_timeout 65, logs to " +
                "stdout/stderr) and the article's file as conf.d/default.conf: weighted upstream 3:1, no upstream keepalive, upstreamlog " +
                "access log unbuffered.",
        },
        ours: {
            label: "ours (defaults)",
            gunicornWorkers: oursTotal,
            description:
                "the program's default stack through evaluation/evaluate + replay/replay on the offline bases: application1 (6 workers) and " +
                `application2 (3 workers), gthread with ${threads} threads, weights 3:1, nginx as nginx/render.ts renders the default tuning.`,
        },
        https: {
            label: "ours over https",
            gunicornWorkers: oursTotal,
            description:
                "a second stack exactly like ours with webstack:tls self-signed: the same requests over TLS (HTTP/1.1, Mozilla " +
                "intermediate, ECDSA P-256), so its rows against ours are the cost of TLS in the same run.",
        },
        direct: {
            label: "direct (no proxy)",
            gunicornWorkers: oursTotal,
            description:
                `one container declared like our app containers (same image, gunicorn.conf.py, user, read-only root) with all ${oursTotal} ` +
                `workers of the stack (gthread, ${threads} threads), port 8000 published on 127.0.0.1: our path minus nginx.`,
        },
    };
}

function cpuLine(): string {
    return readFileSync("/proc/stat", "utf8").split("\n")[0];
}

/**
 * Waits (at most 15 s) for a second in which the host is at least `minIdlePct` idle, so a run does
 * not start while another process (a build, a test suite) owns the CPUs. Returns the last idle %.
 */
async function waitQuiet(minIdlePct: number): Promise<number> {
    const deadline = Date.now() + 15_000;
    let idle = 0;
    do {
        const before = cpuLine();
        await sleep(1000);
        idle = idlePct(before, cpuLine());
    } while (idle < minIdlePct && Date.now() < deadline);
    return idle;
}

/** Where to send load, and the IDs of the containers that run the configuration's Gunicorn workers. */
interface Target {
    readonly url: string;
    readonly appIds: readonly string[];
}

/** Runs `load` after the quiet gate, with CPU accounting around it. */
async function measured<T extends WrkResult | OpenLoopResult>(
    minIdlePct: number,
    t: Target,
    load: () => Promise<T>,
): Promise<{ result: T; hostIdlePct: number; startedAt: string; cpuMsPerRequest: Record<string, number>; workerCpuPct: number[] }> {
    const hostIdlePct = Math.round(await waitQuiet(minIdlePct));
    const startedAt = new Date().toISOString();
    const before = snapshot();
    const result = await load();
    const after = snapshot();
    return {
        result,
        hostIdlePct,
        startedAt,
        cpuMsPerRequest: cpuPerRequest(before, after, result.requests),
        workerCpuPct: workerShares(before, after, t.appIds),
    };
}

async function closedLoop(targets: Record<ConfigId, Target>, l: LoadSettings, log: (s: string) => void): Promise<ClosedRun[]> {
    const wrk = (url: string, durationSec: number) =>
        runWrk({ url, durationSec, connections: l.connections, threads: l.threads, timeoutSec: l.timeoutSec });
    for (const c of CONFIG_IDS) {
        await wrk(targets[c].url, Math.min(3, l.closedSec)); // warm-up: Python imports, nginx's first connections
    }
    const runs: ClosedRun[] = [];
    for (let round = 0; round < l.rounds; round++) {
        for (const config of roundOrder(round)) {
            const m = await measured(l.minIdlePct, targets[config], () => wrk(targets[config].url, l.closedSec));
            const { result: w, ...ctx } = m;
            runs.push({ round, config, ...ctx, wrk: w });
            log(
                `closed round ${round + 1} ${config.padEnd(7)} ${w.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${w.p50Ms.toFixed(1)} ms  ` +
                    `p99 ${w.p99Ms.toFixed(1)} ms  errors ${w.errors}  worker CPU % [${ctx.workerCpuPct.join(" ")}]  (host idle before ${ctx.hostIdlePct} %)`,
            );
        }
    }
    return runs;
}

async function openLoop(
    targets: Record<ConfigId, Target>,
    articleMax: number,
    l: LoadSettings,
    log: (s: string) => void,
): Promise<OpenRun[]> {
    const runs: OpenRun[] = [];
    for (let round = 0; round < l.rounds; round++) {
        for (const loadPct of l.loadPcts) {
            const ratePerSec = (articleMax * loadPct) / 100;
            for (const config of roundOrder(round)) {
                const opts = { url: targets[config].url, ratePerSec, durationSec: l.openSec, connections: l.openConnections };
                const { result: o, ...ctx } = await measured(l.minIdlePct, targets[config], () => runOpenLoop(opts));
                runs.push({ round, config, loadPct, ...ctx, open: o });
                log(
                    `open   round ${round + 1} ${config.padEnd(7)} ${loadPct} %: asked ${o.requestedPerSec.toFixed(0)}/s, sent ${o.achievedPerSec.toFixed(0)}/s  ` +
                        `p50 ${o.p50Ms} ms  p99 ${o.p99Ms} ms  p99.9 ${o.p999Ms} ms  errors ${o.errors}  slower than ${o.intervalMs} ms: ${o.slowerThanInterval}  ` +
                        `worker CPU % [${ctx.workerCpuPct.join(" ")}]`,
                );
            }
        }
    }
    return runs;
}

function version(cmd: string, args: string[], re: RegExp): Promise<string> {
    // wrk --version exits 1; only the text matters.
    return new Promise((resolve) => execFile(cmd, args, (_e, out, err) => resolve(re.exec(`${out}${err}`)?.[1] ?? "unknown")));
}

export async function machine(): Promise<Machine> {
    return {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
        memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        kernel: os.release(),
        docker: (await cli(["version", "--format", "{{.Server.Version}}"]).catch(() => "unknown")).trim(),
        wrk: await version("wrk", ["--version"], /wrk (\S+)/),
        h2load: await version("h2load", ["--version"], /h2load nghttp2\/(\S+)/),
    };
}

export async function runBench(o: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchResult> {
    const started = new Date();
    const runId = `${o.stack}-${process.pid}`;
    const notes: string[] = [];
    const fixture = loadArticleFixture();
    let configs = describeConfigs(articleWorkers(fixture), 0, "?");
    let closedRuns: ClosedRun[] = [];
    let openRuns: OpenRun[] = [];
    try {
        const ours = await upOurs(o.stack, o.portBase + 2, o.portBase + 6);
        const https = await upOurs(`${o.stack}-tls`, o.portBase + 4, o.portBase + 5, true);
        const [article, direct] = await Promise.all([
            upArticle(fixture, { runId, appImage: ours.appImage, hostPort: o.portBase + 1 }),
            upDirect(ours, { runId, hostPort: o.portBase + 3 }),
        ]);
        log(`up: article ${article.url}, ours ${ours.url}, ours over https ${https.url}, direct ${direct.url}`);
        const threads = envOf(containersWithRole(ours.ev, "app")[0]).GUNICORN_THREADS ?? "?";
        configs = describeConfigs(articleWorkers(fixture), stackWorkers(ours.ev), threads);
        const ids = (names: readonly string[]) =>
            Promise.all(names.map(async (n) => (await cli(["inspect", "--format", "{{.Id}}", n])).trim()));
        const targets: Record<ConfigId, Target> = {
            article: { url: article.url, appIds: await ids(article.apps) },
            ours: { url: ours.url, appIds: await ids(ours.apps) },
            https: { url: https.url, appIds: await ids(https.apps) },
            direct: { url: direct.url, appIds: await ids(direct.apps) },
        };
        closedRuns = await closedLoop(targets, o.load, log);
        const articleMax = summarizeClosed(closedRuns).article?.reqPerSec.median;
        if (articleMax === undefined || !(articleMax > 0)) {
            throw new Error("the article has no closed-loop throughput to derive the open-loop rates from");
        }
        openRuns = await openLoop(targets, articleMax, o.load, log);
    } catch (e) {
        notes.push(`run failed: ${(e as Error).message.split("\n")[0]}`);
        log(`FAILED: ${(e as Error).stack ?? (e as Error).message}`);
    } finally {
        await cleanupBench(runId).catch((e) => notes.push(`cleanup failed: ${(e as Error).message}`));
        await downOurs(o.stack).catch((e) => notes.push(`teardown failed: ${(e as Error).message}`));
        await downOurs(`${o.stack}-tls`).catch((e) => notes.push(`teardown failed: ${(e as Error).message}`));
    }
    const closed = summarizeClosed(closedRuns);
    const open = summarizeOpen(openRuns);
    return {
        version: 2,
        mode: o.mode,
        date: started.toISOString().slice(0, 10),
        startedAt: started.toISOString(),
        wallSec: Math.round((Date.now() - started.getTime()) / 1000),
        machine: await machine(),
        load: o.load,
        configs,
        closedRuns,
        openRuns,
        closed,
        open,
        goals: evaluateGoals(closed, open),
        notes,
    };
}
