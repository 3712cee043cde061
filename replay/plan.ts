// A plan from two evaluations, the way `pulumi preview` would show it: which resources are created,
// deleted, updated in place or replaced, and how (delete-before-replace or not; which updates change
// nothing on the running object). Resources are matched by URN; inputs are compared after the
// provider's Check (evaluation/dockerSchema.ts), with the resource options the engine applies on top.
import { DOCKER_RULES, dockerEffect, normalizedInputs } from "../evaluation/dockerSchema";
import { TLS } from "../evaluation/resourceTypes";
import { TLS_UPDATABLE } from "./tls";
import type { DeclaredResource, Evaluation } from "../evaluation/evaluate";
import { stableJson } from "../evaluation/hash";
import type { State } from "../evaluation/hash";

export type Op = "create" | "delete" | "update" | "replace";

export interface PlanStep {
    readonly op: Op;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys whose values differ (empty for create/delete). */
    readonly changedKeys: readonly string[];
    /** replace (docker types): the keys that force it (provider ForceNew, plus the program's replaceOnChanges). */
    readonly replaceKeys?: readonly string[];
    /** replace: true = the old one is deleted first; false = the new one is created first, the old deleted at the end. */
    readonly deleteBeforeReplace?: boolean;
    /** update: keys the provider's Update applies to the running object. */
    readonly inPlaceKeys?: readonly string[];
    /** update: keys the provider only records in its state (e.g. a container's healthcheck): nothing changes. */
    readonly noEffectKeys?: readonly string[];
}

export interface Plan {
    readonly steps: readonly PlanStep[];
    readonly counts: Readonly<Record<Op | "same", number>>;
}

/**
 * Replace rules of the AWS types the plans single out (the provider schema's ForceNew inputs).
 * "all" means every input except those listed in `updatable`. Docker types follow evaluation/dockerSchema.ts.
 */
export const REPLACE_RULES: Readonly<Record<string, { forceNew: "all" | readonly string[]; updatable?: readonly string[] }>> = {
    // Task definitions are immutable: any change registers a new revision.
    "aws:ecs/taskDefinition:TaskDefinition": { forceNew: "all", updatable: ["tags"] },
    "aws:ecs/service:Service": { forceNew: ["name", "cluster", "launchType", "schedulingStrategy", "deploymentController"] },
    // Fixed-name resources (terraform-provider-aws schemas: these inputs are ForceNew).
    "aws:ecs/cluster:Cluster": { forceNew: ["name"] },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": { forceNew: ["name", "vpc"] },
    "aws:servicediscovery/service:Service": { forceNew: ["name", "namespaceId", "healthCheckCustomConfig", "type"] },
    "aws:cloudwatch/logGroup:LogGroup": { forceNew: ["name", "namePrefix"] },
    "aws:ecr/repository:Repository": { forceNew: ["name"] },
    "aws:sns/topic:Topic": { forceNew: ["name", "namePrefix", "fifoTopic"] },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { forceNew: ["name"] },
    "aws:cloudwatch/dashboard:Dashboard": { forceNew: ["dashboardName"] },
    "aws:lb/targetGroup:TargetGroup": { forceNew: ["name", "namePrefix", "port", "protocol", "vpcId", "targetType"] },
    "aws:lb/loadBalancer:LoadBalancer": { forceNew: ["name", "namePrefix", "internal", "loadBalancerType"] },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { forceNew: ["serviceName", "vpcId", "vpcEndpointType"] },
    // hashicorp/terraform-provider-tls (replay/tls.ts): every input but early_renewal_hours replaces.
    [TLS.privateKey]: { forceNew: "all" },
    [TLS.selfSignedCert]: { forceNew: "all", updatable: TLS_UPDATABLE },
};

/** Replace or update, for a change of the given keys on a resource of the given type (no resource options). */
export function changeOp(type: string, changedKeys: readonly string[]): "update" | "replace" {
    return providerReplaceKeys(type, changedKeys).length > 0 ? "replace" : "update";
}

