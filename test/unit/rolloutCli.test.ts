import { rmSync } from "fs";
import { main, parseRolloutArgs } from "../../rollout/cli";
import { PROJECT_ROOT } from "../../rollout/deployers";
import { Deployer, Watcher, weightsOf } from "../../rollout/run";
import { ServiceEntry, initialState, transition } from "../../rollout/state";
import { loadRolloutFile, rolloutFilePath, saveRolloutFile } from "../../rollout/stateFile";
import { judgeBake } from "../../rollout/watch";
import { weightsForPercent } from "../../rollout/weights";

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

    test.each([
        ["no stack", START.slice(2), /--stack is required/],
        ["no steps", START.filter((_, i) => i !== 6 && i !== 7), /--steps is required/],
        ["resume and rollback", ["--stack", "s", "--resume", "--rollback"], /exclude each other/],
        [
            "a negative bake",
            [...START.slice(0, 8), "--bake=-1", ...START.slice(10)],
            /--bake must be a number from 1 to 86400 seconds, got '-1'/,
        ],
        ["an unknown flag", [...START, "--fast"], /unknown argument '--fast'/],
        ["decreasing steps", [...START.slice(0, 7), "50,10", ...START.slice(8)], /--steps must increase/],
    ])("refuses %s", (_label, argv, message) => {
        expect(() => parseRolloutArgs(argv)).toThrow(message);
    });
});

describe("an interrupted rollout, picked up from its state file", () => {
    const STACK = "unit-interrupted";
    const file = rolloutFilePath(PROJECT_ROOT, STACK);
    const original: ServiceEntry[] = [
        { name: "stable", weight: 3, replicas: 1 },
        { name: "canary", weight: 1, replicas: 1 },
    ];
    const applied: ServiceEntry[][] = [];
    const deployer: Deployer = {
        name: "recording",
        services: async () => original,
        apply: async (services) => {
            applied.push([...services]);
        },
    };
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

    /** A state file as Ctrl-C leaves it: step 1 passed, step 2 applied and baking. */
    function interrupted(): void {
        let s = initialState({
            stack: STACK,
            from: "stable",
            to: "canary",
            promote: false,
            original,
            plans: [10, 50].map((p) => weightsForPercent(weightsOf(original), "stable", "canary", p)),
        });
        s = transition(s, { type: "applying", step: 0 });
        s = transition(s, { type: "applied", step: 0, at: new Date().toISOString() });
        s = transition(s, { type: "judged", step: 0, judgement: judgeBake([], "canary", LIMITS) });
        s = transition(s, { type: "applying", step: 1 });
        s = transition(s, { type: "applied", step: 1, at: new Date().toISOString() });
        saveRolloutFile(file, { state: s, bakeSec: 1, limits: LIMITS });
    }
    const LIMITS = { maxErrorRatePercent: 1, minRequests: 0 };

    beforeEach(() => {
        applied.length = 0;
        interrupted();
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
        expect(applied).toEqual([original]);
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
