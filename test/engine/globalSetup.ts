// Before the engine suites: make sure an engine answers and the offline base images exist.
// Without an engine the suites are skipped with
// the reason, except under CI, where that is a failure.
import { execFileSync } from "child_process";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { engineAnswers } from "../../replay/docker";
import { SKIP_FILE } from "../support/engine";

export default async function globalSetup(): Promise<void> {
    rmSync(SKIP_FILE, { force: true });
    const root = path.resolve(__dirname, "../..");
    let reason: string | undefined;
    if (!(await engineAnswers())) {
        reason = "no Docker engine answers (start one with `sudo scripts/engine.sh start`)";
    } else if (process.getuid?.() !== 0) {
        reason = "building the offline base images (debootstrap) needs root";
    }
    if (reason) {
        if (process.env.CI) {
            throw new Error(`engine suites cannot run under CI: ${reason}`);
        }
        mkdirSync(path.dirname(SKIP_FILE), { recursive: true });
        writeFileSync(SKIP_FILE, reason);
        console.warn(`\n[engine] SKIPPING the real-engine suites: ${reason}\n`);
        return;
    }
    execFileSync("bash", [path.join(root, "scripts/base-images.sh")], { stdio: "inherit" });
    // Leftovers of an interrupted run are removed per stack by each suite (upStack tears its own
    // stack down first), so suites of parallel runs never remove each other's containers.
}
