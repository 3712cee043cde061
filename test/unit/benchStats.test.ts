import type { OpenLoopResult } from "../../bench/h2load";
import {
    ClosedRun,
    ConfigId,
    OpenRun,
    evaluateGoals,
    idlePct,
    median,
    roundOrder,
    stat,
    summarizeClosed,
    summarizeOpen,
} from "../../bench/stats";
import type { WrkResult } from "../../bench/wrk";

describe("median and stat", () => {
    test.each([
        [[5], 5],
        [[3, 1, 2], 2],
        [[4, 1, 3, 2], 2.5],
        [[10, 10, 1000], 10],
    ])("median of %j is %d", (values, m) => {
        expect(median(values)).toBe(m);
    });
    test("stat: median, min, max, n", () => {
        expect(stat([780, 2100, 760])).toEqual({ median: 780, min: 760, max: 2100, n: 3 });
    });
    test("no values is an error", () => {
        expect(() => median([])).toThrow(/no values/);
    });
});

const wrk = (reqPerSec: number, p99Ms: number, errors = 0): WrkResult => ({
    requests: reqPerSec * 20,
    durationSec: 20,
    reqPerSec,
    p50Ms: p99Ms / 4,
    p75Ms: p99Ms / 3,
    p90Ms: p99Ms / 2,
    p99Ms,
    non2xx: errors,
    socketErrors: 0,
    errors,
});
const ctx = (config: ConfigId, round: number) => ({ round, config, startedAt: "2026-11-28T03:00:00.000Z", hostIdlePct: 99 });
const closed = (config: ConfigId, round: number, rps: number, p99: number, cpu?: Record<string, number>): ClosedRun => ({
    ...ctx(config, round),
    wrk: wrk(rps, p99),
    ...(cpu ? { cpuMsPerRequest: cpu } : {}),
});
const openResult = (requestedPerSec: number, p99Ms: number, errors = 0): OpenLoopResult => ({
    requestedPerSec,
    achievedPerSec: requestedPerSec - 1,
    requests: requestedPerSec * 15,
    p50Ms: p99Ms / 5,
    p99Ms,
    p999Ms: p99Ms * 2,
    maxMs: p99Ms * 3,
    errors,
    intervalMs: 40,
    slowerThanInterval: 0,
});
const open = (config: ConfigId, round: number, loadPct: number, rate: number, p99: number, errors = 0): OpenRun => ({
    ...ctx(config, round),
    loadPct,
    open: openResult(rate, p99, errors),
});

describe("summarizeClosed", () => {
    const runs = [
        closed("article", 0, 780, 76, { nginx: 0.2, total: 1 }),
        closed("article", 1, 800, 70, { nginx: 0.4, total: 2 }),
        closed("article", 2, 2000, 30, { nginx: 0.3, total: 3 }),
        closed("ours", 0, 3100, 21),
    ];
    test("medians with min and max, errors, CPU per request by key", () => {
        expect(summarizeClosed(runs).article).toEqual({
            reqPerSec: { median: 800, min: 780, max: 2000, n: 3 },
            p50Ms: { median: 17.5, min: 7.5, max: 19, n: 3 },
            p99Ms: { median: 70, min: 30, max: 76, n: 3 },
            errors: { median: 0, min: 0, max: 0, n: 3 },
            cpuMsPerRequest: { nginx: 0.3, total: 2 },
        });
    });
    test("the busiest worker's share: the first (largest) of each run's worker shares, over the runs", () => {
        const shares = [
            [40, 30, 20, 10],
            [25, 25, 25, 25],
            [70, 10, 10, 10],
        ];
        const withShares = runs.slice(0, 3).map((r, i) => ({ ...r, workerCpuPct: shares[i] }));
        expect(summarizeClosed(withShares).article?.busiestWorkerPct).toEqual({ median: 40, min: 25, max: 70, n: 3 });
        expect(summarizeClosed(runs).article).not.toHaveProperty("busiestWorkerPct");
    });
    test("no CPU measured: no cpuMsPerRequest key; no runs: no summary", () => {
        expect(summarizeClosed(runs).ours).not.toHaveProperty("cpuMsPerRequest");
        expect(summarizeClosed(runs).direct).toBeUndefined();
    });
});

