// Where the CPU goes: per-process CPU time from /proc before and after a run, grouped by program,
// in milliseconds per request. On a CPU-bound 2-core host this, not a guess, says what a proxy
// costs. Processes that start and end within the run (health checks) land in "other".
import { readFileSync, readdirSync } from "fs";

/** USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SEC = 100;

/** Program name, parent pid, utime + stime, and reaped children's cutime + cstime (ticks) from one /proc/<pid>/stat line. */
export function parseProcStat(line: string): { comm: string; ppid: string; ticks: number; childTicks: number } | undefined {
    // comm is in parentheses and may itself contain spaces or parentheses: split at the last ")".
    const open = line.indexOf("(");
    const close = line.lastIndexOf(")");
    if (open < 0 || close < open) {
        return undefined;
    }
    const rest = line
        .slice(close + 2)
        .trim()
        .split(/\s+/);
    // After comm: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12) cutime cstime.
    const [utime, stime, cutime, cstime] = rest.slice(11, 15).map(Number);
    return [utime, stime, cutime, cstime].every(Number.isFinite)
        ? { comm: line.slice(open + 1, close), ppid: rest[1], ticks: utime + stime, childTicks: cutime + cstime }
        : undefined;
}

/** Program groups reported; everything else is "other". */
export const CPU_GROUPS: Readonly<Record<string, readonly string[]>> = {
    gunicorn: ["gunicorn"],
    nginx: ["nginx"],
    "docker-proxy": ["docker-proxy"],
    "dockerd+containerd": ["dockerd", "containerd", "containerd-shim", "runc"],
};

/**
 * The load generator's group. wrk and h2load are this process's children and exit before the run's
 * last snapshot, so their CPU comes from this process's reaped-children time, not from their /proc.
 */
export const LOAD_GROUP = "wrk/h2load";

export function groupOf(comm: string): string {
    return Object.entries(CPU_GROUPS).find(([, names]) => names.includes(comm))?.[0] ?? "other";
}

export interface CpuSnapshot {
    /** pid -> [group, ticks]. */
    readonly procs: ReadonlyMap<string, readonly [string, number]>;
    /** Gunicorn workers (a gunicorn whose parent is a gunicorn): pid -> [container ID, ticks]. */
    readonly workers: ReadonlyMap<string, readonly [string, number]>;
    /** Busy ticks of the whole host (/proc/stat "cpu" line, all but idle and iowait). */
    readonly hostBusy: number;
    /** CPU of this process's exited children (the load generator). */
    readonly childTicks: number;
}

export function hostBusyTicks(procStatCpuLine: string): number {
    const f = procStatCpuLine.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: guest time is already inside user.
    return f.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
}

/** The Docker container ID in a /proc/<pid>/cgroup text; undefined outside a container. */
export function containerOf(cgroup: string): string | undefined {
    return /\/docker[/-]([0-9a-f]{64})/.exec(cgroup)?.[1];
}

export function snapshot(): CpuSnapshot {
    const stats = new Map<string, NonNullable<ReturnType<typeof parseProcStat>>>();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const p = parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
            if (p) {
                stats.set(pid, p);
            }
        } catch {
            // The process ended between readdir and read.
        }
    }
    const procs = new Map([...stats].map(([pid, p]) => [pid, [groupOf(p.comm), p.ticks] as const]));
    const workers = new Map<string, readonly [string, number]>();
    for (const [pid, p] of stats) {
        if (p.comm === "gunicorn" && stats.get(p.ppid)?.comm === "gunicorn") {
            try {
                workers.set(pid, [containerOf(readFileSync(`/proc/${pid}/cgroup`, "utf8")) ?? "", p.ticks]);
            } catch {
                // Ended meanwhile.
            }
        }
    }
    return {
        procs,
        workers,
        hostBusy: hostBusyTicks(readFileSync("/proc/stat", "utf8").split("\n")[0]),
        childTicks: stats.get(String(process.pid))?.childTicks ?? 0,
    };
}

/**
 * Each Gunicorn worker's share (%) of the CPU all workers in `containerIds` used between two
 * snapshots, largest first. Even shares mean the load spread over the workers; a few large ones
 * and several near 0 mean requests queued on busy workers while others idled.
 */
export function workerShares(before: CpuSnapshot, after: CpuSnapshot, containerIds: readonly string[]): number[] {
    const deltas: number[] = [];
    for (const [pid, [container, ticks]] of after.workers) {
        const b = before.workers.get(pid);
        if (b && containerIds.includes(container)) {
            deltas.push(Math.max(0, ticks - b[1]));
        }
    }
    const sum = deltas.reduce((s, d) => s + d, 0);
    return deltas.map((d) => (sum > 0 ? Math.round((1000 * d) / sum) / 10 : 0)).sort((a, b) => b - a);
}

/**
 * CPU milliseconds per request between two snapshots, per group, plus "total" (the whole host) and
 * "other" (total minus the groups). Only processes alive at both ends are attributed to a group.
 */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): Record<string, number> {
    const ms = (ticks: number) => (requests > 0 ? Math.round(((ticks * 1000) / TICKS_PER_SEC / requests) * 1000) / 1000 : 0);
    const byGroup = new Map<string, number>(Object.keys(CPU_GROUPS).map((g) => [g, 0]));
    for (const [pid, [group, ticks]] of after.procs) {
        const b = before.procs.get(pid);
        if (b && group !== "other") {
            byGroup.set(group, byGroup.get(group)! + Math.max(0, ticks - b[1]));
        }
    }
    byGroup.set(LOAD_GROUP, Math.max(0, after.childTicks - before.childTicks));
    const total = Math.max(0, after.hostBusy - before.hostBusy);
    const attributed = [...byGroup.values()].reduce((s, v) => s + v, 0);
    return {
        ...Object.fromEntries([...byGroup].map(([g, t]) => [g, ms(t)])),
        other: ms(Math.max(0, total - attributed)),
        total: ms(total),
    };
}
