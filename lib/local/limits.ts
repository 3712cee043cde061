// Docker limits of the local target's containers (issue 18 finding 10): memory, CPU and a pids limit on every
// container, sized from what runs in it. Pure functions; components/local/* declare them, lib/config/config.ts parses
// a service's `cpu` and `memoryMiB`.
//
// Pids: pulumi-docker 5.2's Container has no `pidsLimit` (node_modules/@pulumi/docker/container.d.ts), nor does the
// provider it bridges (kreuzwerker v4.5.0 internal/provider/resource_docker_container.go: no pids_limit). What it
// has is `ulimits`, and RLIMIT_NPROC counts the tasks (processes and threads) of a *uid*, host-wide, not of a
// container (checked on this engine: two containers of one uid share one count). So each app replica runs as a
// uid of its own (replicaUid), which makes its nproc limit a per-container pids limit. nginx and its config
// container must share nginx's uid (the key on the volume is 0600, theirs): for them the limit is a ceiling on
// that uid as a whole.
import { createHash } from "crypto";
import { LOCAL_LIMITS } from "../config/defaults";
import { Problems, setCommand } from "../config/validate";

/** Docker's `cpus` for `cpu` units (1024 = one CPU), as the provider's string ("1.5"). */
export function dockerCpus(cpu: number): string {
    return String(Math.round((cpu / 1024) * 100) / 100);
}

/** Default CPU units of a replica: one CPU per Gunicorn worker (a worker is one process), at most the host's CPUs. */
export function defaultCpu(workers: number, hostCpus: number): number {
    return 1024 * Math.max(1, Math.min(workers, hostCpus));
}

/** Default memory of a replica in MiB: the master plus each worker and its threads' buffers (LOCAL_LIMITS). */
export function defaultMemoryMiB(workers: number, threads: number): number {
    const l = LOCAL_LIMITS.app;
    return l.baseMiB + workers * (l.perWorkerMiB + l.perThreadMiB * threads);
}

/**
 * Tasks a replica may have: Gunicorn's master and workers, each worker's gthread pool and its main thread, the
 * health check's exec, doubled, plus headroom. Above it, fork() and pthread_create() fail inside the container only.
 */
export function appPidsLimit(workers: number, threads: number): number {
    return 2 * (2 + workers * (threads + 2)) + LOCAL_LIMITS.app.pidsHeadroom;
}

/**
 * The uid a replica runs as: its own (group stays the image's), derived from its Docker name so it is stable across
 * applies, in a range no distribution gives to users or system accounts (LOCAL_LIMITS.app.uidBase..+uidSpan).
 */
export function replicaUid(dockerName: string): number {
    const n = createHash("sha256").update(dockerName).digest().readUInt32BE(0);
    return LOCAL_LIMITS.app.uidBase + (n % LOCAL_LIMITS.app.uidSpan);
}

/** A service's `cpu` and `memoryMiB` on the local target: given (checked) or defaulted from workers and threads. */
export function parseLocalLimits(
    p: Problems,
    key: string,
    entry: Readonly<Record<string, unknown>>,
    workers: number | undefined,
    threads: number | undefined,
    hostCpus: number,
): { cpu: number; memoryMiB: number } | undefined {
    const before = p.count;
    const maxCpu = 1024 * hostCpus;
    const cpu = entry.cpu ?? (workers === undefined ? undefined : defaultCpu(workers, hostCpus));
    if (cpu !== undefined && (typeof cpu !== "number" || !Number.isInteger(cpu) || cpu < LOCAL_LIMITS.app.minCpu || cpu > maxCpu)) {
        p.add(
            `${key}.cpu`,
            cpu,
            `must be an integer from ${LOCAL_LIMITS.app.minCpu} to ${maxCpu}: CPU units of each replica (1024 = one CPU), at most the ${hostCpus} CPUs this host has (Docker refuses more)`,
            setCommand(`${key}.cpu`, Math.min(1024, maxCpu)),
        );
    }
    const memoryMiB = entry.memoryMiB ?? (workers === undefined || threads === undefined ? undefined : defaultMemoryMiB(workers, threads));
    const { minMemoryMiB, maxMemoryMiB } = LOCAL_LIMITS.app;
    if (
        memoryMiB !== undefined &&
        (typeof memoryMiB !== "number" || !Number.isInteger(memoryMiB) || memoryMiB < minMemoryMiB || memoryMiB > maxMemoryMiB)
    ) {
        p.add(
            `${key}.memoryMiB`,
            memoryMiB,
            `must be an integer from ${minMemoryMiB} to ${maxMemoryMiB}: the memory limit of each replica in MiB`,
            setCommand(`${key}.memoryMiB`, 512),
        );
    }
    return p.count === before && cpu !== undefined && memoryMiB !== undefined
        ? { cpu: cpu as number, memoryMiB: memoryMiB as number }
        : undefined;
}
