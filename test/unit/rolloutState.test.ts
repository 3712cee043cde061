import type { LogLine } from "../../traffic/traffic";
import { Deployer, Watcher, runRollout, weightsOf, withSourceOf, withWeights } from "../../rollout/run";
import { RolloutState, ServiceEntry, initialState, nextAction, transition } from "../../rollout/state";
import { Judgement, judgeBake, percentile } from "../../rollout/watch";
import { weightsForPercent } from "../../rollout/weights";
import { formatRolloutReport } from "../../rollout/report";

const ORIGINAL: ServiceEntry[] = [
    { name: "stable", weight: 3, replicas: 2, workers: 4 },
    { name: "canary", replicas: 1, app: "fixtures/v2" },
];

function start(steps: number[], promote = false): RolloutState {
    const plans = steps.map((p) => weightsForPercent(weightsOf(ORIGINAL), "stable", "canary", p));
    return initialState({ stack: "t", from: "stable", to: "canary", promote, original: ORIGINAL, plans });
}

const judged = (passed: boolean): Judgement => ({
    passed,
    reasons: passed ? [] : ["too many 5xx"],
    requests: 100,
    canaryRequests: 10,
    observedShare: 0.1,
    canary5xx: passed ? 0 : 5,
    total5xx: passed ? 0 : 5,
    errorRatePercent: passed ? 0 : 50,
});

function line(service: string | undefined, status: number, ms = 5): LogLine {
    return { host: "h", addrs: ["a:8000"], answeredBy: "a:8000", request: "GET / HTTP/1.1", status, service, requestMs: ms };
}

describe("the step state machine", () => {
    test("each step goes pending -> applying -> baking -> passed, then the rollout succeeds", () => {
        let s = start([10, 100]);
        const seen: string[] = [];
        for (let i = 0; i < 2; i++) {
            expect(nextAction(s)).toEqual({ kind: "apply", step: i });
            s = transition(s, { type: "applying", step: i });
            seen.push(s.steps[i].status);
            s = transition(s, { type: "applied", step: i, at: "2026-01-01T00:00:00Z" });
            seen.push(s.steps[i].status);
            expect(nextAction(s)).toEqual({ kind: "bake", step: i });
            s = transition(s, { type: "judged", step: i, judgement: judged(true) });
            seen.push(s.steps[i].status);
        }
        expect(seen).toEqual(["applying", "baking", "passed", "applying", "baking", "passed"]);
        expect(s.status).toBe("succeeded");
        expect(nextAction(s)).toEqual({ kind: "done" });
    });

    test("a failed bake fails the step, skips the rest and restores", () => {
        let s = start([10, 50, 100]);
        s = transition(s, { type: "applying", step: 0 });
        s = transition(s, { type: "applied", step: 0, at: "2026-01-01T00:00:00Z" });
        s = transition(s, { type: "judged", step: 0, judgement: judged(false) });
        expect(s.steps.map((x) => x.status)).toEqual(["failed", "pending", "pending"]);
        expect(s.status).toBe("restoring");
        expect(s.reason).toMatch(/^step 1 \(10 %\) failed: too many 5xx/);
        expect(nextAction(s)).toEqual({ kind: "restore" });
        expect(transition(s, { type: "restored" }).status).toBe("rolled-back");
    });

    test("with --promote, success goes through promoting and reweighting", () => {
        let s = start([100], true);
        s = transition(s, { type: "applying", step: 0 });
        s = transition(s, { type: "applied", step: 0, at: "2026-01-01T00:00:00Z" });
        s = transition(s, { type: "judged", step: 0, judgement: judged(true) });
        expect([s.status, nextAction(s).kind]).toEqual(["promoting", "promote-source"]);
        s = transition(s, { type: "promoted-source" });
        expect([s.status, nextAction(s).kind]).toEqual(["reweighting", "restore-weights"]);
        expect(transition(s, { type: "reweighted" }).status).toBe("promoted");
    });

    test("resume applies an interrupted step again and bakes it in full", () => {
        let s = start([10, 50]);
        s = transition(s, { type: "applying", step: 0 });
        s = transition(s, { type: "applied", step: 0, at: "2026-01-01T00:00:00Z" });
        s = transition(s, { type: "judged", step: 0, judgement: judged(true) });
        s = transition(s, { type: "applying", step: 1 });
        s = transition(s, { type: "applied", step: 1, at: "2026-01-01T00:01:00Z" });
        const resumed = transition(s, { type: "resume" });
        expect(resumed.steps.map((x) => [x.status, x.bakeStartedAt])).toEqual([
            ["passed", "2026-01-01T00:00:00Z"],
            ["pending", undefined],
        ]);
        expect(nextAction(resumed)).toEqual({ kind: "apply", step: 1 });
    });

    test("--rollback (an abort) works from any unfinished state, and never from a finished one", () => {
        let s = start([10]);
        expect(transition(s, { type: "abort", reason: "--rollback" })).toMatchObject({ status: "restoring", reason: "--rollback" });
        s = transition(s, { type: "applying", step: 0 });
        expect(transition(s, { type: "abort", reason: "x" }).status).toBe("restoring");
        const done = transition(transition(s, { type: "abort", reason: "x" }), { type: "restored" });
        expect(() => transition(done, { type: "abort", reason: "again" })).toThrow(/already rolled-back/);
        expect(() => transition(done, { type: "resume" })).toThrow(/nothing to resume/);
    });

    test.each([
        ["judging a step that is not baking", (s: RolloutState) => transition(s, { type: "judged", step: 0, judgement: judged(true) })],
        ["applying a step out of order", (s: RolloutState) => transition(s, { type: "applying", step: 1 })],
        ["restored without an abort", (s: RolloutState) => transition(s, { type: "restored" })],
    ])("refuses %s", (_label, f) => {
        expect(() => f(start([10, 50]))).toThrow();
    });
});

