// What the replay CLI remembers per stack (for `apply` and `traffic`): the config it last applied and,
// like a Pulumi state file, the declarations it applied. `apply` diffs against those declarations, so an
// edit under a build context (a new build.contextDigest) shows up without any flag.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import type { DeclaredResource } from "../evaluation/evaluate";

const ROOT = path.resolve(__dirname, "..");

export function replayConfigPath(stack: string): string {
    return path.join(ROOT, ".webstack", `replay-${stack}.json`);
}

interface Saved {
    readonly config: Record<string, unknown>;
    readonly resources?: DeclaredResource[];
}

/** Saves the applied config, and the applied declarations when given. */
export function saveReplayConfig(stack: string, config: Record<string, unknown>, resources?: readonly DeclaredResource[]): void {
    mkdirSync(path.dirname(replayConfigPath(stack)), { recursive: true });
    const saved: Saved = { config, ...(resources ? { resources: [...resources] } : {}) };
    writeFileSync(replayConfigPath(stack), JSON.stringify(saved, null, 2));
}

/** The config and (if saved) declarations last applied to `stack`. */
export function loadReplayState(stack: string): Saved {
    if (!existsSync(replayConfigPath(stack))) {
        throw new Error(`no replayed stack '${stack}'; run 'npm run replay -- up --stack ${stack}' first`);
    }
    const data = JSON.parse(readFileSync(replayConfigPath(stack), "utf8")) as Partial<Saved> & Record<string, unknown>;
    // Files written before declarations were saved hold the bare config.
    return data.config && typeof data.config === "object" ? (data as Saved) : { config: data };
}

export function loadReplayConfig(stack: string): Record<string, unknown> {
    return loadReplayState(stack).config;
}
