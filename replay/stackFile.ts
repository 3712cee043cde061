// Stack config for replays: read from a Pulumi.<stack>.yaml, plus overrides, plus the offline bases.
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Offline base images built by scripts/base-images.sh (same env overrides as that script). */
export const OFFLINE_BASES = {
    appBaseImage: process.env.WEBSTACK_PYTHON_BASE ?? "webstack-offline/python:forky",
    nginxBaseImage: process.env.WEBSTACK_NGINX_BASE ?? "webstack-offline/nginx:forky",
} as const;

/** The `config:` map of a Pulumi stack file (keys keep their namespace); {} when the file is missing. */
export function readStackFile(file: string): Record<string, unknown> {
    if (!existsSync(file)) {
        return {};
    }
    const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return { ...(doc.config ?? {}) };
}

/** Config of stack `stack` in `root`: its stack file, then `overrides` (keys with or without namespace). */
export function stackConfig(root: string, stack: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const config = readStackFile(path.join(root, `Pulumi.${stack}.yaml`));
    for (const [key, value] of Object.entries(overrides)) {
        config[key.includes(":") ? key : `webstack:${key}`] = value;
    }
    return config;
}
