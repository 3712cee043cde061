// The rollout as a state machine over plain data, so it can be written to a file after every change and
// picked up again after Ctrl-C or a crash. Each step goes pending → applying → baking → passed | failed.
// A failed step (or an error, or --rollback) restores the services exactly as they were before the
// rollout. Pure: the CLI (rollout/run.ts) performs the actions `nextAction` names and feeds back events.
import type { Judgement } from "./watch";
import { WeightPlan } from "./weights";

export type StepStatus = "pending" | "applying" | "baking" | "passed" | "failed";

/**
 * running: stepping; restoring: putting the original services back; promoting: the stable service takes
 * the canary's source (canary still at 100 %); reweighting: the original weights come back after that.
 * The other three are final.
 */
export type RolloutStatus = "running" | "restoring" | "promoting" | "reweighting" | "succeeded" | "promoted" | "rolled-back";

/** A service entry as written in the stack config (`webstack:services`), kept verbatim. */
export type ServiceEntry = Readonly<Record<string, unknown>>;

export interface StepState extends WeightPlan {
    readonly status: StepStatus;
    /** ISO time the bake started (after the change was applied). */
    readonly bakeStartedAt?: string;
    /** The bake's judgement, once judged. */
    readonly judgement?: Judgement;
}

export interface RolloutState {
    readonly stack: string;
    /** Service giving up traffic. */
    readonly from: string;
    /** Service taking it. */
    readonly to: string;
    readonly promote: boolean;
    readonly status: RolloutStatus;
    /** `webstack:services` before the rollout: what an abort restores, verbatim. */
    readonly original: readonly ServiceEntry[];
    readonly steps: readonly StepState[];
    /** Why the rollout was aborted or rolled back. */
    readonly reason?: string;
}

export type RolloutEvent =
    | { readonly type: "applying"; readonly step: number }
    | { readonly type: "applied"; readonly step: number; readonly at: string }
    | { readonly type: "judged"; readonly step: number; readonly judgement: Judgement }
    | { readonly type: "abort"; readonly reason: string }
    | { readonly type: "restored" }
    | { readonly type: "promoted-source" }
    | { readonly type: "reweighted" }
    | { readonly type: "resume" };

export type Action =
    | { readonly kind: "apply"; readonly step: number }
    | { readonly kind: "bake"; readonly step: number }
    | { readonly kind: "restore" }
    | { readonly kind: "promote-source" }
    | { readonly kind: "restore-weights" }
    | { readonly kind: "done" };

export function initialState(args: {
    stack: string;
    from: string;
    to: string;
    promote: boolean;
    original: readonly ServiceEntry[];
    plans: readonly WeightPlan[];
}): RolloutState {
    return {
        stack: args.stack,
        from: args.from,
        to: args.to,
        promote: args.promote,
        status: "running",
        original: args.original,
        steps: args.plans.map((p) => ({ ...p, status: "pending" })),
    };
}

const FINAL: readonly RolloutStatus[] = ["succeeded", "promoted", "rolled-back"];

export function isFinal(state: RolloutState): boolean {
    return FINAL.includes(state.status);
}

/** What to do next in `state`. */
export function nextAction(state: RolloutState): Action {
    switch (state.status) {
        case "restoring":
            return { kind: "restore" };
        case "promoting":
            return { kind: "promote-source" };
        case "reweighting":
            return { kind: "restore-weights" };
        case "running": {
            const i = state.steps.findIndex((s) => s.status !== "passed");
            if (i < 0) {
                return { kind: "done" };
            }
            return state.steps[i].status === "baking" ? { kind: "bake", step: i } : { kind: "apply", step: i };
        }
        default:
            return { kind: "done" };
    }
}

function withStep(state: RolloutState, i: number, change: Partial<StepState>): RolloutState {
    if (i < 0 || i >= state.steps.length) {
        throw new Error(`no step ${i}`);
    }
    return { ...state, steps: state.steps.map((s, j) => (j === i ? { ...s, ...change } : s)) };
}

function expectStatus(state: RolloutState, event: RolloutEvent, ...allowed: RolloutStatus[]): void {
    if (!allowed.includes(state.status)) {
        throw new Error(`rollout is ${state.status}: '${event.type}' is not possible now`);
    }
}

/** The state after `event`; throws on an event that makes no sense in `state` (a bug, not a user error). */
export function transition(state: RolloutState, event: RolloutEvent): RolloutState {
    switch (event.type) {
        case "applying":
            expectStatus(state, event, "running");
            if (nextAction(state).kind !== "apply" || (nextAction(state) as { step: number }).step !== event.step) {
                throw new Error(`step ${event.step} is not the next one to apply`);
            }
            return withStep(state, event.step, { status: "applying" });
        case "applied":
            expectStatus(state, event, "running");
            if (state.steps[event.step]?.status !== "applying") {
                throw new Error(`step ${event.step} was not being applied`);
            }
            return withStep(state, event.step, { status: "baking", bakeStartedAt: event.at });
        case "judged": {
            expectStatus(state, event, "running");
            if (state.steps[event.step]?.status !== "baking") {
                throw new Error(`step ${event.step} was not baking`);
            }
            const judged = withStep(state, event.step, {
                status: event.judgement.passed ? "passed" : "failed",
                judgement: event.judgement,
            });
            if (!event.judgement.passed) {
                const pct = state.steps[event.step].targetPercent;
                return {
                    ...judged,
                    status: "restoring",
                    reason: `step ${event.step + 1} (${pct} %) failed: ${event.judgement.reasons.join("; ")}`,
                };
            }
            if (judged.steps.every((s) => s.status === "passed")) {
                return { ...judged, status: state.promote ? "promoting" : "succeeded" };
            }
            return judged;
        }
        case "abort":
            // From anywhere not final, including a promotion half done: back to the original services.
            if (isFinal(state)) {
                throw new Error(`rollout is already ${state.status}`);
            }
            return { ...state, status: "restoring", reason: event.reason };
        case "restored":
            expectStatus(state, event, "restoring");
            return { ...state, status: "rolled-back" };
        case "promoted-source":
            expectStatus(state, event, "promoting");
            return { ...state, status: "reweighting" };
        case "reweighted":
            expectStatus(state, event, "reweighting");
            return { ...state, status: "promoted" };
        case "resume":
            // A step interrupted mid-apply or mid-bake is applied again and baked in full: half a bake
            // judged nothing, and the change may or may not have landed.
            if (isFinal(state)) {
                throw new Error(`rollout is already ${state.status}; nothing to resume`);
            }
            return {
                ...state,
                steps: state.steps.map((s) =>
                    s.status === "applying" || s.status === "baking" ? { ...s, status: "pending", bakeStartedAt: undefined } : s,
                ),
            };
    }
}
