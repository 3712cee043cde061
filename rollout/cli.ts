// npm run rollout -- --stack S --from stable --to canary --steps 5,25,50,100 --bake 60 --max-error-rate 1
//                    [--max-p99-ms N] [--min-requests N] [--promote] [--replay] [--resume | --rollback]
import { execFileSync } from "child_process";
import { formatRolloutReport } from "./report";
import { AutomationDeployer, PROJECT_ROOT, ReplayDeployer } from "./deployers";
import { Deployer, Watcher, runRollout, weightsOf } from "./run";
import { RolloutState, initialState, isFinal, transition } from "./state";
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

function num(flag: string, text: string | undefined, min: number): number {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n < min) {
        throw new Error(`${flag}: expected a number ≥ ${min}, got '${text ?? ""}'`);
    }
    return n;
}

export function parseRolloutArgs(argv: readonly string[]): RolloutArgs {
    const a: Record<string, string | undefined> = {};
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i];
        if (["--promote", "--replay", "--resume", "--rollback"].includes(k)) {
            flags.add(k);
        } else if (
            ["--stack", "--from", "--to", "--steps", "--bake", "--settle", "--max-error-rate", "--max-p99-ms", "--min-requests"].includes(k)
        ) {
            a[k] = argv[++i];
        } else {
            throw new Error(`unknown argument '${k}'\n${USAGE}`);
        }
    }
    if (flags.has("--resume") && flags.has("--rollback")) {
        throw new Error("--resume and --rollback exclude each other");
    }
    const mode = flags.has("--resume") ? "resume" : flags.has("--rollback") ? "rollback" : "start";
    if (!a["--stack"]) {
        throw new Error(`--stack is required\n${USAGE}`);
    }
    if (mode === "start") {
        for (const k of ["--from", "--to", "--steps", "--bake", "--max-error-rate"]) {
            if (a[k] === undefined) {
                throw new Error(`${k} is required\n${USAGE}`);
            }
        }
    }
    return {
        stack: a["--stack"],
        from: a["--from"],
        to: a["--to"],
        steps: a["--steps"] !== undefined ? parseSteps(a["--steps"]) : [],
        bakeSec: a["--bake"] !== undefined ? num("--bake", a["--bake"], 1) : 60,
        settleSec: a["--settle"] !== undefined ? num("--settle", a["--settle"], 0) : 5,
        maxErrorRatePercent: a["--max-error-rate"] !== undefined ? num("--max-error-rate", a["--max-error-rate"], 0) : 1,
        ...(a["--max-p99-ms"] !== undefined ? { maxP99Ms: num("--max-p99-ms", a["--max-p99-ms"], 1) } : {}),
        minRequests: a["--min-requests"] !== undefined ? num("--min-requests", a["--min-requests"], 0) : 20,
        promote: flags.has("--promote"),
        replay: flags.has("--replay"),
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
    const saved = loadRolloutFile(file);
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
