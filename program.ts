// The program: read and validate config, pick the target, return the stack outputs.
// index.ts runs it; tests call it under Pulumi's mock runtime, once per config.
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./lib/pulumiConfig";
import type { UpstreamShare } from "./lib/upstreams";
import { LocalWebStack, stackLabels } from "./components/local/webStack";
import { AwsWebStack } from "./components/aws/webStack";

export interface StackOutputs {
    /** Where the stack answers. */
    readonly url: pulumi.Output<string>;
    /** Per service: weight, replicas, expected share. */
    readonly upstreams: pulumi.Output<Record<string, UpstreamShare>>;
}

export function main(): StackOutputs {
    // Validation throws before anything is declared.
    const config = readStackConfig();
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const namePrefix = `${project}-${stack}`;
    const web =
        config.target === "aws"
            ? new AwsWebStack("webstack", { config, namePrefix, tags: stackLabels(project, stack) })
            : new LocalWebStack("webstack", { config, namePrefix, labels: stackLabels(project, stack) });
    return { url: web.url, upstreams: web.upstreams };
}
