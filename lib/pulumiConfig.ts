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
    return parseStackConfig(raw, { awsRegion: all["aws:region"] });
}
