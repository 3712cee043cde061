// Replay commands for people: bring a stack config up on the local engine (no Pulumi CLI needed),
// change it with a printed plan, tear it down.
//   npm run replay -- up    [--stack dev] [--offline] [--set key=JSON]...
//   npm run replay -- apply [--stack dev] [--offline] [--set key=JSON]...   (plan + apply vs what was last applied,
//                                                                           code edits under a build context included)
//   npm run replay -- down  [--stack dev]
import * as path from "path";
import { evaluate } from "./evaluate";
import { formatPlan, planDiff } from "./plan";
import { adopt, applyPlan, replay, teardown } from "./replay";
import { loadReplayState, saveReplayConfig } from "./replayState";
import { OFFLINE_BASES, stackConfig } from "./stackFile";

const ROOT = path.resolve(__dirname, "..");
const PROJECT = "webstack";

interface Args {
    command: string;
    stack: string;
    offline: boolean;
    sets: Record<string, unknown>;
}

function parseArgs(argv: string[]): Args {
    const args: Args = { command: argv[0] ?? "", stack: "dev", offline: false, sets: {} };
    for (let i = 1; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack") {
            args.stack = argv[++i];
        } else if (a === "--offline") {
            args.offline = true;
        } else if (a === "--set") {
            const [key, ...rest] = argv[++i].split("=");
            const text = rest.join("=");
            try {
                args.sets[key] = JSON.parse(text);
            } catch {
                args.sets[key] = text;
            }
        } else {
            throw new Error(`unknown argument ${a}`);
        }
    }
    return args;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
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
    throw new Error("usage: replay up|apply|down [--stack NAME] [--offline] [--set key=JSON]");
}

main().catch((e: Error) => {
    console.error(`replay: ${e.message}`);
    process.exit(1);
});
