// What every step of AwsWebStack (components/aws/webStack.ts) shares: the component's name (children's names
// derive from it), the validated config, the AWS name prefix, the tags, and the component as parent.
import * as pulumi from "@pulumi/pulumi";
import type { AwsStackConfig } from "../../../lib/config/types";

export interface StackScope {
    /** The AwsWebStack's own name; every child's logical name starts with it. */
    readonly name: string;
    /** The validated config of the aws stack. */
    readonly config: AwsStackConfig;
    /** AWS name prefix (awsName of project-stack). */
    readonly prefix: string;
    /** Tags put on every taggable resource. */
    readonly tags: Readonly<Record<string, string>>;
    /** The AwsWebStack: parent of every child. */
    readonly parent: pulumi.Resource;
}

/** AWS names (ECR repositories, DNS labels, families) take lowercase letters, digits and '-'. */
export function awsName(prefix: string): string {
    return (
        prefix
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "webstack"
    );
}

/** The Cloud Map namespace of a stack: nginx's discovery and the app services' registrations. */
export function namespaceName(prefix: string): string {
    return `${prefix}.internal`;
}
