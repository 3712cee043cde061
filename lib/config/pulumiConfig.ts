import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config";
import type { StackConfig } from "./types";

/**
 * Reads every `webstack:*` key of the stack, plus `aws:region` (the AWS provider's own key, which the
 * aws target also needs), and validates them (throws ConfigError before any resource).
 */
export function readStackConfig(): StackConfig {
    const raw: Record<string, string> = {};
    const all = pulumi.runtime.allConfig();
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith("webstack:")) {
            raw[key.slice("webstack:".length)] = value;
        }
    }
    // isConfigSecret is exported by the runtime but missing from its typings.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    const secretKeys = new Set(Object.keys(raw).filter((k) => isSecret?.(`webstack:${k}`) === true));
    // Every key of any namespace, for services[].secretConfig: set or not, secret or not.
    const configKeys = new Map(Object.keys(all).map((k) => [k, isSecret?.(k) === true]));
    return parseStackConfig(raw, {
        awsRegion: all["aws:region"],
        secretKeys,
        configKeys,
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
    });
}
