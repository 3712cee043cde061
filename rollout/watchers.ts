// Which Watcher judges a bake. The stack's target decides where nginx's access log is: the local engine's
// `docker logs`, or the nginx log group in CloudWatch Logs. rollout/run.ts never knows which.
import { NGINX_SERVICE_NAME } from "../lib/config/defaults";
import { CloudWatchLogWatcher } from "./cloudwatch";
import { DockerLogWatcher, selectStack } from "./deployers";
import type { Watcher } from "./run";

/** What the Automation API says about a stack, as Pulumi gives it. */
export interface StackFacts {
    /** `webstack:target`; undefined when unset (the default, local). */
    readonly target?: string;
    /** `aws:region`. */
    readonly region?: string;
    /** The stack output `logGroups` (aws only): service name -> log group name. */
    readonly logGroups?: unknown;
}

export type WatcherChoice =
    { readonly kind: "docker" } | { readonly kind: "cloudwatch"; readonly logGroupName: string; readonly region: string };

/** The watcher a stack's facts call for; an aws stack without what CloudWatch needs is an error that says why. */
export function chooseWatcher(stack: string, facts: StackFacts): WatcherChoice {
    if (facts.target !== "aws") {
        return { kind: "docker" };
    }
    const groups = facts.logGroups;
    const group = typeof groups === "object" && groups !== null ? (groups as Record<string, unknown>)[NGINX_SERVICE_NAME] : undefined;
    if (typeof group !== "string" || group === "") {
        throw new Error(
            `stack ${stack} has no nginx log group in its outputs (logGroups.${NGINX_SERVICE_NAME}): run \`pulumi up\` on it before a rollout`,
        );
    }
    if (!facts.region) {
        throw new Error(`stack ${stack} has no aws:region in its config`);
    }
    return { kind: "cloudwatch", logGroupName: group, region: facts.region };
}

/** The stack's target, region and log groups, through the Automation API (outputs only on aws). */
export async function automationFacts(stack: string): Promise<StackFacts> {
    const s = await selectStack(stack);
    const config = await s.getAllConfig();
    const target = config["webstack:target"]?.value;
    if (target !== "aws") {
        return { target };
    }
    const outputs = await s.outputs();
    return { target, region: config["aws:region"]?.value, logGroups: outputs.logGroups?.value };
}

/** The watcher for `stack`: the replay is always the local engine; otherwise the stack's target decides. */
export async function watcherFor(stack: string, replay: boolean, log: (line: string) => void): Promise<Watcher> {
    const choice = replay ? ({ kind: "docker" } as const) : chooseWatcher(stack, await automationFacts(stack));
    if (choice.kind === "docker") {
        return new DockerLogWatcher(stack);
    }
    log(`bakes are judged from CloudWatch Logs: ${choice.logGroupName} (${choice.region})`);
    // Loaded only for aws stacks.
    const { CloudWatchLogs } = await import("@aws-sdk/client-cloudwatch-logs");
    return new CloudWatchLogWatcher(new CloudWatchLogs({ region: choice.region }), { logGroupName: choice.logGroupName, log });
}
