// Drives a rollout: performs what the state machine asks, through a Deployer it knows nothing else about,
// judges each bake from a log Watcher, and saves the state after every transition.
import type { LogLine } from "../traffic/traffic";
import { SERVICE_DEFAULTS } from "../lib/config/defaults";
import { RolloutEvent, RolloutState, ServiceEntry, isFinal, nextAction, transition } from "./state";
import { BakeLimits, judgeBake } from "./watch";
import type { ServiceWeights } from "./weights";

/** Whatever changes the stack: the Pulumi Automation API, or the replay. */
export interface Deployer {
    /** For messages, e.g. "replay" or "pulumi". */
    readonly name: string;
    /** The stack's `webstack:services` entries as configured now. */
    services(): Promise<ServiceEntry[]>;
    /** Sets `webstack:services` to `services` and applies it; resolves once the change is live. */
    apply(services: readonly ServiceEntry[]): Promise<void>;
}

/** Where the bake's evidence comes from. */
export interface Watcher {
    /** Access-log lines nginx wrote between two epoch times (ms). */
    lines(fromMs: number, toMs: number): Promise<LogLine[]>;
}

export interface RunOptions {
    readonly deployer: Deployer;
    readonly watcher: Watcher;
    /** Bake time per step, in seconds. */
    readonly bakeSec: number;
    /**
     * Seconds between the end of an apply and the start of its bake: a deployer may return before the
     * proxy serves the change (locally nginx polls for the published config, then reloads), and
     * requests of the previous weights must not be judged as this step's. Default 0.
     */
    readonly settleSec?: number;
    readonly limits: BakeLimits;
    /** Persists the state (the state file). */
    readonly save: (state: RolloutState) => void;
    readonly log: (line: string) => void;
    /** Waits; injectable so tests need not. Default setTimeout. */
    readonly sleep?: (ms: number) => Promise<void>;
    /** Epoch ms. Default Date.now. */
    readonly now?: () => number;
}

/** The weights view of config entries, with the config defaults filled in. */
export function weightsOf(entries: readonly ServiceEntry[]): ServiceWeights[] {
    return entries.map((e) => ({
        name: String(e.name),
        weight: typeof e.weight === "number" ? e.weight : SERVICE_DEFAULTS.weight,
        replicas: typeof e.replicas === "number" ? e.replicas : SERVICE_DEFAULTS.replicas,
        ...(e.backup === true ? { backup: true } : {}),
    }));
}

/** `entries` with each service's weight and backup flag from `weights`; every other key kept verbatim. */
export function withWeights(entries: readonly ServiceEntry[], weights: readonly ServiceWeights[]): ServiceEntry[] {
    return entries.map((e) => {
        const w = weights.find((x) => x.name === e.name);
        if (!w) {
            return e;
        }
        const rest: Record<string, unknown> = { ...e };
        delete rest.backup;
        return { ...rest, weight: w.weight, ...(w.backup ? { backup: true } : {}) };
    });
}

/** `entries` where service `to` runs the source (`app` or `image`) of service `from`. */
export function withSourceOf(entries: readonly ServiceEntry[], from: string, to: string): ServiceEntry[] {
    const src = entries.find((e) => e.name === from);
    if (!src) {
        throw new Error(`no service named '${from}'`);
    }
    const source = { ...(src.app !== undefined ? { app: src.app } : {}), ...(src.image !== undefined ? { image: src.image } : {}) };
    return entries.map((e) => {
        if (e.name !== to) {
            return e;
        }
        const rest: Record<string, unknown> = { ...e };
        delete rest.app;
        delete rest.image;
        return { ...rest, ...source };
    });
}

/** Runs `state` to a final state (or throws, leaving the saved state resumable). */
export async function runRollout(start: RolloutState, o: RunOptions): Promise<RolloutState> {
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = o.now ?? Date.now;
    let state = start;
    const step = (event: RolloutEvent) => {
        state = transition(state, event);
        o.save(state);
    };
    while (!isFinal(state)) {
        const action = nextAction(state);
        try {
            if (action.kind === "apply") {
                const s = state.steps[action.step];
                o.log(
                    `step ${action.step + 1}/${state.steps.length}: ${s.targetPercent} % -> ${state.to} expected ${(s.expectedShare * 100).toFixed(2)} %` +
                        ` (${s.services.map((x) => `${x.name}=${x.backup ? "backup" : x.weight}×${x.replicas}`).join(", ")}), applying with ${o.deployer.name}`,
                );
                step({ type: "applying", step: action.step });
                await o.deployer.apply(withWeights(state.original, s.services));
                await sleep((o.settleSec ?? 0) * 1000);
                step({ type: "applied", step: action.step, at: new Date(now()).toISOString() });
            } else if (action.kind === "bake") {
                const s = state.steps[action.step];
                const from = Date.parse(s.bakeStartedAt!);
                const until = from + o.bakeSec * 1000;
                o.log(`  baking ${o.bakeSec} s`);
                await sleep(Math.max(0, until - now()));
                const judgement = judgeBake(await o.watcher.lines(from, until), state.to, o.limits);
                o.log(
                    `  ${judgement.passed ? "passed" : "FAILED"}: ${judgement.canaryRequests}/${judgement.requests} requests to ${state.to}` +
                        ` (${(judgement.observedShare * 100).toFixed(2)} %), 5xx ${judgement.canary5xx}` +
                        `${judgement.p99Ms !== undefined ? `, p99 ${judgement.p99Ms.toFixed(0)} ms` : ""}${judgement.passed ? "" : `: ${judgement.reasons.join("; ")}`}`,
                );
                step({ type: "judged", step: action.step, judgement });
            } else if (action.kind === "restore") {
                o.log(`restoring the services as they were before the rollout (${state.reason ?? "aborted"})`);
                await o.deployer.apply(state.original);
                step({ type: "restored" });
            } else if (action.kind === "promote-source") {
                const last = state.steps[state.steps.length - 1];
                o.log(`promote 1/2: ${state.from} takes ${state.to}'s source while ${state.to} holds the traffic`);
                await o.deployer.apply(withSourceOf(withWeights(state.original, last.services), state.to, state.from));
                step({ type: "promoted-source" });
            } else if (action.kind === "restore-weights") {
                o.log(`promote 2/2: the original weights come back; ${state.from} now runs ${state.to}'s source`);
                await o.deployer.apply(withSourceOf(state.original, state.to, state.from));
                step({ type: "reweighted" });
            } else {
                break;
            }
        } catch (e) {
            if (state.status === "restoring") {
                // Restoring itself failed: stop here; the state file says so and --rollback retries it.
                throw e;
            }
            o.log(`error: ${(e as Error).message}`);
            step({ type: "abort", reason: `${action.kind} failed: ${(e as Error).message}` });
        }
    }
    return state;
}
