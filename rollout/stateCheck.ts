// Validation of a rollout state file read back from disk. The file is plain JSON a person can edit (or a crash can
// cut short), and --resume acts on it: a step it applies, a bake it judges with its limits. So every field is checked
// before use, and an error names the file, the field, the value and the fix, never a bare SyntaxError or TypeError.
import type { RolloutState, RolloutStatus, StepStatus } from "./state";
import type { BakeLimits } from "./watch";

/** What .webstack/rollout-<stack>.json holds (rollout/stateFile.ts reads and writes it). */
export interface RolloutFile {
    readonly state: RolloutState;
    /** Bake time per step, in seconds. */
    readonly bakeSec: number;
    readonly limits: BakeLimits;
}

/** Ranges of the rollout's numbers, shared by the CLI flags (rollout/cli.ts) and the state file. */
export const ROLLOUT_RANGES = {
    bakeSec: { min: 1, max: 86_400, unit: "seconds" },
    settleSec: { min: 0, max: 3_600, unit: "seconds" },
    // Above 100 % the gate could never fail: a typo (1000 for 10.00) would switch it off silently.
    maxErrorRatePercent: { min: 0, max: 100, unit: "percent" },
    maxP99Ms: { min: 1, max: 600_000, unit: "ms" },
    minRequests: { min: 0, max: 1_000_000, integer: true },
} as const;

const STATUSES: readonly RolloutStatus[] = ["running", "restoring", "promoting", "reweighting", "succeeded", "promoted", "rolled-back"];
const STEP_STATUSES: readonly StepStatus[] = ["pending", "applying", "baking", "passed", "failed"];

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: Json) => (v === undefined ? "missing" : JSON.stringify(v));

/** A field that fails its check: collected, then reported together. */
class Checker {
    readonly problems: string[] = [];

    bad(field: string, value: Json, rule: string): undefined {
        this.problems.push(`${field} is ${show(value)}: ${rule}`);
        return undefined;
    }

    number(field: string, v: Json, r: { min: number; max: number; integer?: boolean; unit?: string }, optional = false): void {
        if (v === undefined && optional) {
            return;
        }
        if (typeof v !== "number" || !Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))) {
            this.bad(
                field,
                v,
                `must be ${r.integer ? "a whole number" : "a number"} from ${r.min} to ${r.max}${r.unit ? ` ${r.unit}` : ""}`,
            );
        }
    }

    string(field: string, v: Json, optional = false): void {
        if (!(v === undefined && optional) && (typeof v !== "string" || v === "")) {
            this.bad(field, v, "must be a non-empty string");
        }
    }

    oneOf(field: string, v: Json, allowed: readonly string[]): void {
        if (typeof v !== "string" || !allowed.includes(v)) {
            this.bad(field, v, `must be one of ${allowed.join(", ")}`);
        }
    }

    boolean(field: string, v: Json, optional = false): void {
        if (!(v === undefined && optional) && typeof v !== "boolean") {
            this.bad(field, v, "must be true or false");
        }
    }
}

function checkStep(c: Checker, at: string, step: Json): void {
    if (!isObject(step)) {
        c.bad(at, step, "must be an object {targetPercent, expectedShare, services, status}");
        return;
    }
    c.number(`${at}.targetPercent`, step.targetPercent, { min: Number.MIN_VALUE, max: 100, unit: "percent" });
    c.number(`${at}.expectedShare`, step.expectedShare, { min: 0, max: 1 });
    c.oneOf(`${at}.status`, step.status, STEP_STATUSES);
    if (step.bakeStartedAt !== undefined && (typeof step.bakeStartedAt !== "string" || Number.isNaN(Date.parse(step.bakeStartedAt)))) {
        c.bad(`${at}.bakeStartedAt`, step.bakeStartedAt, "must be an ISO time");
    }
    if (step.judgement !== undefined && (!isObject(step.judgement) || typeof step.judgement.passed !== "boolean")) {
        c.bad(`${at}.judgement`, step.judgement, "must be a judgement object {passed, reasons, ...}");
    }
    if (!Array.isArray(step.services) || step.services.length === 0) {
        c.bad(`${at}.services`, step.services, "must be a non-empty list of {name, weight, replicas}");
        return;
    }
    step.services.forEach((s: Json, j: number) => {
        const sat = `${at}.services[${j}]`;
        if (!isObject(s)) {
            c.bad(sat, s, "must be an object {name, weight, replicas}");
            return;
        }
        c.string(`${sat}.name`, s.name);
        c.number(`${sat}.weight`, s.weight, { min: 1, max: 100, integer: true });
        c.number(`${sat}.replicas`, s.replicas, { min: 0, max: 500, integer: true });
        c.boolean(`${sat}.backup`, s.backup, true);
    });
}

