// npm run rollout -- --stack S --from stable --to canary --steps 5,25,50,100 --bake 60 --max-error-rate 1
//                    [--max-p99-ms N] [--min-requests N] [--promote] [--replay] [--resume | --rollback]
import { execFileSync } from "child_process";
import { UsageError, numberFlag, parseCli, stackFlag } from "../lib/cliArgs";
import { formatRolloutReport } from "./report";
import { AutomationDeployer, PROJECT_ROOT, ReplayDeployer } from "./deployers";
import { Deployer, Watcher, runRollout, weightsOf } from "./run";
import { RolloutState, initialState, isFinal, transition } from "./state";
import { ROLLOUT_RANGES } from "./stateCheck";
import { RolloutFile, loadRolloutFile, rolloutFilePath, saveRolloutFile } from "./stateFile";
import { watcherFor } from "./watchers";
import { parseSteps, weightsForPercent } from "./weights";

export interface RolloutArgs {
    readonly stack: string;
    readonly from?: string;
    readonly to?: string;
    readonly steps: number[];
    readonly bakeSec: number;
    /** Seconds from an applied step to the start of its bake. Default 5 (nginx polls each second, then reloads). */
    readonly settleSec: number;
    readonly maxErrorRatePercent: number;
    readonly maxP99Ms?: number;
    /** Default 20: fewer canary requests in a bake cannot show a 1 % error rate. */
    readonly minRequests: number;
    readonly promote: boolean;
    readonly replay: boolean;
    readonly mode: "start" | "resume" | "rollback";
}

const USAGE =
    "usage: npm run rollout -- --stack S --from SERVICE --to SERVICE --steps 5,25,50,100 --bake SEC --max-error-rate PCT " +
    "[--settle SEC] [--max-p99-ms N] [--min-requests N] [--promote] [--replay] [--resume | --rollback]";

const FLAGS = {
    stack: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    steps: { type: "string" },
    bake: { type: "string" },
    settle: { type: "string" },
    "max-error-rate": { type: "string" },
    "max-p99-ms": { type: "string" },
    "min-requests": { type: "string" },
    promote: { type: "boolean" },
    replay: { type: "boolean" },
    resume: { type: "boolean" },
    rollback: { type: "boolean" },
} as const;

/** `--steps` as percents; a bad list is a usage mistake like any other flag's. */
function stepsFlag(text: string): number[] {
    try {
        return parseSteps(text);
    } catch (e) {
        throw new UsageError((e as Error).message, USAGE);
    }
}

export function parseRolloutArgs(argv: readonly string[]): RolloutArgs {
    const { values: v } = parseCli(argv, FLAGS, USAGE);
    if (v.resume && v.rollback) {
        throw new UsageError("--resume and --rollback exclude each other", USAGE);
    }
    const mode = v.resume ? "resume" : v.rollback ? "rollback" : "start";
    if (v.stack === undefined) {
        throw new UsageError("--stack is required", USAGE);
    }
    if (mode === "start") {
        for (const k of ["from", "to", "steps", "bake", "max-error-rate"] as const) {
            if (v[k] === undefined) {
                throw new UsageError(`--${k} is required`, USAGE);
            }
        }
    }
    const num = (flag: keyof typeof FLAGS, range: (typeof ROLLOUT_RANGES)[keyof typeof ROLLOUT_RANGES], fallback: number) => {
        const text = v[flag] as string | undefined;
        return text === undefined ? fallback : numberFlag(`--${flag}`, text, range, USAGE);
    };
    return {
        stack: stackFlag(v.stack, USAGE),
        from: v.from,
        to: v.to,
        steps: v.steps !== undefined ? stepsFlag(v.steps) : [],
        bakeSec: num("bake", ROLLOUT_RANGES.bakeSec, 60),
        settleSec: num("settle", ROLLOUT_RANGES.settleSec, 5),
        maxErrorRatePercent: num("max-error-rate", ROLLOUT_RANGES.maxErrorRatePercent, 1),
        ...(v["max-p99-ms"] !== undefined ? { maxP99Ms: num("max-p99-ms", ROLLOUT_RANGES.maxP99Ms, 0) } : {}),
        minRequests: num("min-requests", ROLLOUT_RANGES.minRequests, 20),
        promote: v.promote === true,
        replay: v.replay === true,
        mode,
    };
}

function pulumiCliPresent(): boolean {
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/** Runs the CLI; returns the exit code. */
export async function main(
    argv: readonly string[],
    log: (line: string) => void = console.log,
    /** Tests only: a deployer and watcher instead of the real ones. */
    inject: { deployer?: Deployer; watcher?: Watcher } = {},
): Promise<number> {
    const started = Date.now();
    const args = parseRolloutArgs(argv);
    if (!inject.deployer && !args.replay && !pulumiCliPresent()) {
        throw new Error("the Pulumi CLI is not installed: pass --replay to drive the local replay instead");
    }
    const deployer: Deployer =
        inject.deployer ?? (args.replay ? new ReplayDeployer(args.stack, log) : new AutomationDeployer(args.stack, log));
    // The target decides: `docker logs` locally, CloudWatch Logs on aws (rollout/watchers.ts). Before any
    // state is written, so a stack the watcher cannot read leaves no rollout behind.
    const watcher = inject.watcher ?? (await watcherFor(args.stack, args.replay, log));
    const file = rolloutFilePath(PROJECT_ROOT, args.stack);
    const saved = loadRolloutFile(file, args.stack);
    let content: RolloutFile;
    if (args.mode === "start") {
        if (saved && !isFinal(saved.state)) {
            throw new Error(`an unfinished rollout (${saved.state.status}) is in ${file}: pass --resume or --rollback`);
        }
        const original = await deployer.services();
        const plans = args.steps.map((p) => weightsForPercent(weightsOf(original), args.from!, args.to!, p));
        const state = initialState({ stack: args.stack, from: args.from!, to: args.to!, promote: args.promote, original, plans });
        const limits = {
            maxErrorRatePercent: args.maxErrorRatePercent,
            minRequests: args.minRequests,
            ...(args.maxP99Ms !== undefined ? { maxP99Ms: args.maxP99Ms } : {}),
        };
        content = { state, bakeSec: args.bakeSec, limits };
    } else {
        if (!saved || isFinal(saved.state)) {
            throw new Error(`no unfinished rollout for stack ${args.stack} (${file})`);
        }
        const event = args.mode === "resume" ? ({ type: "resume" } as const) : ({ type: "abort", reason: "--rollback" } as const);
        content = { ...saved, state: transition(saved.state, event) };
    }
    const save = (state: RolloutState) => saveRolloutFile(file, { ...content, state });
    save(content.state);
    log(`rollout state: ${file}`);
    const end = await runRollout(content.state, {
        deployer,
        watcher,
        bakeSec: content.bakeSec,
        settleSec: args.settleSec,
        limits: content.limits,
        save,
        log,
        // nginx flushes its access log buffer every second: wait for the bake's last lines.
        sleep: (ms) => new Promise((r) => setTimeout(r, ms + 1500)),
    });
    log("");
    log(formatRolloutReport(end));
    log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return end.status === "succeeded" || end.status === "promoted" ? 0 : 1;
}

if (require.main === module) {
    process.on("SIGINT", () => {
        console.error("\ninterrupted: the state file keeps the progress; rerun with --resume or --rollback");
        process.exit(130);
    });
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            console.error(`rollout: ${e.message}`);
            process.exit(2);
        },
    );
}
