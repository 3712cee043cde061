// AWS-specific stack config (webstack:aws). Filled in by the AWS target work.
import { Problems } from "./validate";
import type { ServiceSpec } from "./config";

/** Validated AWS settings. */
export interface AwsConfig {
    /** AWS region the stack deploys to. */
    readonly region: string;
}

/** Validates webstack:aws; adds problems and returns undefined when it is wrong. */
export function parseAwsConfig(p: Problems, _raw: string | undefined, _services: readonly ServiceSpec[]): AwsConfig | undefined {
    p.add("webstack:target", "aws", "the aws target is not available in this build yet", "pulumi config set webstack:target local");
    return undefined;
}