function checkState(c: Checker, state: Json, stack: string | undefined): void {
    if (!isObject(state)) {
        c.bad("state", state, "must be an object {stack, from, to, status, original, steps}");
        return;
    }
    c.string("state.stack", state.stack);
    if (stack !== undefined && typeof state.stack === "string" && state.stack !== stack) {
        c.bad("state.stack", state.stack, `this is stack ${stack}'s file`);
    }
    c.string("state.from", state.from);
    c.string("state.to", state.to);
    if (typeof state.from === "string" && state.from === state.to) {
        c.bad("state.to", state.to, "must differ from state.from");
    }
    c.boolean("state.promote", state.promote);
    c.oneOf("state.status", state.status, STATUSES);
    c.string("state.reason", state.reason, true);
    if (!Array.isArray(state.original) || state.original.length === 0 || !state.original.every(isObject)) {
        c.bad("state.original", state.original, "must be the non-empty list of webstack:services entries from before the rollout");
    }
    if (!Array.isArray(state.steps) || state.steps.length === 0) {
        c.bad("state.steps", state.steps, "must be a non-empty list of steps");
        return;
    }
    state.steps.forEach((step: Json, i: number) => checkStep(c, `state.steps[${i}]`, step));
    const percents = state.steps.map((s: Json) => (isObject(s) ? s.targetPercent : undefined));
    percents.forEach((p: Json, i: number) => {
        if (i > 0 && typeof p === "number" && typeof percents[i - 1] === "number" && p <= (percents[i - 1] as number)) {
            c.bad(`state.steps[${i}].targetPercent`, p, `must be above the step before (${String(percents[i - 1])})`);
        }
    });
}

/**
 * `text` (the content of `file`, the state of `stack` if given) as a RolloutFile; throws an Error that names the file,
 * every bad field with its value and rule, and the fix.
 */
export function parseRolloutFile(file: string, text: string, stack?: string): RolloutFile {
    const fix =
        `fix: edit the field back in ${file}, or move the file away to start over ` +
        "(check webstack:services first: an interrupted rollout may have left the canary's weights in the stack)";
    let data: Json;
    try {
        data = JSON.parse(text);
    } catch (e) {
        throw new Error(`rollout state file ${file} is not valid JSON (${(e as Error).message}); ${fix}`);
    }
    const c = new Checker();
    if (!isObject(data)) {
        c.bad("(the whole file)", data, "must be an object {state, bakeSec, limits}");
    } else {
        checkState(c, data.state, stack);
        c.number("bakeSec", data.bakeSec, ROLLOUT_RANGES.bakeSec);
        if (!isObject(data.limits)) {
            c.bad("limits", data.limits, "must be an object {maxErrorRatePercent, minRequests, maxP99Ms?}");
        } else {
            c.number("limits.maxErrorRatePercent", data.limits.maxErrorRatePercent, ROLLOUT_RANGES.maxErrorRatePercent);
            c.number("limits.minRequests", data.limits.minRequests, ROLLOUT_RANGES.minRequests);
            c.number("limits.maxP99Ms", data.limits.maxP99Ms, ROLLOUT_RANGES.maxP99Ms, true);
        }
    }
    if (c.problems.length > 0) {
        throw new Error(`rollout state file ${file} is not usable:\n${c.problems.map((p) => `  - ${p}`).join("\n")}\n${fix}`);
    }
    return data as unknown as RolloutFile & { state: RolloutState };
}
