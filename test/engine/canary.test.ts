// Canary rollouts on the local engine, through `npm run rollout -- --replay` (rollout/cli.ts main), under
// load with a busy core: a good canary goes 10 -> 50 -> 100 with 0 failed requests and each bake's
// observed share within 2 pp; a bad canary is stopped at its first step and the weights come back.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { LoadLoop, getText, sendRequests } from "../../traffic/traffic";
import { loadReplayConfig } from "../../replay/state";
import { main } from "../../rollout/cli";
import { PROJECT_ROOT, servicesKey } from "../../rollout/deployers";
import { loadRolloutFile, rolloutFilePath } from "../../rollout/stateFile";
import { makeAppVariant } from "../support/appVariant";
import { BusyCore } from "../support/busyCore";
import { describeEngine, downStack, upStack } from "../support/engine";

jest.setTimeout(900_000);

const STACK = "e2e-canary";
const PORT = 18097;
const BAKE_SEC = 20;
/** Extra errors allowed beyond the canary's share of the bake's requests (see the bad-canary test). */
const MARGIN_PP = 2;

const services = (canaryApp: string) => [
    { name: "stable", weight: 100, replicas: 2, workers: 2 },
    { name: "canary", weight: 1, replicas: 1, workers: 2, app: canaryApp },
];

async function rollout(url: string, steps: string, extra: string[] = []): Promise<{ code: number; log: string[]; loop: LoadLoop }> {
    const file = rolloutFilePath(PROJECT_ROOT, STACK);
    if (existsSync(file)) {
        rmSync(file);
    }
    const log: string[] = [];
    const busy = new BusyCore(600);
    const loop = new LoadLoop(url, 4, 600);
    try {
        const argv = ["--stack", STACK, "--from", "stable", "--to", "canary", "--steps", steps, "--bake", String(BAKE_SEC)];
        const code = await main([...argv, "--max-error-rate", "1", "--replay", ...extra], (l) => log.push(l));
        return { code, log, loop };
    } finally {
        await loop.stop();
        busy.stop();
        const out = path.join(PROJECT_ROOT, ".webstack", `canary-${steps.replace(/,/g, "-")}${extra.join("")}.log`);
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, log.join("\n"));
    }
}

describeEngine("canary rollout by weight (local target, replay, busy core)", () => {
    afterAll(async () => {
        await downStack(STACK);
    });

    test("a good canary rolls 10 -> 50 -> 100 under load: 0 failed requests, each bake within 2 pp of its share", async () => {
        const good = makeAppVariant("e2e-good", { version: "2.0.0-good" });
        const s = await upStack(STACK, { httpPort: PORT, services: services(good), nginx: {} });
        const { code, log, loop } = await rollout(s.url, "10,50,100");
        console.log(log.join("\n"));
        const { state } = loadRolloutFile(rolloutFilePath(PROJECT_ROOT, STACK))!;
        expect([code, state.status]).toEqual([0, "succeeded"]);
        console.log(`good canary: ${loop.failures.length} failed of ${loop.replies.length}`);
        expect(loop.failures).toEqual([]);
        expect(loop.replies.length).toBeGreaterThan(3000);
        for (const step of state.steps) {
            const j = step.judgement!;
            expect(j.canary5xx).toBe(0);
            expect(j.requests).toBeGreaterThan(1000);
            expect(Math.abs(j.observedShare - step.expectedShare) * 100).toBeLessThanOrEqual(2);
        }
        // At 100 % every page is the canary's, and it says its version.
        const page = await getText(s.url);
        expect([page.headers["x-webstack-service"], page.headers["x-webstack-version"]]).toEqual(["canary", "2.0.0-good"]);
        expect(page.body).toContain("version <b>2.0.0-good</b>");
    });

    test("a bad canary (1 in 5 requests fails) is stopped at the first step and the weights are restored", async () => {
        const bad = makeAppVariant("e2e-bad", { version: "2.0.0-bad", failEvery: 5 });
        const original = services(bad);
        const s = await upStack(STACK, { httpPort: PORT, services: original, nginx: {} });
        const { code, log, loop } = await rollout(s.url, "10,50,100");
        console.log(log.join("\n"));
        const { state } = loadRolloutFile(rolloutFilePath(PROJECT_ROOT, STACK))!;
        expect([code, state.status]).toEqual([1, "rolled-back"]);
        expect(state.steps.map((x) => x.status)).toEqual(["failed", "pending", "pending"]);
        expect(state.steps[0].judgement!.reasons.join()).toMatch(/canary 5xx rate/);
        // Restored: the applied config is the original, and nginx serves the original split again.
        const applied = loadReplayConfig(STACK);
        expect(applied[servicesKey(applied)]).toEqual(original);
        const after = await sendRequests(s.url, 2000, 4);
        expect(after.filter((r) => r.service === "canary").length / after.length).toBeLessThan(0.02);
        // What users saw: only the canary's errors, no more than its share of the requests while it
        // held that share (the whole loop, which also covers the settle and the restore) plus 2 pp.
        const failures = loop.failures;
        expect(failures.length).toBeGreaterThan(0);
        expect(failures.filter((f) => f.service !== "canary")).toEqual([]);
        const bound = (state.steps[0].expectedShare + MARGIN_PP / 100) * loop.replies.length;
        console.log(`bad canary: ${failures.length} failed of ${loop.replies.length}; bound ${bound.toFixed(0)}`);
        expect(failures.length).toBeLessThanOrEqual(bound);
    });

    test("--promote: after 100 %, the stable service takes the canary's source, then the original weights come back; no request lost", async () => {
        const good = makeAppVariant("e2e-good", { version: "2.0.0-good" });
        const original = services(good);
        const s = await upStack(STACK, { httpPort: PORT, services: original, nginx: {} });
        const { code, log, loop } = await rollout(s.url, "100", ["--promote"]);
        console.log(log.join("\n"));
        console.log(`promote: ${loop.failures.length} failed of ${loop.replies.length}`);
        const { state } = loadRolloutFile(rolloutFilePath(PROJECT_ROOT, STACK))!;
        expect([code, state.status]).toEqual([0, "promoted"]);
        expect(loop.failures).toEqual([]);
        const applied = loadReplayConfig(STACK);
        expect(applied[servicesKey(applied)]).toEqual([{ ...original[0], app: good }, original[1]]);
        // Both services now answer with the canary's version, at the original weights.
        const after = await sendRequests(s.url, 1000, 4);
        expect(new Set(after.map((r) => r.version))).toEqual(new Set(["2.0.0-good"]));
        expect(after.filter((r) => r.service === "stable").length / after.length).toBeGreaterThan(0.95);
    });
});
