// `npm run bench -- --scale`: what a bigger upstream costs nginx (issue 19). Two parts, one after the
// other so neither loads the host during the other:
//  1. reloads: our nginx image with 8 → 100 → 500 → 100 → 8 upstream servers from per-service include
//     files (bench/upstreamNginx.ts): reload time and nginx's RSS/PSS at each size;
//  2. replicas: the default stack's two services (weights 3:1) with 1-worker replicas, 8 and then 40 in
//     all (bench/replicas.ts); wrk's closed-loop max req/s through nginx.
import { mkdirSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { cli, sleep } from "../replay/docker";
import { agentFor, get } from "../traffic/traffic";
import { BenchOptions, Machine, machine } from "./bench";
import { buildImages, upReplicas } from "./replicas";
import { cleanupBench } from "./stacks";
import { UpstreamNginx } from "./upstreamNginx";
import { ReloadRun, median, reloadTable, summarizeReloads } from "./upstreamScale";
import { WrkResult, runWrk } from "./wrk";

export interface ScaleOptions {
    readonly mode: "full" | "quick";
    /** Rounds of the reload sequence, and wrk runs per replica count. */
    readonly rounds: number;
    /** Seconds of each wrk run. */
    readonly closedSec: number;
    readonly connections: number;
    /** Replica counts to compare (split evenly over the two services). */
    readonly replicas: readonly number[];
    /** Upstream sizes the reload sequence visits after starting at the first. */
    readonly servers: readonly number[];
    readonly outDir: string;
    /** nginx of part 1 on base+7; the replica stack on base+8 (https reserved on base+9). */
    readonly portBase: number;
    readonly stack: string;
}

export const SCALE_FULL: Omit<ScaleOptions, "outDir" | "portBase" | "stack"> = {
    mode: "full",
    rounds: 5,
    closedSec: 15,
    connections: 16,
    replicas: [8, 40],
    servers: [8, 100, 500, 100, 8],
};

export const SCALE_QUICK: typeof SCALE_FULL = { ...SCALE_FULL, mode: "quick", rounds: 1, closedSec: 3 };

/** `--scale`, with `--quick` or not: its own rounds and run length; out dir, port base and stack from the flags. */
export function scaleOptions(o: BenchOptions): ScaleOptions {
    return { ...(o.mode === "quick" ? SCALE_QUICK : SCALE_FULL), outDir: o.outDir, portBase: o.portBase, stack: `${o.stack}-scale` };
}

export interface ReplicaRun {
    readonly replicas: number;
    readonly round: number;
    readonly wrk: WrkResult;
}

export interface ScaleResult {
    readonly version: 1;
    readonly mode: "full" | "quick";
    readonly date: string;
    readonly startedAt: string;
    readonly wallSec: number;
    readonly machine: Machine;
    /** Load average (1 min) at the start and at the end: other work on a shared host. */
    readonly loadAvg1: number;
    readonly loadAvg1End: number;
    readonly options: Omit<ScaleOptions, "outDir">;
    readonly reloads: readonly ReloadRun[];
    readonly replicaRuns: readonly ReplicaRun[];
    readonly notes: readonly string[];
}

/** Medians per replica count: req/s, p50, p99 (with min–max of req/s) and errors summed. */
export function summarizeReplicas(
    runs: readonly ReplicaRun[],
): { replicas: number; n: number; reqPerSec: number; min: number; max: number; p50Ms: number; p99Ms: number; errors: number }[] {
    return [...new Set(runs.map((r) => r.replicas))].map((replicas) => {
        const rs = runs.filter((r) => r.replicas === replicas).map((r) => r.wrk);
        return {
            replicas,
            n: rs.length,
            reqPerSec: median(rs.map((w) => w.reqPerSec)),
            min: Math.min(...rs.map((w) => w.reqPerSec)),
            max: Math.max(...rs.map((w) => w.reqPerSec)),
            p50Ms: median(rs.map((w) => w.p50Ms)),
            p99Ms: median(rs.map((w) => w.p99Ms)),
            errors: rs.reduce((n, w) => n + w.errors, 0),
        };
    });
}

export function replicaTable(r: Pick<ScaleResult, "replicaRuns" | "options">): string {
    return [
        `| replicas (1 worker each) | runs | max req/s (median) | min–max | p50 ms | p99 ms | errors |`,
        `| -----------------------: | ---: | -----------------: | ------: | -----: | -----: | -----: |`,
        ...summarizeReplicas(r.replicaRuns).map(
            (s) =>
                `| ${s.replicas} | ${s.n} | ${s.reqPerSec.toFixed(0)} | ${s.min.toFixed(0)}–${s.max.toFixed(0)} | ${s.p50Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} | ${s.errors} |`,
        ),
    ].join("\n");
}

export function renderScaleReport(r: ScaleResult): string {
    const m = r.machine;
    const at = (n: number) => summarizeReloads(r.reloads).find((s) => s.to === n);
    return [
        `# Upstream size and replicas, ${r.date} (${r.mode})`,
        "",
        `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memGiB} GiB, kernel ${m.kernel}, Docker ${m.docker}, wrk ${m.wrk}; ` +
            `load average ${r.loadAvg1} at the start, ${r.loadAvg1End} at the end (other work on the host). ${r.wallSec} s in all.`,
        "",
        `## nginx reloads, ${r.options.servers.join(" → ")} upstream servers, ${r.options.rounds} round(s)`,
        "",
        "Our nginx image (worker_processes auto) with the upstream in per-service include files of renderServerLine lines; " +
            "each step: write the files, `nginx -t` in the container, SIGHUP to the master. Times from the SIGHUP. " +
            "Memory of master + workers from /proc after 20 health requests (RSS counts shared pages in every process; PSS splits them).",
        "",
        reloadTable(r.reloads),
        "",
        ...[8, 100, 500].map((n) => {
            const s = at(n);
            return s
                ? `- at ${n} servers: RSS ${(s.rssKiB / 1024).toFixed(1)} MiB, PSS ${(s.pssKiB / 1024).toFixed(1)} MiB`
                : `- at ${n} servers: not measured`;
        }),
        "",
        `## Requests/s through nginx by replica count`,
        "",
        `The default stack's two services (weights 3:1), every replica 1 Gunicorn worker (4 threads), run with plain docker commands ` +
            `(bench/replicas.ts: the program's images, environment and container settings, no health checks) behind nginx as render.ts renders the defaults; ` +
            `\`wrk -t1 -c${r.options.connections}\`, ${r.options.closedSec} s per run, ${r.options.rounds} run(s) per count after a warm-up, ` +
            `one count at a time (the other stack is down).`,
        "",
        replicaTable(r),
        "",
        ...(r.notes.length > 0 ? ["## Notes", "", ...r.notes.map((n) => `- ${n}`), ""] : []),
    ].join("\n");
}

export function writeScaleResults(r: ScaleResult, outDir: string): { json: string; md: string } {
    mkdirSync(outDir, { recursive: true });
    const stem = path.join(outDir, `${r.date}-scale${r.mode === "quick" ? "-quick" : ""}`);
    writeFileSync(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
    writeFileSync(`${stem}.md`, renderScaleReport(r));
    return { json: `${stem}.json`, md: `${stem}.md` };
}

async function reloadPart(o: ScaleOptions, log: (s: string) => void): Promise<ReloadRun[]> {
    const image = `webstack-${o.stack}-nginx:local`;
    await cli(
        [
            "build",
            "--tag",
            image,
            "--network",
            "none",
            "--build-arg",
            `BASE_IMAGE=${process.env.WEBSTACK_NGINX_BASE ?? "webstack-offline/nginx:forky"}`,
            "nginx",
        ],
        {
            env: { DOCKER_BUILDKIT: "0" },
        },
    );
    const nginx = await UpstreamNginx.start({
        name: `webstack-${o.stack}-${process.pid}`,
        labels: { "webstack.bench": `${o.stack}-${process.pid}` },
        image,
        hostPort: o.portBase + 7,
        maxServers: Math.max(...o.servers),
        initialServers: o.servers[0],
    });
    const runs: ReloadRun[] = [];
    try {
        for (let round = 0; round < o.rounds; round++) {
            for (const to of o.servers.slice(1)) {
                const r = await nginx.reloadTo(to, round);
                runs.push(r);
                log(
                    `reload round ${round + 1} ${r.from} → ${to}: served by new workers only after ${r.servedMs.toFixed(0)} ms; RSS ${(r.memory.rssKiB / 1024).toFixed(1)} MiB`,
                );
            }
        }
        const errors = await nginx.upstreamErrors();
        if (errors.length > 0) {
            throw new Error(`nginx logged errors: ${errors.slice(0, 3).join(" | ")}`);
        }
    } finally {
        await nginx.remove();
    }
    return runs;
}

/** Sends requests until every one of `replicas` containers has answered (nginx resolves new ones every few s). */
async function waitAllAnswer(url: string, replicas: number, timeoutMs = 180_000): Promise<void> {
    const agent = agentFor(url, true, 4);
    const seen = new Set<string>();
    const deadline = Date.now() + timeoutMs;
    try {
        while (seen.size < replicas) {
            if (Date.now() > deadline) {
                throw new Error(`only ${seen.size} of ${replicas} replicas answered within ${timeoutMs / 1000} s`);
            }
            const replies = await Promise.all(Array.from({ length: 40 }, () => get(url, agent, 5000)));
            replies.forEach((r) => r.container && seen.add(r.container));
            await sleep(100);
        }
    } finally {
        agent.destroy();
    }
}

async function replicaPart(o: ScaleOptions, log: (s: string) => void): Promise<ReplicaRun[]> {
    const runs: ReplicaRun[] = [];
    const images = await buildImages(o.stack);
    for (const replicas of o.replicas) {
        const runId = `${o.stack}-${process.pid}-r${replicas}`;
        try {
            const t0 = Date.now();
            const up = await upReplicas({ runId, replicas, hostPort: o.portBase + 8, images });
            await waitAllAnswer(up.url, replicas);
            log(`${replicas} replicas up and every one answered after ${Math.round((Date.now() - t0) / 1000)} s`);
            await runWrk({ url: up.url, durationSec: 3, connections: o.connections, threads: 1, timeoutSec: 5 });
            for (let round = 0; round < o.rounds; round++) {
                const w = await runWrk({ url: up.url, durationSec: o.closedSec, connections: o.connections, threads: 1, timeoutSec: 5 });
                runs.push({ replicas, round, wrk: w });
                log(
                    `${replicas} replicas, run ${round + 1}: ${w.reqPerSec.toFixed(0)} req/s, p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms, errors ${w.errors}`,
                );
            }
        } finally {
            await cleanupBench(runId);
        }
    }
    return runs;
}

export async function runScaleBench(o: ScaleOptions, log: (s: string) => void = () => undefined): Promise<ScaleResult> {
    const started = new Date();
    const loadAvg1 = Math.round(os.loadavg()[0] * 10) / 10;
    const notes: string[] = [];
    let reloads: ReloadRun[] = [];
    let replicaRuns: ReplicaRun[] = [];
    try {
        reloads = await reloadPart(o, log);
        replicaRuns = await replicaPart(o, log);
    } catch (e) {
        notes.push(`run failed: ${(e as Error).message.split("\n")[0]}`);
        log(`FAILED: ${(e as Error).stack ?? (e as Error).message}`);
    }
    const options: Omit<ScaleOptions, "outDir"> & { outDir?: string } = { ...o };
    delete options.outDir;
    return {
        version: 1,
        mode: o.mode,
        date: started.toISOString().slice(0, 10),
        startedAt: started.toISOString(),
        wallSec: Math.round((Date.now() - started.getTime()) / 1000),
        machine: await machine(),
        loadAvg1,
        loadAvg1End: Math.round(os.loadavg()[0] * 10) / 10,
        options,
        reloads,
        replicaRuns,
        notes,
    };
}
