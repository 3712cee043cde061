// Reads `pulumi preview --json` (pulumi/pulumi pkg/backend/display/json.go ShowPreviewDigest; step
// fields in sdk/go/auto/stack.go PreviewStep) into the replay plan's terms, so a real preview and a
// replay plan can be compared.
import type { Plan } from "../../replay/plan";

/** One step of a preview digest. */
export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
}

/** Type (without parent types) and name of urn:pulumi:<stack>::<project>::<parent$type>::<name>. */
export function urnTypeName(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}

/**
 * The steps the replay also plans, as sorted "op type name" lines: custom resources only (no stack,
 * provider or component resource), no "same" steps, and no replacement halves (those only show with
 * --show-replacement-steps).
 */
export function previewLines(digest: { steps?: readonly PreviewStep[] }): string[] {
    return (digest.steps ?? [])
        .map((s) => ({ op: s.op, ...urnTypeName(s.urn) }))
        .filter((s) => !s.type.startsWith("pulumi:") && !s.type.startsWith("webstack:"))
        .filter((s) => ["create", "update", "replace", "delete"].includes(s.op))
        .map((s) => `${s.op} ${s.type} ${s.name}`)
        .sort();
}

/** The same lines for a replay plan. */
export function planLines(plan: Plan): string[] {
    return plan.steps.map((s) => `${s.op} ${s.type} ${s.name}`).sort();
}

/**
 * With --show-replacement-steps: for each replaced resource, whether the old one is deleted before the
 * new one is created (delete-replaced listed before create-replacement).
 */
export function replacementOrder(digest: { steps?: readonly PreviewStep[] }): Map<string, boolean> {
    const steps = (digest.steps ?? []).map((s) => ({ op: s.op, ...urnTypeName(s.urn) }));
    const out = new Map<string, boolean>();
    for (const s of steps.filter((x) => x.op === "create-replacement")) {
        const del = steps.findIndex((x) => x.op === "delete-replaced" && x.name === s.name && x.type === s.type);
        out.set(`${s.type} ${s.name}`, del >= 0 && del < steps.indexOf(s));
    }
    return out;
}