describe("summarizeOpen: by load, then configuration", () => {
    const runs = [
        open("ours", 0, 80, 1600, 9),
        open("ours", 1, 80, 1600, 7, 2),
        open("article", 0, 50, 1000, 30),
        open("ours", 2, 80, 1600, 8),
    ];
    test("loads sorted numerically, medians over rounds", () => {
        const s = summarizeOpen(runs);
        expect(Object.keys(s)).toEqual(["50", "80"]);
        expect(s["80"].ours).toEqual({
            requestedPerSec: 1600,
            achievedPerSec: { median: 1599, min: 1599, max: 1599, n: 3 },
            p50Ms: { median: 1.6, min: 1.4, max: 1.8, n: 3 },
            p99Ms: { median: 8, min: 7, max: 9, n: 3 },
            p999Ms: { median: 16, min: 14, max: 18, n: 3 },
            errors: { median: 0, min: 0, max: 2, n: 3 },
            slowerThanInterval: { median: 0, min: 0, max: 0, n: 3 },
        });
        expect(s["50"].ours).toBeUndefined();
    });
});

describe("roundOrder: every configuration once per round, rotating", () => {
    test.each([
        [0, ["article", "ours", "https", "direct"]],
        [1, ["ours", "https", "direct", "article"]],
        [2, ["https", "direct", "article", "ours"]],
        [3, ["direct", "article", "ours", "https"]],
    ])("round %d", (round, order) => {
        expect(roundOrder(round)).toEqual(order);
    });
});

describe("idlePct from /proc/stat cpu lines", () => {
    test.each([
        ["all idle", "cpu  100 0 100 1000 0 0 0 0 0 0", "cpu  100 0 100 1200 0 0 0 0 0 0", 100],
        ["half busy", "cpu  100 0 100 1000 0 0 0 0 0 0", "cpu  150 0 150 1100 0 0 0 0 0 0", 50],
        ["iowait counts as idle", "cpu  0 0 0 0 0 0 0 0 0 0", "cpu  10 0 0 80 10 0 0 0 0 0", 90],
        ["no time passed", "cpu  1 1 1 1 1 1 1 1 1 1", "cpu  1 1 1 1 1 1 1 1 1 1", 100],
    ])("%s", (_label, a, b, pct) => {
        expect(idlePct(a, b)).toBeCloseTo(pct, 6);
    });
});

describe("goals", () => {
    type Case = [string, [number, number, number], [number, number], [number, number], Record<string, boolean>];
    test.each<Case>([
        ["all met", [1000, 1600, 1700], [20, 10], [40, 15], { throughput: true, latency50: true, latency80: true, proxyOverhead: true }],
        [
            "exactly on every target is met",
            [1000, 1500, 1666.6],
            [20, 10],
            [40, 20],
            { throughput: true, latency50: true, latency80: true, proxyOverhead: true },
        ],
        [
            "each one just missed",
            [1000, 1499, 1666],
            [20, 10.1],
            [40, 20.1],
            { throughput: false, latency50: false, latency80: false, proxyOverhead: false },
        ],
    ])("%s", (_label, [a, o, d], [art50, ours50], [art80, ours80], met) => {
        const c = summarizeClosed([closed("article", 0, a, 50), closed("ours", 0, o, 50), closed("direct", 0, d, 50)]);
        const s = summarizeOpen([
            open("article", 0, 50, a / 2, art50),
            open("ours", 0, 50, a / 2, ours50),
            open("article", 0, 80, a * 0.8, art80),
            open("ours", 0, 80, a * 0.8, ours80),
        ]);
        expect(Object.fromEntries(evaluateGoals(c, s).map((g) => [g.id, g.met]))).toEqual(met);
    });

    test("what was not measured is neither met nor failed", () => {
        const goals = evaluateGoals(summarizeClosed([closed("ours", 0, 3000, 20)]), {});
        expect(goals.map((g) => [g.id, g.met, g.measured])).toEqual([
            ["throughput", undefined, undefined],
            ["proxyOverhead", undefined, undefined],
        ]);
    });
});
