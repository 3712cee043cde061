import { evaluateGoals, ratios } from "../../bench/goals";
import { countTimeWait } from "../../bench/host";
import { RunRecord, idlePct, median, roundOrder, stat, summarize, summarizeAll } from "../../bench/stats";
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
    requests: reqPerSec * 30,
    durationSec: 30,
    reqPerSec,
    p50Ms: p99Ms / 4,
    p75Ms: p99Ms / 3,
    p90Ms: p99Ms / 2,
    p99Ms,
    non2xx: errors,
    socketErrors: 0,
    errors,
});
const run = (
    config: RunRecord["config"],
    kind: RunRecord["kind"],
    round: number,
    rps: number,
    p99: number,
    timeWait?: number,
): RunRecord => ({
    round,
    config,
    kind,
    startedAt: "2026-11-27T03:00:00.000Z",
    hostIdlePct: 99,
    wrk: wrk(rps, p99),
    ...(timeWait === undefined ? {} : { timeWait }),
});

describe("summarize", () => {
    const runs = [
        run("article", "sustained", 0, 780, 76, 14000),
        run("article", "sustained", 1, 800, 70, 13000),
        run("article", "sustained", 2, 2000, 30, 9000),
        run("article", "short", 0, 2000, 20),
        run("ours", "sustained", 0, 3100, 21, 5),
    ];
    test("medians with min and max, errors, the largest TIME_WAIT", () => {
        expect(summarize(runs, "article", "sustained")).toEqual({
            reqPerSec: { median: 800, min: 780, max: 2000, n: 3 },
            p50Ms: { median: 17.5, min: 7.5, max: 19, n: 3 },
            p99Ms: { median: 70, min: 30, max: 76, n: 3 },
            errors: { median: 0, min: 0, max: 0, n: 3 },
            maxTimeWait: 14000,
        });
    });
    test("a configuration without runs of a kind has no summary", () => {
        expect(summarize(runs, "direct", "sustained")).toBeUndefined();
        expect(summarizeAll(runs).ours).toEqual({ sustained: expect.any(Object) });
        expect(summarizeAll(runs).direct).toBeUndefined();
    });
    test("no TIME_WAIT measured: no maxTimeWait key", () => {
        expect(summarize(runs, "article", "short")).not.toHaveProperty("maxTimeWait");
    });
});

describe("roundOrder: every configuration and kind once per round, rotating", () => {
    test.each([
        [0, ["article/sustained", "ours/sustained", "direct/sustained", "article/short", "ours/short", "direct/short"]],
        [1, ["ours/short", "direct/short", "article/short", "ours/sustained", "direct/sustained", "article/sustained"]],
        [2, ["direct/sustained", "article/sustained", "ours/sustained", "direct/short", "article/short", "ours/short"]],
    ])("round %d", (round, order) => {
        expect(roundOrder(round).map((x) => `${x.config}/${x.kind}`)).toEqual(order);
    });
    test("over three rounds each configuration is first once", () => {
        expect([0, 1, 2].map((r) => roundOrder(r)[0].config).sort()).toEqual(["article", "direct", "ours"]);
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

test("countTimeWait: state 06 rows of /proc/net/tcp and tcp6", () => {
    const text = [
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0",
        "   1: 030012AC:9C40 020012AC:1F40 06 00000000:00000000 03:00000F1F 00000000     0        0 0 3 0000000000000000",
        "   2: 030012AC:9C42 020012AC:1F40 06 00000000:00000000 03:00000F1F 00000000     0        0 0 3 0000000000000000",
        "   3: 030012AC:9C44 020012AC:1F40 01 00000000:00000000 00:00000000 00000000 101        0 9 1 0000000000000000 20 4 30 10 -1",
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:D2F0 06 00000000:00000000 03:00000F1F 00000000     0        0 0 3 0000000000000000",
    ].join("\n");
    expect(countTimeWait(text)).toBe(3);
});

describe("ratios and goals", () => {
    const summary = (article: [number, number], ours: [number, number], direct: [number, number]) =>
        summarizeAll([
            run("article", "sustained", 0, ...article),
            run("ours", "sustained", 0, ...ours),
            run("direct", "sustained", 0, ...direct),
        ]);

    test("ratios: ours over article and over direct, from sustained medians", () => {
        expect(ratios(summary([800, 80], [3200, 20], [3500, 18]))).toEqual({
            rpsOursOverArticle: 4,
            p99OursOverArticle: 0.25,
            rpsOursOverDirect: 3200 / 3500,
            p99OursOverDirect: 20 / 18,
        });
    });

    test.each([
        [
            "all met",
            [800, 80],
            [3200, 20],
            [3500, 18],
            0.3,
            6000,
            0.08,
            { throughput: true, latency: true, proxyOverhead: true, split: true, scaleUp: true, rebuild: true },
        ],
        [
            "exactly on every target is met",
            [900, 40],
            [2700, 20],
            [3000, 10],
            1,
            10_000,
            0.1,
            { throughput: true, latency: true, proxyOverhead: true, split: true, scaleUp: true, rebuild: true },
        ],
        [
            "each one just missed",
            [1000, 40],
            [2999, 20.1],
            [3400, 10],
            1.01,
            10_001,
            0.11,
            { throughput: false, latency: false, proxyOverhead: false, split: false, scaleUp: false, rebuild: false },
        ],
    ] as [string, [number, number], [number, number], [number, number], number, number, number, Record<string, boolean>][])(
        "%s",
        (_label, article, ours, direct, splitWorstPp, scaleFirstServedMs, rebuildRatio, met) => {
            const goals = evaluateGoals({ summary: summary(article, ours, direct), splitWorstPp, scaleFirstServedMs, rebuildRatio });
            expect(Object.fromEntries(goals.map((g) => [g.id, g.met]))).toEqual(met);
        },
    );

    test("what was not measured is neither met nor failed", () => {
        const goals = evaluateGoals({ summary: summarizeAll([run("ours", "sustained", 0, 3000, 20)]) });
        expect(goals.every((g) => g.met === undefined && g.measured === undefined)).toBe(true);
    });
});
