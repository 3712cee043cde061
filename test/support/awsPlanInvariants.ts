// The plan invariant of issue 20: a one-key change never replaces a fixed-name resource create-before-delete
// (AWS refuses the second resource of a name: "must be unique", "already exists"), and never creates a
// fixed-name resource while another of the same type and name waits for its delete at the end of the update.
import type { DeclaredResource, Evaluation } from "../../evaluation/evaluate";
import { Plan } from "../../replay/plan";

/** The name AWS makes unique, when the program fixes it (autonamed resources get a fresh one on replace). */
export function fixedName(r: Pick<DeclaredResource, "inputs">): string | undefined {
    const v = r.inputs.name ?? r.inputs.dashboardName;
    return typeof v === "string" ? v : undefined;
}

export function planCollisions(before: Evaluation, after: Evaluation, plan: Plan): string[] {
    const find = (ev: Evaluation, type: string, name: string) => ev.resources.find((r) => r.custom && r.type === type && r.name === name);
    const out: string[] = [];
    for (const s of plan.steps) {
        const next = find(after, s.type, s.name);
        if (s.op === "replace" && next && fixedName(next) !== undefined && !s.deleteBeforeReplace) {
            out.push(`${s.type} ${s.name} ("${fixedName(next)}") is replaced create-before-delete [${(s.replaceKeys ?? []).join(", ")}]`);
        }
        if (s.op === "create" && next && fixedName(next) !== undefined) {
            const clash = plan.steps.find(
                (d) =>
                    d.op === "delete" && d.type === s.type && fixedName(find(before, d.type, d.name) ?? { inputs: {} }) === fixedName(next),
            );
            if (clash) {
                out.push(
                    `${s.type} ${s.name} is created as "${fixedName(next)}" while ${clash.name} of that name is deleted only at the end`,
                );
            }
        }
    }
    return out;
}
