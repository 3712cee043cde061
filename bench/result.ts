// The benchmark's result document: written as JSON, rendered to markdown and SVG from that JSON.
import type { Goal, Ratios } from "./goals";
import type { ConfigId, RunRecord, Summary } from "./stats";
import type { ShareRow } from "../e2e/traffic";

export interface Machine {
    readonly cores: number;
    readonly cpuModel: string;
    readonly memGiB: number;
    readonly kernel: string;
    readonly docker: string;
    readonly wrk: string;
}

export interface LoadSettings {
    readonly sustainedSec: number;
    readonly shortSec: number;
    readonly rounds: number;
    readonly connections: number;
    readonly threads: number;
    readonly timeoutSec: number;
    /** A run waits (bounded) for the host to be at least this idle before it starts. */
    readonly minIdlePct: number;
}

export interface ConfigInfo {
    readonly label: string;
    /** How it is built and run, one line. */
    readonly description: string;
    /** Gunicorn workers over all containers. */
    readonly gunicornWorkers: number;
    readonly url: string;
}

export interface SplitResult {
    readonly requests: number;
    readonly rows: readonly ShareRow[];
    readonly worstDeltaPp: number;
}

export interface ScaleResult {
    /** Container StartedAt to the first reply it served through nginx. */
    readonly firstServedMs: number;
    readonly requests: number;
    readonly failures: number;
}

export interface RebuildResult {
    readonly coldSec: readonly number[];
    readonly codeOnlySec: readonly number[];
    /** A rebuild with nothing changed (every step cached): the builder's fixed cost. */
    readonly unchangedSec?: number;
    /** median(codeOnly) / median(cold). */
    readonly ratio: number;
    /** The same code-only rebuild with app/Dockerfile's metadata steps moved before the code COPY. */
    readonly variantCodeOnlySec?: readonly number[];
    readonly variantRatio?: number;
}

export interface BenchResult {
    readonly version: 1;
    readonly mode: "full" | "quick";
    /** YYYY-MM-DD of the start. */
    readonly date: string;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly wallSec: number;
    readonly machine: Machine;
    readonly load: LoadSettings;
    readonly configs: Readonly<Record<ConfigId, ConfigInfo>>;
    readonly runs: readonly RunRecord[];
    readonly summary: Summary;
    readonly ratios: Ratios;
    readonly split?: SplitResult;
    readonly scaleUp?: ScaleResult;
    readonly rebuild?: RebuildResult;
    /** Keep-alive connections per Gunicorn worker under load, per container (largest first). */
    readonly spread?: Readonly<Partial<Record<ConfigId, Readonly<Record<string, readonly number[]>>>>>;
    readonly goals: readonly Goal[];
    /** What went wrong or was skipped, in words. */
    readonly notes: readonly string[];
}
