import * as pulumi from "@pulumi/pulumi";
import { StackConfig, parseStackConfig } from "./config";

/** Reads every `webstack:*` key of the stack and validates it (throws ConfigError before any resource). */
export function readStackConfig(): StackConfig {
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith("webstack:")) {
            raw[key.slice("webstack:".length)] = value;
        }
    }
    return parseStackConfig(raw);
}
