// The two ways a rollout step reaches the stack. Both set `webstack:services` and apply it, the way a
// user would; the rollout itself (rollout/run.ts) sees only the Deployer interface.
import * as path from "path";
import { containersByLabel, logStreams } from "../replay/docker";
import { evaluate } from "../evaluation/evaluate";
import { planDiff } from "../replay/plan";
import { adopt, applyPlan } from "../replay/replay";
import { loadReplayState, saveReplayConfig } from "../replay/state";
import { LogLine, parseUpstreamLog } from "../traffic/traffic";
import { LABEL, stackLabels } from "../components/labels";
import type { Deployer, Watcher } from "./run";
import type { ServiceEntry } from "./state";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
const PROJECT = "webstack";
const SERVICES_KEY = "webstack:services";

function asEntries(value: unknown): ServiceEntry[] {
    const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    if (!Array.isArray(list)) {
        throw new Error(`${SERVICES_KEY} is not a list; a rollout needs the services written out in the stack config`);
    }
    return list as ServiceEntry[];
}

/** The key the replay config holds the services under (files use the namespace; tests may not). */
export function servicesKey(config: Readonly<Record<string, unknown>>): string {
    return SERVICES_KEY in config || !("services" in config) ? SERVICES_KEY : "services";
}

/** `npm run replay -- apply --set services=...`, in process: evaluate, plan against what was applied, apply. */
export class ReplayDeployer implements Deployer {
    readonly name = "replay";
    constructor(
        private readonly stack: string,
        private readonly log: (line: string) => void,
    ) {}

    async services(): Promise<ServiceEntry[]> {
        const { config } = loadReplayState(this.stack);
        return asEntries(config[servicesKey(config)]);
    }

    async apply(services: readonly ServiceEntry[]): Promise<void> {
        const last = loadReplayState(this.stack);
        const before = last.resources
            ? { resources: last.resources }
            : await evaluate(last.config, { stack: this.stack, project: PROJECT });
        const config = { ...last.config, [servicesKey(last.config)]: services };
        const after = await evaluate(config, { stack: this.stack, project: PROJECT });
        if (after.error) {
            throw after.error;
        }
        const plan = planDiff(before, after);
        const state = await adopt(before, { root: PROJECT_ROOT, log: (l) => this.log(`    ${l}`) });
        await applyPlan(state, plan, after);
        saveReplayConfig(this.stack, config, after.resources);
    }
}

/** The user's stack in this project, through the Automation API. */
export async function selectStack(stack: string) {
    // Loaded only here: the replay path must not need the Pulumi CLI.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    return LocalWorkspace.selectStack({ stackName: stack, workDir: PROJECT_ROOT });
}

/** The user's own stack through the Pulumi Automation API: set the config, `pulumi up`. */
export class AutomationDeployer implements Deployer {
    readonly name = "pulumi up";
    constructor(
        private readonly stack: string,
        private readonly log: (line: string) => void,
    ) {}

    private select() {
        return selectStack(this.stack);
    }

    async services(): Promise<ServiceEntry[]> {
        const stack = await this.select();
        return asEntries((await stack.getConfig(SERVICES_KEY)).value);
    }

    async apply(services: readonly ServiceEntry[]): Promise<void> {
        const stack = await this.select();
        await stack.setConfig(SERVICES_KEY, { value: JSON.stringify(services) });
        await stack.up({
            onOutput: (out) =>
                out
                    .split("\n")
                    .filter(Boolean)
                    .forEach((l) => this.log(`    ${l}`)),
        });
    }
}

/** nginx's access log on the local engine: `docker logs` of the stack's nginx container(s). */
export class DockerLogWatcher implements Watcher {
    constructor(private readonly stack: string) {}

    async lines(fromMs: number, toMs: number): Promise<LogLine[]> {
        const nginx = await containersByLabel({ ...stackLabels(PROJECT, this.stack), [LABEL.role]: "nginx" });
        if (nginx.length === 0) {
            throw new Error(`no nginx container labelled ${LABEL.role}=nginx for stack ${this.stack}`);
        }
        const texts = await Promise.all(
            nginx.map(async (c) => (await logStreams(c.Id, { since: (fromMs / 1000).toFixed(3), until: (toMs / 1000).toFixed(3) })).stdout),
        );
        return texts.flatMap(parseUpstreamLog);
    }
}
