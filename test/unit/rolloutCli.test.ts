// The rollout CLI's accepted arguments and an interrupted rollout picked up again. Refused arguments are in
// the one table of every CLI's mistakes, test/unit/cliArgs.test.ts.
import { rmSync } from "fs";
import { main, parseRolloutArgs } from "../../rollout/cli";
import { PROJECT_ROOT } from "../../rollout/deployers";
import { Watcher } from "../../rollout/run";
import { ServiceEntry } from "../../rollout/state";
import { loadRolloutFile, rolloutFilePath } from "../../rollout/stateFile";
import { ORIGINAL, recordingDeployer, saveInterruptedRollout } from "../support/interruptedRollout";

const START = ["--stack", "dev", "--from", "stable", "--to", "canary", "--steps", "5,25,50,100", "--bake", "60", "--max-error-rate", "1"];

describe("npm run rollout arguments", () => {
    test("the issue's command line, with the defaults it leaves out", () => {
        expect(parseRolloutArgs(START)).toEqual({
            stack: "dev",
            from: "stable",
            to: "canary",
            steps: [5, 25, 50, 100],
            bakeSec: 60,
            settleSec: 5,
            maxErrorRatePercent: 1,
            minRequests: 20,
            promote: false,
            replay: false,
            mode: "start",
        });
    });

    test("options and flags", () => {
        expect(parseRolloutArgs([...START, "--max-p99-ms", "250", "--min-requests", "0", "--promote", "--replay"])).toMatchObject({
            maxP99Ms: 250,
            minRequests: 0,
            promote: true,
            replay: true,
        });
    });

    test("--resume and --rollback need only the stack", () => {
        expect(parseRolloutArgs(["--stack", "dev", "--resume"]).mode).toBe("resume");
        expect(parseRolloutArgs(["--stack", "dev", "--rollback", "--replay"])).toMatchObject({ mode: "rollback", replay: true });
    });
});

describe("an interrupted rollout, picked up from its state file", () => {
    const STACK = "unit-interrupted";
    const file = rolloutFilePath(PROJECT_ROOT, STACK);
    const applied: ServiceEntry[][] = [];
    const deployer = recordingDeployer(applied);
    const healthy: Watcher = {
        lines: async () =>
            Array.from({ length: 100 }, (_, i) => ({
                host: "h",
                addrs: ["a:8000"],
                answeredBy: "a:8000",
                request: "GET / HTTP/1.1",
                status: 200,
                service: i % 2 ? "canary" : "stable",
                requestMs: 3,
            })),
    };

    beforeEach(() => {
        applied.length = 0;
        // Step 1 passed, step 2 applied and baking.
        saveInterruptedRollout(file, STACK, "applied");
    });
    afterAll(() => rmSync(file, { force: true }));

    test("a new rollout refuses to start over it", async () => {
        await expect(main([...START.map((x) => (x === "dev" ? STACK : x)), "--replay"], () => undefined, { deployer })).rejects.toThrow(
            /an unfinished rollout \(running\).*--resume or --rollback/,
        );
    });

    test("--rollback applies the services from before the rollout and exits 1", async () => {
        const code = await main(["--stack", STACK, "--rollback", "--settle", "0"], () => undefined, { deployer, watcher: healthy });
        expect(code).toBe(1);
        expect(applied).toEqual([ORIGINAL]);
        expect(loadRolloutFile(file)!.state).toMatchObject({ status: "rolled-back", reason: "--rollback" });
    });

    test("--resume applies the interrupted step again, bakes it in full, and finishes", async () => {
        const code = await main(["--stack", STACK, "--resume", "--settle", "0"], () => undefined, { deployer, watcher: healthy });
        expect(code).toBe(0);
        expect(applied).toHaveLength(1);
        expect(applied[0].map((e) => e.weight)).toEqual([1, 1]);
        const { state } = loadRolloutFile(file)!;
        expect([state.status, state.steps[1].judgement?.canaryRequests]).toEqual(["succeeded", 50]);
    });
});
