// Small readers over an evaluation, shared by the resource-graph tests.
import type { DeclaredResource, Evaluation } from "../../evaluation/evaluate";
import { DOCKER } from "../../evaluation/resourceTypes";

/** The docker resource types, by short name. */
export const T = DOCKER;

/** How many resources of each type were declared. */
export function countByType(ev: Evaluation): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of ev.resources) {
        out[r.type] = (out[r.type] ?? 0) + 1;
    }
    return out;
}

/** The one resource of this type and name; throws if missing. */
export function one(ev: Evaluation, type: string, name: string): DeclaredResource {
    const found = ev.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

/** Docker labels list to a map. */
export function labelMap(r: DeclaredResource): Record<string, string> {
    return Object.fromEntries(((r.inputs.labels ?? []) as { label: string; value: string }[]).map((l) => [l.label, l.value]));
}
