// What the mock runtime answers for each resource type and invoke. Outputs are deterministic
// functions of the inputs (like real IDs, they change when a replacement would change them), so two
// evaluations can be diffed as a plan.
import { createHash } from "crypto";
import { AWS_INVOKE_RESULTS, AWS_RESOURCE_OUTPUTS } from "./awsMocks";

export type State = Record<string, unknown>;

/** Stable short hash of any JSON-able value. */
export function digest(value: unknown, length = 12): string {
    return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, length);
}

/** JSON with sorted object keys, so equal values always give equal text. */
export function stableJson(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
            : v,
    );
}

type Outputs = (name: string, inputs: State) => State;

/** Extra outputs per resource type, beyond echoing the inputs. */
export const RESOURCE_OUTPUTS: Record<string, Outputs> = {
    // Locally, repoDigest is the built image's ID; it stands for "this exact build".
    "docker:index/image:Image": (_n, i) => ({ repoDigest: `sha256:${digest(i, 64)}` }),
    ...AWS_RESOURCE_OUTPUTS,
};

/** Results of provider functions (invokes), by token. */
export const INVOKE_RESULTS: Record<string, (inputs: State) => State> = { ...AWS_INVOKE_RESULTS };

/** Physical ID the mock gives a resource. */
export function mockId(type: string, name: string, inputs: State): string {
    return `${name}-${digest({ type, inputs }, 8)}`;
}
