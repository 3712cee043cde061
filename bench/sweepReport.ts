// Sweep results: the JSON document and its markdown table.
import type { Machine } from "./result";
import { num, spread } from "./report";
import type { Stat } from "./stats";
import type { SweepPoint } from "./sweeps";
import type { WrkResult } from "./wrk";

export interface SweepPointResult {
    readonly point: SweepPoint;
    /** Load sweeps: one wrk result per round. */
    readonly runs: readonly (WrkResult & { readonly round: number; readonly hostIdlePct: number })[];
    /** Scale sweeps: container start to first served request, per repetition. */
    readonly firstServedMs: readonly number[];
    readonly reqPerSec?: Stat;
    readonly p50Ms?: Stat;
    readonly p99Ms?: Stat;
    readonly errors?: Stat;
    readonly firstServed?: Stat;
}

export interface SweepResult {
    readonly name: string;
    readonly about: string;
    readonly measure: "load" | "scale";
    readonly date: string;
    readonly machine: Machine;
    /** Seconds per wrk run, rounds, connections (load sweeps). */
    readonly runSec: number;
    readonly rounds: number;
    readonly connections: number;
    readonly points: readonly SweepPointResult[];
    readonly wallSec: number;
}

export function renderSweep(s: SweepResult): string {
    const head =
        s.measure === "load"
            ? [
                  `wrk -t1 -c${s.connections}, ${s.runSec} s per run, ${s.rounds} rounds, points interleaved (order rotates), each run on a freshly started stack with nothing else of the sweep running; medians (min–max).`,
                  "",
                  "| point | req/s | p50 ms | p99 ms | errors |",
                  "| --- | ---: | ---: | ---: | ---: |",
                  ...s.points.map(
                      (p) =>
                          `| ${p.point.label} | ${spread(p.reqPerSec)} | ${spread(p.p50Ms, 1)} | ${spread(p.p99Ms, 1)} | ${spread(p.errors)} |`,
                  ),
              ]
            : [
                  `${s.rounds} repetitions per point, interleaved; each: stack up, one-replica scale-up under load, first request served by the new replica.`,
                  "",
                  "| point | start to first served, s |",
                  "| --- | ---: |",
                  ...s.points.map(
                      (p) =>
                          `| ${p.point.label} | ${spread(p.firstServed && { ...p.firstServed, median: p.firstServed.median / 1000, min: p.firstServed.min / 1000, max: p.firstServed.max / 1000 }, 1)} |`,
                  ),
              ];
    return [
        `### Sweep: ${s.name} (${s.date})`,
        "",
        `${s.about}. ${s.machine.cores} cores; wall time ${num(s.wallSec)} s.`,
        "",
        ...head,
        "",
    ].join("\n");
}
