// Host and engine helpers of the benchmark: the bench label every object it creates carries, its
// cleanup, readiness polling, the host-idle gate, and TIME_WAIT counts inside a container.
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as os from "os";
import { api, cli, exec, sleep } from "../e2e/docker";
import { get } from "../e2e/traffic";
import type { Machine } from "./result";
import { idlePct } from "./stats";

/** Label on every container and network the bench creates outside our stack (value: run id). */
export const BENCH_LABEL = "webstack.bench";

/** Removes every container and network carrying BENCH_LABEL=runId; returns how many. */
export async function cleanupBench(runId: string): Promise<number> {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${BENCH_LABEL}=${runId}`] }));
    const containers = await api<{ Id: string }[]>("GET", `/containers/json?all=1&filters=${filters}`);
    await Promise.all(containers.map((c) => api("DELETE", `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)));
    const networks = await api<{ Id: string }[]>("GET", `/networks?filters=${filters}`);
    for (const n of networks) {
        await api("DELETE", `/networks/${n.Id}`).catch(() => undefined);
    }
    return containers.length + networks.length;
}

/** Polls `url` until it answers 200 `times` in a row; throws after `timeoutMs`. */
export async function waitServing(url: string, timeoutMs = 60_000, times = 3): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ok = 0;
    while (Date.now() < deadline) {
        const r = await get(url, undefined, 2000);
        ok = r.status === 200 ? ok + 1 : 0;
        if (ok >= times) {
            return;
        }
        await sleep(200);
    }
    throw new Error(`${url} did not serve within ${timeoutMs / 1000}s`);
}

function cpuLine(): string {
    return readFileSync("/proc/stat", "utf8").split("\n")[0];
}

/** Host CPU idle % over `ms`. */
export async function sampleIdle(ms = 1000): Promise<number> {
    const before = cpuLine();
    await sleep(ms);
    return idlePct(before, cpuLine());
}

/**
 * Waits (at most `maxWaitMs`) for a second in which the host is at least `minIdlePct` idle, so a run
 * does not start while another process (a build, a test suite) owns the CPUs. Returns the last idle %.
 */
export async function waitQuiet(minIdlePct: number, maxWaitMs: number): Promise<number> {
    const deadline = Date.now() + maxWaitMs;
    let idle = await sampleIdle();
    while (idle < minIdlePct && Date.now() < deadline) {
        idle = await sampleIdle();
    }
    return idle;
}

/**
 * Milliseconds a fixed CPU-bound loop takes on this process: run right after the quiet gate, it
 * shows whether the machine itself got slower (a shared or throttled host) between runs.
 */
export function cpuProbeMs(iterations = 10_000_000): number {
    const t0 = performance.now();
    let h = 0;
    for (let i = 0; i < iterations; i++) {
        h = (h * 31 + i) | 0;
    }
    const ms = performance.now() - t0;
    // Keeps the loop from being optimised away.
    return h === 42 ? ms + 1e-9 : ms;
}

/** Count of TIME_WAIT sockets in /proc/net/tcp{,6} text (state 06). */
export function countTimeWait(procNetTcp: string): number {
    return procNetTcp
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => /^\d+:$/.test(f[0] ?? "") && f[3] === "06").length;
}

/** TIME_WAIT sockets in a container's network namespace. */
export async function timeWaitIn(container: string): Promise<number> {
    return countTimeWait(await exec(container, ["cat", "/proc/net/tcp", "/proc/net/tcp6"]));
}

export async function machine(): Promise<Machine> {
    const docker = (await cli(["version", "--format", "{{.Server.Version}}"]).catch(() => "unknown")).trim();
    // wrk --version prints the version and exits 1.
    const wrk = await new Promise<string>((resolve) =>
        execFile("wrk", ["--version"], (_e, out, err) => resolve(/wrk (\S+)/.exec(`${out}${err}`)?.[1] ?? "unknown")),
    );
    return {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
        memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        kernel: os.release(),
        docker,
        wrk,
    };
}