/** The changed keys the provider itself says force a replacement. */
function providerReplaceKeys(type: string, changedKeys: readonly string[]): string[] {
    if (DOCKER_RULES[type]) {
        return changedKeys.filter((k) => dockerEffect(type, k) === "replace");
    }
    const rule = REPLACE_RULES[type];
    if (!rule) {
        return [];
    }
    const forces = (key: string) => (rule.forceNew === "all" ? !(rule.updatable ?? []).includes(key) : rule.forceNew.includes(key));
    return changedKeys.filter(forces);
}

/**
 * terraform-provider-aws internal/service/ecs/service.go capacityProviderStrategyCustomizeDiff: a changed
 * capacity provider strategy forces a new service unless force_new_deployment is set and neither the old nor
 * the new strategy is empty (the newest versions refuse the plan outright without force_new_deployment).
 */
function strategyReplaceKeys(type: string, changedKeys: readonly string[], oldIn: State, newIn: State): string[] {
    const key = "capacityProviderStrategies";
    if (type !== "aws:ecs/service:Service" || !changedKeys.includes(key)) {
        return [];
    }
    const count = (x: State) => ((x[key] as unknown[] | undefined) ?? []).length;
    return newIn.forceNewDeployment === true && count(oldIn) > 0 && count(newIn) > 0 ? [] : [key];
}

/** The step for a resource declared before as `prev` and now as `next` (undefined: no change). */
export function diffResource(prev: DeclaredResource, next: DeclaredResource): PlanStep | undefined {
    const type = next.type;
    const rules = DOCKER_RULES[type];
    const oldIn = normalizedInputs(type, prev.checked ?? prev.inputs);
    const newIn = { ...normalizedInputs(type, next.checked ?? next.inputs) };
    // ignoreChanges: the engine keeps the old value of an ignored property before it asks the provider.
    for (const p of next.ignoreChanges ?? []) {
        const key = topKey(p);
        if (key in oldIn) {
            newIn[key] = oldIn[key];
        } else {
            delete newIn[key];
        }
    }
    const keys = [...new Set([...Object.keys(oldIn), ...Object.keys(newIn)])].sort();
    const changedKeys = keys.filter((k) => {
        // An Optional+Computed input the program stops setting keeps its old value (no diff).
        if (newIn[k] === undefined && rules?.optionalComputed.includes(k)) {
            return false;
        }
        return stableJson(oldIn[k]) !== stableJson(newIn[k]);
    });
    if (changedKeys.length === 0) {
        return undefined;
    }
    const byProvider = [...providerReplaceKeys(type, changedKeys), ...strategyReplaceKeys(type, changedKeys, oldIn, newIn)];
    const byOption = changedKeys.filter((k) => (next.replaceOnChanges ?? []).some((p) => pathForces(p, k, oldIn, newIn)));
    const replaceKeys = [...new Set([...byProvider, ...byOption])].sort();
    const base = { type, name: next.name, changedKeys };
    if (!rules) {
        // Types the replay does not apply (aws): the operation, and for a replacement the keys that force it
        // and whether the old one goes first (the engine's default, create-before-delete, unless the option says).
        return replaceKeys.length > 0
            ? { op: "replace", ...base, replaceKeys, deleteBeforeReplace: next.deleteBeforeReplace }
            : { op: "update", ...base };
    }
    if (replaceKeys.length > 0) {
        return { op: "replace", ...base, replaceKeys, deleteBeforeReplace: deleteBeforeReplace(next, byProvider) };
    }
    const noEffectKeys = changedKeys.filter((k) => dockerEffect(type, k) === "none");
    return { op: "update", ...base, inPlaceKeys: changedKeys.filter((k) => !noEffectKeys.includes(k)), noEffectKeys };
}

/**
 * pulumi/pulumi pkg/resource/deploy/step_generator.go: the provider's DeleteBeforeReplace, unless the
 * program set the option (true or false). The bridge (pulumi-terraform-bridge pkg/tfbridge/provider.go
 * Diff) only asks for it when the provider's own replace keys are non-empty: a replacement caused only
 * by replaceOnChanges is create-before-delete unless the program says otherwise.
 */
