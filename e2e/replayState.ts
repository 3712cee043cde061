// Where the replay CLI remembers the config it last brought up, per stack (for `apply` and `traffic`).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

export function replayConfigPath(stack: string): string {
    return path.join(ROOT, ".webstack", `replay-${stack}.json`);
}

export function saveReplayConfig(stack: string, config: Record<string, unknown>): void {
    mkdirSync(path.dirname(replayConfigPath(stack)), { recursive: true });
    writeFileSync(replayConfigPath(stack), JSON.stringify(config, null, 2));
}

export function loadReplayConfig(stack: string): Record<string, unknown> {
    if (!existsSync(replayConfigPath(stack))) {
        throw new Error(`no replayed stack '${stack}'; run 'npm run replay -- up --stack ${stack}' first`);
    }
    return JSON.parse(readFileSync(replayConfigPath(stack), "utf8")) as Record<string, unknown>;
}
