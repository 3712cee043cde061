// A plan from two evaluations, the way `pulumi preview` would show it: which resources are created,
// deleted, updated in place or replaced. Resources are matched by URN; inputs are compared as JSON.
import type { DeclaredResource, Evaluation } from "./evaluate";
import { stableJson } from "./mocks";

export type Op = "create" | "delete" | "update" | "replace";

export interface PlanStep {
    readonly op: Op;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys whose values differ (empty for create/delete). */
    readonly changedKeys: readonly string[];
}

export interface Plan {
    readonly steps: readonly PlanStep[];
    readonly counts: Readonly<Record<Op | "same", number>>;
}

/**
 * Which input changes force a replacement, per provider type, as the providers' schemas mark them
 * (ForceNew). "all" means every input except those listed in `updatable`.
 */
export const REPLACE_RULES: Readonly<Record<string, { forceNew: "all" | readonly string[]; updatable?: readonly string[] }>> = {
    // The Docker provider recreates containers for nearly every change; a few limits update live.
    "docker:index/container:Container": { forceNew: "all", updatable: ["restart", "maxRetryCount", "cpuShares", "memory", "memorySwap"] },
    "docker:index/network:Network": { forceNew: "all" },
    // A changed build is rebuilt (and re-pushed) in place.
    "docker:index/image:Image": { forceNew: [] },
    // Task definitions are immutable: any change registers a new revision.
    "aws:ecs/taskDefinition:TaskDefinition": { forceNew: "all", updatable: ["tags"] },
    "aws:ecs/service:Service": { forceNew: ["name", "cluster", "launchType", "schedulingStrategy", "deploymentController"] },
};

/** Replace or update, for a change of the given keys on a resource of the given type. */
export function changeOp(type: string, changedKeys: readonly string[]): "update" | "replace" {
    const rule = REPLACE_RULES[type];
    if (!rule) {
        return "update";
    }
    const forces = (key: string) => (rule.forceNew === "all" ? !(rule.updatable ?? []).includes(key) : rule.forceNew.includes(key));
    return changedKeys.some(forces) ? "replace" : "update";
}

/** The plan that takes the stack declared by `before` to the one declared by `after`. */
export function planDiff(before: Pick<Evaluation, "resources">, after: Pick<Evaluation, "resources">): Plan {
    const custom = (e: Pick<Evaluation, "resources">) => new Map(e.resources.filter((r) => r.custom).map((r) => [r.urn, r]));
    const old = custom(before);
    const next = custom(after);
    const steps: PlanStep[] = [];
    let same = 0;
    for (const [urn, r] of next) {
        const prev = old.get(urn);
        if (!prev) {
            steps.push({ op: "create", type: r.type, name: r.name, changedKeys: [] });
            continue;
        }
        // ignoreChanges: on update the engine sends the old value of those inputs, so they never differ.
        const changedKeys = changedInputs(prev, r).filter((k) => !(r.ignoreChanges ?? []).includes(k));
        if (changedKeys.length === 0) {
            same++;
        } else {
            steps.push({ op: changeOp(r.type, changedKeys), type: r.type, name: r.name, changedKeys });
        }
    }
    for (const [urn, r] of old) {
        if (!next.has(urn)) {
            steps.push({ op: "delete", type: r.type, name: r.name, changedKeys: [] });
        }
    }
    const count = (op: Op) => steps.filter((s) => s.op === op).length;
    return {
        steps,
        counts: { create: count("create"), delete: count("delete"), update: count("update"), replace: count("replace"), same },
    };
}

function changedInputs(a: DeclaredResource, b: DeclaredResource): string[] {
    const keys = new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)]);
    return [...keys].filter((k) => stableJson(a.inputs[k]) !== stableJson(b.inputs[k])).sort();
}

/** One line per step, like preview's summary: "+ create docker:index/container:Container web-app-3". */
export function formatPlan(plan: Plan): string {
    const sign: Record<Op, string> = { create: "+", delete: "-", update: "~", replace: "+-" };
    const lines = plan.steps.map(
        (s) => `${sign[s.op]} ${s.op} ${s.type} ${s.name}${s.changedKeys.length ? ` [${s.changedKeys.join(", ")}]` : ""}`,
    );
    const c = plan.counts;
    lines.push(`${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged`);
    return lines.join("\n");
}
