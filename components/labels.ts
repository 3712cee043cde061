import type * as docker from "@pulumi/docker";

/** Label keys on every Docker object the stack creates, so `docker ps --filter label=...` finds them. */
export const LABEL = {
    project: "webstack.project",
    stack: "webstack.stack",
    role: "webstack.role",
    service: "webstack.service",
    replica: "webstack.replica",
} as const;

/** Labels (Docker) and tags (AWS) that mark every object of one stack. */
export function stackLabels(project: string, stack: string): Record<string, string> {
    return { [LABEL.project]: project, [LABEL.stack]: stack };
}

/** Docker labels for one object of the stack. */
export function dockerLabels(
    base: Readonly<Record<string, string>>,
    extra: Readonly<Record<string, string>> = {},
): docker.types.input.ContainerLabel[] {
    return Object.entries({ ...base, ...extra }).map(([label, value]) => ({ label, value }));
}