describe("config entries", () => {
    test("a step changes only weight and backup; every other key is kept", () => {
        const plan = weightsForPercent(weightsOf(ORIGINAL), "stable", "canary", 100);
        expect(withWeights(ORIGINAL, plan.services)).toEqual([
            { name: "stable", weight: 3, replicas: 2, workers: 4, backup: true },
            { name: "canary", weight: 1, replicas: 1, app: "fixtures/v2" },
        ]);
    });

    test("promotion gives the stable service the canary's source and drops its own", () => {
        const entries = withSourceOf([{ name: "stable", image: "old:1" }, ORIGINAL[1]], "canary", "stable");
        expect(entries[0]).toEqual({ name: "stable", app: "fixtures/v2" });
    });
});

describe("judging a bake from nginx's log", () => {
    const limits = { maxErrorRatePercent: 1, minRequests: 20 };
    const lines = (canaryOk: number, canary5xx: number, stable: number, orphan502 = 0) => [
        ...Array.from({ length: canaryOk }, (_, i) => line("canary", 200, i + 1)),
        ...Array.from({ length: canary5xx }, () => line("canary", 500)),
        ...Array.from({ length: stable }, () => line("stable", 200)),
        ...Array.from({ length: orphan502 }, () => line(undefined, 502)),
    ];

    test("a healthy canary passes, with its observed share and p99", () => {
        const j = judgeBake(lines(100, 0, 300), "canary", limits);
        expect(j).toMatchObject({ passed: true, requests: 400, canaryRequests: 100, observedShare: 0.25, canary5xx: 0, p99Ms: 99 });
    });

    test.each([
        ["5xx rate above the limit", lines(97, 3, 300), limits, /canary 5xx rate 3\.00 % > 1 %/],
        ["a 502 no app named counts against the canary", lines(98, 0, 300, 2), limits, /5xx rate 2\.00 %/],
        ["too few requests to judge", lines(10, 0, 300), limits, /10 canary requests, fewer than the 20/],
        ["p99 above the limit", lines(100, 0, 300), { ...limits, maxP99Ms: 50 }, /p99 99 ms > 50 ms/],
    ])("fails on %s", (_label, l, lim, reason) => {
        const j = judgeBake(l, "canary", lim);
        expect(j.passed).toBe(false);
        expect(j.reasons.join("; ")).toMatch(reason);
    });

    test("--min-requests 0 judges an idle bake as passed", () => {
        expect(judgeBake([], "canary", { maxErrorRatePercent: 1, minRequests: 0 }).passed).toBe(true);
    });

    test("percentile by nearest rank", () => {
        expect([percentile([3, 1, 2], 50), percentile([5], 99), percentile([], 99)]).toEqual([2, 5, undefined]);
    });
});

/** A deployer that records what it was asked to apply; `failOn` makes one apply throw. */
class RecordingDeployer implements Deployer {
    readonly name = "recording";
    readonly applied: ServiceEntry[][] = [];
    constructor(private readonly failOn?: number) {}
    async services(): Promise<ServiceEntry[]> {
        return ORIGINAL;
    }
    async apply(services: readonly ServiceEntry[]): Promise<void> {
        this.applied.push([...services]);
        if (this.applied.length === this.failOn) {
            throw new Error("engine said no");
        }
    }
}

