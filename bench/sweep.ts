// `npx ts-node --transpile-only bench/sweep.ts NAME... [--rounds N] [--sustained SEC]`: runs tuning
// sweeps (bench/sweeps.ts) on the real engine and writes bench/results/sweep-NAME.{json,md}.
// Ports 18130-18149; every stack and container it starts is removed in a finally block.
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { cli } from "../e2e/docker";
import { replay } from "../e2e/replay";
import { upDirect } from "./direct";
import { cleanupBench, machine, waitQuiet } from "./host";
import type { LoadTarget } from "./load";
import { ROOT, appImageResource, downOurs, evaluateOurs, upOurs } from "./ours";
import { measureScaleUp } from "./scale";
import { stat } from "./stats";
import { SweepPointResult, SweepResult, renderSweep } from "./sweepReport";
import { SWEEPS, Sweep, SweepPoint } from "./sweeps";
import { runWrk } from "./wrk";

const PORT_BASE = 18130;
const CONNECTIONS = 16;

const stackOf = (i: number) => `bsw${i}`;

async function upPoint(p: SweepPoint, i: number, runId: string): Promise<LoadTarget> {
    const port = PORT_BASE + i;
    if (p.kind === "ours") {
        const up = await upOurs(stackOf(i), { ...p.config, httpPort: port }, p.patch);
        return { url: up.url, socketsIn: up.nginx };
    }
    const ev = await evaluateOurs(stackOf(i), { ...(p.config ?? {}), httpPort: port });
    const image = appImageResource(ev);
    const state = await replay({ resources: [image] }, { root: ROOT });
    const d = await upDirect(ev, { runId, image: state.ids.get(image.urn)!, hostPort: port, env: p.env, name: `sweep${i}` });
    return { url: d.url, socketsIn: d.container };
}

async function downPoint(i: number, runId: string): Promise<void> {
    await cleanupBench(runId);
    await downOurs(stackOf(i));
}

/**
 * One point at a time: each run gets a freshly started stack and nothing else of the sweep runs
 * beside it (idle stacks' health checks cost several % of a 2-core host each).
 */
async function loadSweep(s: Sweep, rounds: number, runSec: number, runId: string, log: (l: string) => void): Promise<SweepPointResult[]> {
    const runs: SweepPointResult["runs"][number][][] = s.points.map(() => []);
    for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < s.points.length; k++) {
            const i = (k + round) % s.points.length;
            try {
                const t = await upPoint(s.points[i], i, runId);
                await runWrk({ url: t.url, durationSec: 2, connections: CONNECTIONS, threads: 1, timeoutSec: 5 });
                const hostIdlePct = await waitQuiet(85, 15_000);
                const w = await runWrk({ url: t.url, durationSec: runSec, connections: CONNECTIONS, threads: 1, timeoutSec: 5 });
                runs[i].push({ ...w, round, hostIdlePct });
                log(
                    `round ${round + 1} ${s.points[i].label.padEnd(28)} ${w.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${w.p50Ms.toFixed(1)} ms  ` +
                        `p99 ${w.p99Ms.toFixed(1)} ms  errors ${w.errors}  (idle ${hostIdlePct.toFixed(0)} %)`,
                );
            } finally {
                await downPoint(i, runId);
            }
        }
    }
    return s.points.map((point, i) => ({
        point,
        runs: runs[i],
        firstServedMs: [],
        reqPerSec: stat(runs[i].map((r) => r.reqPerSec)),
        p50Ms: stat(runs[i].map((r) => r.p50Ms)),
        p99Ms: stat(runs[i].map((r) => r.p99Ms)),
        errors: stat(runs[i].map((r) => r.errors)),
    }));
}

async function scaleSweep(s: Sweep, rounds: number, log: (l: string) => void): Promise<SweepPointResult[]> {
    const times: number[][] = s.points.map(() => []);
    for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < s.points.length; k++) {
            const i = (k + round) % s.points.length;
            const p = s.points[i];
            if (p.kind !== "ours") {
                throw new Error("scale sweeps take stack config points only");
            }
            try {
                const up = await upOurs(stackOf(i), { ...p.config, httpPort: PORT_BASE + i });
                const { result } = await measureScaleUp(up);
                times[i].push(result.firstServedMs);
                log(
                    `round ${round + 1} ${p.label.padEnd(24)} first served ${(result.firstServedMs / 1000).toFixed(1)} s, ${result.failures} failed`,
                );
            } finally {
                await downOurs(stackOf(i));
            }
        }
    }
    return s.points.map((point, i) => ({ point, runs: [], firstServedMs: times[i], firstServed: stat(times[i]) }));
}

async function runSweep(name: string, rounds: number, runSec: number, log: (l: string) => void): Promise<SweepResult> {
    const s = SWEEPS[name];
    if (!s) {
        throw new Error(`no sweep ${JSON.stringify(name)}; known: ${Object.keys(SWEEPS).join(", ")}`);
    }
    const t0 = Date.now();
    const runId = `sweep-${process.pid}`;
    try {
        const points = s.measure === "load" ? await loadSweep(s, rounds, runSec, runId, log) : await scaleSweep(s, rounds, log);
        return {
            name,
            about: s.about,
            measure: s.measure,
            date: new Date().toISOString().slice(0, 10),
            machine: await machine(),
            runSec,
            rounds,
            connections: CONNECTIONS,
            points,
            wallSec: Math.round((Date.now() - t0) / 1000),
        };
    } finally {
        await cleanupBench(runId);
        for (let i = 0; i < s.points.length; i++) {
            await downOurs(stackOf(i));
            // Drop this sweep's image tags; the images stay while another tag holds them.
            await cli(["rmi", `webstack-app:${stackOf(i)}`, `webstack-nginx:${stackOf(i)}`]).catch(() => undefined);
        }
    }
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const flag = (name: string, fallback: number) => {
        const i = argv.indexOf(name);
        return i >= 0 ? Number(argv.splice(i, 2)[1]) : fallback;
    };
    const rounds = flag("--rounds", 3);
    const runSec = flag("--sustained", 15);
    if (argv.length === 0) {
        throw new Error(`usage: bench/sweep.ts NAME... [--rounds N] [--sustained SEC]; sweeps: ${Object.keys(SWEEPS).join(", ")}`);
    }
    const out = path.join(ROOT, "bench", "results");
    mkdirSync(out, { recursive: true });
    const t0 = Date.now();
    const log = (l: string) => console.log(`[sweep ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${l}`);
    for (const name of argv) {
        const r = await runSweep(name, rounds, runSec, log);
        writeFileSync(path.join(out, `sweep-${name}.json`), `${JSON.stringify(r, null, 2)}\n`);
        writeFileSync(path.join(out, `sweep-${name}.md`), renderSweep(r));
        console.log(renderSweep(r));
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        console.error(e.stack ?? e.message);
        process.exit(1);
    });
}
