// Mock outputs and invoke results for aws:* resources (filled in with the AWS target).
import type { State } from "./mocks";

export const AWS_RESOURCE_OUTPUTS: Record<string, (name: string, inputs: State) => State> = {};
export const AWS_INVOKE_RESULTS: Record<string, (inputs: State) => State> = {};