/** Log lines per bake, in order: the canary's share and 5xx rate for that bake. */
function scriptedWatcher(bakes: { canary: number; canary5xx: number; stable: number }[]): Watcher {
    let i = 0;
    return {
        async lines() {
            const b = bakes[i++];
            return [
                ...Array.from({ length: b.canary - b.canary5xx }, () => line("canary", 200)),
                ...Array.from({ length: b.canary5xx }, () => line("canary", 503)),
                ...Array.from({ length: b.stable }, () => line("stable", 200)),
            ];
        },
    };
}

describe("runRollout (the abort path and the deployer it drives)", () => {
    const opts = (deployer: Deployer, watcher: Watcher, saved: RolloutState[]) => ({
        deployer,
        watcher,
        bakeSec: 60,
        limits: { maxErrorRatePercent: 1, minRequests: 20 },
        save: (s: RolloutState) => saved.push(s),
        log: () => undefined,
        sleep: async () => undefined,
        now: () => Date.parse("2026-01-01T00:00:00Z"),
    });

    test("a bad canary aborts at the first step and the original entries are applied again, verbatim", async () => {
        const deployer = new RecordingDeployer();
        const saved: RolloutState[] = [];
        const end = await runRollout(
            start([10, 50, 100]),
            opts(deployer, scriptedWatcher([{ canary: 100, canary5xx: 20, stable: 900 }]), saved),
        );
        expect(end.status).toBe("rolled-back");
        expect(end.steps.map((s) => s.status)).toEqual(["failed", "pending", "pending"]);
        expect(deployer.applied).toHaveLength(2);
        expect(deployer.applied[1]).toEqual(ORIGINAL);
        // Every transition was saved, the last being the final state.
        expect(saved[saved.length - 1]).toEqual(end);
    });

    test("a failing apply aborts and restores too", async () => {
        const deployer = new RecordingDeployer(2);
        const end = await runRollout(start([10, 50]), opts(deployer, scriptedWatcher([{ canary: 100, canary5xx: 0, stable: 900 }]), []));
        expect(end.status).toBe("rolled-back");
        expect(end.reason).toMatch(/apply failed: engine said no/);
        expect(deployer.applied[deployer.applied.length - 1]).toEqual(ORIGINAL);
    });

    test("a good canary ends at 100 %, then promotion: the source first, the original weights second", async () => {
        const deployer = new RecordingDeployer();
        const ok = { canary: 500, canary5xx: 0, stable: 500 };
        const end = await runRollout(start([50, 100], true), opts(deployer, scriptedWatcher([ok, ok]), []));
        expect(end.status).toBe("promoted");
        const [, atHundred, promoteSource, promoteWeights] = deployer.applied;
        expect(atHundred[0]).toMatchObject({ name: "stable", backup: true });
        expect(promoteSource[0]).toEqual({ ...atHundred[0], app: "fixtures/v2" });
        expect(promoteSource[1]).toEqual(atHundred[1]);
        expect(promoteWeights).toEqual([{ ...ORIGINAL[0], app: "fixtures/v2" }, ORIGINAL[1]]);
    });
});

describe("the report", () => {
    test("a row per step: weights (a backup says so), expected and observed shares, requests, 5xx, p99, result", () => {
        let s = start([10, 100]);
        s = transition(s, { type: "applying", step: 0 });
        s = transition(s, { type: "applied", step: 0, at: "2026-01-01T00:00:00Z" });
        s = transition(s, {
            type: "judged",
            step: 0,
            judgement: judgeBake([...Array(97).fill(line("canary", 200, 12)), ...Array(3).fill(line("canary", 502))], "canary", {
                maxErrorRatePercent: 1,
                minRequests: 20,
            }),
        });
        const rows = formatRolloutReport(s).split("\n");
        expect(rows).toHaveLength(4);
        expect(rows[1].split(/\s{2,}/)).toEqual([
            "1",
            "10 %",
            "9:2",
            "10.00 %",
            "100.00 %",
            "100",
            "100",
            "3",
            "3.00 %",
            "12 ms",
            "failed",
        ]);
        expect(rows[2].split(/\s{2,}/)).toEqual(["2", "100 %", "backup:1", "100.00 %", "-", "-", "-", "-", "-", "-", "pending"]);
        expect(rows[3]).toMatch(/^rollout stable -> canary on t: restoring \(step 1 \(10 %\) failed: canary 5xx rate 3\.00 % > 1 %/);
    });
});
