// The load phase: wrk against each configuration, sustained and short runs interleaved over rounds.
// All configurations stay up side by side, so every run pays the same background (the idle stacks'
// health checks); pausing the others is no option, as Gunicorn kills workers frozen longer than its
// timeout. Each run waits (bounded) for a quiet host and is followed by a TIME_WAIT count.
import type { LoadSettings } from "./result";
import { cpuPerRequest, snapshot } from "./cpu";
import { cpuProbeMs, timeWaitIn, waitQuiet } from "./host";
import { CONFIG_IDS, ConfigId, RunKind, RunRecord, roundOrder } from "./stats";
import { runWrk } from "./wrk";

export interface LoadTarget {
    readonly url: string;
    /** Container whose network namespace holds the proxy's (or app's) sockets. */
    readonly socketsIn: string;
}

export type Targets = Readonly<Partial<Record<ConfigId, LoadTarget>>>;

/** Longest a run waits for a quiet host before starting anyway (the idle % is recorded). */
const QUIET_WAIT_MS = 15_000;

const present = (targets: Targets) => CONFIG_IDS.filter((c) => targets[c] !== undefined);

export async function warmUp(targets: Targets, load: LoadSettings): Promise<void> {
    for (const c of present(targets)) {
        const durationSec = Math.max(1, Math.min(3, load.shortSec));
        await runWrk({
            url: targets[c]!.url,
            durationSec,
            connections: load.connections,
            threads: load.threads,
            timeoutSec: load.timeoutSec,
        });
    }
}

async function runOne(t: LoadTarget, config: ConfigId, kind: RunKind, round: number, load: LoadSettings): Promise<RunRecord> {
    const hostIdlePct = await waitQuiet(load.minIdlePct, QUIET_WAIT_MS);
    const probe = Math.round(cpuProbeMs() * 10) / 10;
    const startedAt = new Date().toISOString();
    const durationSec = kind === "sustained" ? load.sustainedSec : load.shortSec;
    const before = snapshot();
    const wrk = await runWrk({
        url: t.url,
        durationSec,
        connections: load.connections,
        threads: load.threads,
        timeoutSec: load.timeoutSec,
    });
    const cpuMs = cpuPerRequest(before, snapshot(), wrk.requests);
    const timeWait = await timeWaitIn(t.socketsIn).catch(() => undefined);
    return {
        round,
        config,
        kind,
        startedAt,
        hostIdlePct,
        cpuProbeMs: probe,
        wrk,
        cpuMsPerRequest: cpuMs,
        ...(timeWait === undefined ? {} : { timeWait }),
    };
}

export async function runRounds(targets: Targets, load: LoadSettings, log: (line: string) => void = () => undefined): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    for (let round = 0; round < load.rounds; round++) {
        for (const { config, kind } of roundOrder(round, present(targets))) {
            const r = await runOne(targets[config]!, config, kind, round, load);
            runs.push(r);
            const w = r.wrk;
            log(
                `round ${round + 1} ${config.padEnd(7)} ${kind.padEnd(9)} ${w.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${w.p50Ms.toFixed(1)} ms  ` +
                    `p99 ${w.p99Ms.toFixed(1)} ms  errors ${w.errors}  TIME_WAIT ${r.timeWait ?? "-"}  (host idle before ${r.hostIdlePct.toFixed(0)} %)`,
            );
        }
    }
    return runs;
}
