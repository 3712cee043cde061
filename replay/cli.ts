// Replay commands for people: bring a stack config up on the local engine (no Pulumi CLI needed),
// change it with a printed plan, tear it down.
//   npm run replay -- up    [--stack dev] [--offline] [--set key=JSON]...
//   npm run replay -- apply [--stack dev] [--offline] [--set key=JSON]...   (plan + apply vs what was last applied,
//                                                                           code edits under a build context included)
//   npm run replay -- down  [--stack dev]
import * as path from "path";
import { UsageError, parseCli, stackFlag } from "../lib/cliArgs";
import { evaluate } from "../evaluation/evaluate";
import { formatPlan, planDiff } from "./plan";
import { adopt, applyPlan, replay, teardown } from "./replay";
import { loadReplayState, saveReplayConfig } from "./state";
import { OFFLINE_BASES, stackConfig } from "./stackFile";

const ROOT = path.resolve(__dirname, "..");
const PROJECT = "webstack";

const USAGE = "usage: npm run replay -- up|apply|down [--stack NAME] [--offline] [--set KEY=JSON]...";
const COMMANDS = ["up", "apply", "down"] as const;

export interface ReplayArgs {
    command: (typeof COMMANDS)[number];
    stack: string;
    offline: boolean;
    sets: Record<string, unknown>;
}

/** Parses the replay CLI's argv (lib/cliArgs.ts: strict, no empty values); throws UsageError. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
    const { values, positionals } = parseCli(
        argv,
        { stack: { type: "string" }, offline: { type: "boolean" }, set: { type: "string", multiple: true } },
        USAGE,
        1,
    );
    const command = positionals[0];
    if (command === undefined) {
        throw new UsageError("a command is required: up, apply or down", USAGE);
    }
    if (!(COMMANDS as readonly string[]).includes(command)) {
        throw new UsageError(`unknown command '${command}': up, apply or down`, USAGE);
    }
    const sets: Record<string, unknown> = {};
    for (const set of values.set ?? []) {
        const eq = set.indexOf("=");
        const [key, text] = [set.slice(0, eq), set.slice(eq + 1)];
        if (eq <= 0 || text === "") {
            throw new UsageError(
                `--set '${set}' must be KEY=VALUE, e.g. --set httpPort=18080 or --set 'nginx={"workerProcesses":1}'`,
                USAGE,
            );
        }
        try {
            sets[key] = JSON.parse(text);
        } catch {
            sets[key] = text;
        }
    }
    return {
        command: command as ReplayArgs["command"],
        stack: values.stack === undefined ? "dev" : stackFlag(values.stack, USAGE),
        offline: values.offline === true,
        sets,
    };
}

async function main(): Promise<void> {
    const args = parseReplayArgs(process.argv.slice(2));
    const log = (line: string) => console.log(`  ${line}`);
    const config = () => stackConfig(ROOT, args.stack, { ...(args.offline ? OFFLINE_BASES : {}), ...args.sets });
    if (args.command === "down") {
        await teardown(PROJECT, args.stack, log);
        return;
    }
    if (args.command === "up") {
        const cfg = config();
        const ev = await evaluate(cfg, { stack: args.stack, project: PROJECT });
        if (ev.error) {
            throw ev.error;
        }
        await teardown(PROJECT, args.stack, log);
        await replay(ev, { root: ROOT, log });
        saveReplayConfig(args.stack, cfg, ev.resources);
        console.log(`\nurl: ${String(ev.outputs?.url)}`);
        console.log(`upstreams: ${JSON.stringify(ev.outputs?.upstreams)}`);
        console.log(`nginx log: docker logs -f ${PROJECT}-${args.stack}-nginx`);
        return;
    }
    if (args.command === "apply") {
        const last = loadReplayState(args.stack);
        // Like a state file: diff against what was applied, not against a fresh evaluation of the old
        // config (which would hash today's build contexts and miss a code edit).
        const before = last.resources
            ? { resources: last.resources }
            : await evaluate(last.config, { stack: args.stack, project: PROJECT });
        if (!last.resources) {
            console.log("  (no saved declarations from the last up: code edits cannot be detected this once)");
        }
        const cfg = { ...last.config, ...config() };
        const after = await evaluate(cfg, { stack: args.stack, project: PROJECT });
        if (after.error) {
            throw after.error;
        }
        const plan = planDiff(before, after);
        console.log(formatPlan(plan));
        // Look up what is running by name; nothing is touched but what the plan names.
        const state = await adopt(before, { root: ROOT, log });
        const started = Date.now();
        await applyPlan(state, plan, after);
        saveReplayConfig(args.stack, cfg, after.resources);
        console.log(`applied in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return;
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        console.error(`replay: ${e.message}`);
        process.exit(e instanceof UsageError ? 2 : 1);
    });
}