export function deleteBeforeReplace(
    r: Pick<DeclaredResource, "type" | "deleteBeforeReplace" | "deleteBeforeReplaceDefined">,
    providerKeys: readonly string[],
): boolean {
    // pkg/resource/deploy/source_eval.go: a true value counts as set even without the "defined" flag.
    if (r.deleteBeforeReplaceDefined || r.deleteBeforeReplace) {
        return r.deleteBeforeReplace;
    }
    return providerKeys.length > 0 && (DOCKER_RULES[r.type]?.deleteBeforeReplace ?? false);
}

/** replaceOnChanges path `p` forces a replace for a change of top-level `key` (engine applyReplaceOnChanges). */
function pathForces(p: string, key: string, oldIn: State, newIn: State): boolean {
    if (p === "*" || p === key) {
        return true;
    }
    if (topKey(p) !== key) {
        return false;
    }
    // A nested path: its value must be what changed (the engine matches it against the detailed diff).
    return stableJson(valueAt(oldIn, p)) !== stableJson(valueAt(newIn, p));
}

function topKey(p: string): string {
    return p.split(/[.[]/)[0];
}

function valueAt(obj: unknown, p: string): unknown {
    const parts = p.replace(/\[(\d+|\*)\]/g, ".$1").split(".");
    let cur: unknown = obj;
    for (const part of parts) {
        if (part === "*") {
            return cur;
        }
        cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
    }
    return cur;
}

/** The plan that takes the stack declared by `before` to the one declared by `after`. */
export function planDiff(before: Pick<Evaluation, "resources">, after: Pick<Evaluation, "resources">): Plan {
    const custom = (e: Pick<Evaluation, "resources">) => new Map(e.resources.filter((r) => r.custom).map((r) => [r.urn, r]));
    const old = custom(before);
    const next = custom(after);
    const steps: PlanStep[] = [];
    let same = 0;
    // A resource found under one of its aliases is the same resource, moved (the engine's alias rule).
    const moved = new Set<string>();
    for (const [urn, r] of next) {
        const formerUrn = old.has(urn) ? urn : (r.aliasUrns ?? []).find((u) => old.has(u));
        if (formerUrn !== undefined && formerUrn !== urn) {
            moved.add(formerUrn);
        }
        const prev = formerUrn === undefined ? undefined : old.get(formerUrn);
        if (!prev) {
            steps.push({ op: "create", type: r.type, name: r.name, changedKeys: [] });
            continue;
        }
        const step = diffResource(prev, r);
        if (step) {
            steps.push(step);
        } else {
            same++;
        }
    }
    for (const [urn, r] of old) {
        if (!next.has(urn) && !moved.has(urn)) {
            steps.push({ op: "delete", type: r.type, name: r.name, changedKeys: [] });
        }
    }
    const count = (op: Op) => steps.filter((s) => s.op === op).length;
    return {
        steps,
        counts: { create: count("create"), delete: count("delete"), update: count("update"), replace: count("replace"), same },
    };
}

/** One line per step, like preview's summary: "+ create docker:index/container:Container web-app-3". */
export function formatPlan(plan: Plan): string {
    const sign: Record<Op, string> = { create: "+", delete: "-", update: "~", replace: "+-" };
    const lines = plan.steps.map((s) => {
        let detail = s.changedKeys.length ? ` [${s.changedKeys.join(", ")}]` : "";
        if (s.deleteBeforeReplace !== undefined) {
            detail += s.deleteBeforeReplace ? " (delete before create)" : " (create before delete)";
        }
        if (s.noEffectKeys?.length) {
            detail += ` (no effect on the running object: ${s.noEffectKeys.join(", ")})`;
        }
        return `${sign[s.op]} ${s.op} ${s.type} ${s.name}${detail}`;
    });
    const c = plan.counts;
    lines.push(`${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged`);
    return lines.join("\n");
}
