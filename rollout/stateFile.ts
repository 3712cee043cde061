// The rollout's progress beside the stack (.webstack/rollout-<stack>.json), never in the stack config, so
// an interrupted rollout can be resumed or rolled back with the limits it started with.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as path from "path";
import { RolloutFile, parseRolloutFile } from "./stateCheck";

export type { RolloutFile } from "./stateCheck";

export function rolloutFilePath(root: string, stack: string): string {
    return path.join(root, ".webstack", `rollout-${stack}.json`);
}

/** Writes atomically (write, then rename), so a crash mid-write leaves the previous state readable. */
export function saveRolloutFile(file: string, content: RolloutFile): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(content, null, 2));
    renameSync(`${file}.tmp`, file);
}

/** The state file (of `stack`, if given), every field checked (rollout/stateCheck.ts); undefined when there is none. */
export function loadRolloutFile(file: string, stack?: string): RolloutFile | undefined {
    return existsSync(file) ? parseRolloutFile(file, readFileSync(file, "utf8"), stack) : undefined;
}
