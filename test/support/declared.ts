// A DeclaredResource as the mock evaluation records one, for tests of the plan and the replay rules.
import type { DeclaredResource } from "../../evaluation/evaluate";

export const declared = (type: string, inputs: Record<string, unknown>, opts: Partial<DeclaredResource> = {}): DeclaredResource => ({
    type,
    name: "r",
    custom: true,
    inputs,
    state: {},
    id: "r-1",
    parent: "",
    dependencies: [],
    deleteBeforeReplace: false,
    urn: `urn:pulumi:dev::webstack::${type}::r`,
    ...opts,
});
