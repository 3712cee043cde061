// What the mock runtime answers for each resource type and invoke. Outputs are deterministic
// functions of the inputs (like real IDs, they change when a replacement would change them), so two
// evaluations can be diffed as a plan.
import { AWS_INVOKE_RESULTS, AWS_RESOURCE_OUTPUTS } from "./awsMocks";
import { State, digest, stableJson } from "./hash";
import { DOCKER } from "./resourceTypes";
import { TLS_RESOURCE_OUTPUTS } from "./tlsMocks";

export type { State };
export { digest, stableJson };

type Outputs = (name: string, inputs: State) => State;

/** Extra outputs per resource type, beyond echoing the inputs (the inputs after the provider's Check). */
export const RESOURCE_OUTPUTS: Record<string, Outputs> = {
    // pulumi-docker provider/image.go: repoDigest is the local image ID when the image is not pushed, else
    // repository@<manifest digest>. Both stand for "this exact build": a hash of the checked inputs,
    // which include build.contextDigest, so an edit under the build context is a new image.
    [DOCKER.image]: (_n, i) => {
        const sha = `sha256:${digest(i, 64)}`;
        const pushed = i.registry !== undefined && i.skipPush !== true;
        return { repoDigest: pushed ? `${String(i.imageName).replace(/:[^:/]+$/, "")}@${sha}` : sha };
    },
    ...AWS_RESOURCE_OUTPUTS,
    ...TLS_RESOURCE_OUTPUTS,
};

/** Results of provider functions (invokes), by token. */
export const INVOKE_RESULTS: Record<string, (inputs: State) => State> = { ...AWS_INVOKE_RESULTS };

/** Physical ID the mock gives a resource. */
export function mockId(type: string, name: string, inputs: State): string {
    return `${name}-${digest({ type, inputs }, 8)}`;
}
