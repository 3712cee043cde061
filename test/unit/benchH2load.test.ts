import {
    H2loadSummary,
    LogRow,
    h2loadArgs,
    openLoopPlan,
    openLoopResult,
    parseH2loadLog,
    parseH2loadSummary,
    percentile,
} from "../../bench/h2load";

// Real h2load 1.52 reports: a clean timed run, and a run against a port nobody listens on.
const CLEAN = `Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 6.00s, 1984.00 req/s, 310.00KB/s
requests: 9920 total, 9920 started, 9920 done, 9920 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 9920 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 1.51MB (1587200) total, 1.31MB (1368960) headers (space savings 0.00%), 69.75KB (71424) data
                     min         max         mean         sd        +/- sd
time for request:      191us     29.88ms      1.82ms      1.86ms    94.45%
`;
const REFUSED = `starting benchmark...
spawning thread #0: 2 total client(s). Up to 1 client(s) will be created every 1ms 4 total requests
progress: 50% of clients started
progress: 100% of clients started

finished in 3.55ms, 0.00 req/s, 0B/s
requests: 4 total, 0 started, 0 done, 0 succeeded, 4 failed, 4 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
`;

describe("parseH2loadSummary", () => {
    test.each([
        ["a clean run", CLEAN, { total: 9920, done: 9920, status2xx: 9920, status3xx: 0 }],
        ["connection refused: nothing done", REFUSED, { total: 4, done: 0, status2xx: 0, status3xx: 0 }],
    ])("%s", (_label, text, expected) => {
        expect(parseH2loadSummary(text)).toEqual(expected);
    });
    test("output without the request line is an error", () => {
        expect(() => parseH2loadSummary("invalid option -- 'x'")).toThrow(/no request or status line/);
    });
});

describe("parseH2loadLog", () => {
    test("tab-separated start µs, status, duration µs; extra columns ignored; blank lines skipped", () => {
        const text = "1795831401305457\t200\t1358\n1795831401305446\t-1\t1418\textra\n\n";
        expect(parseH2loadLog(text)).toEqual([
            { startUs: 1795831401305457, status: 200, durationUs: 1358 },
            { startUs: 1795831401305446, status: -1, durationUs: 1418 },
        ]);
    });
    test("a line that is not numbers is an error", () => {
        expect(() => parseH2loadLog("start\tstatus\tduration\n")).toThrow(/not an h2load log line/);
    });
});

describe("percentile (nearest rank)", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    test.each([
        [hundred, 50, 50],
        [hundred, 99, 99],
        [hundred, 99.9, 100],
        [hundred, 100, 100],
        [[7], 99.9, 7],
        [[1, 2, 3], 50, 2],
    ])("%#: p%d", (values, p, expected) => {
        expect(percentile(values, p)).toBe(expected);
    });
});

describe("openLoopPlan: per-connection rate and a request count that splits evenly", () => {
    test.each([
        [
            { ratePerSec: 2000, durationSec: 15, connections: 64 },
            { rpsPerConnection: 31.25, requests: 30016 },
        ],
        [
            { ratePerSec: 1849.5, durationSec: 3, connections: 64 },
            { rpsPerConnection: 28.898, requests: 5568 },
        ],
        [
            { ratePerSec: 10, durationSec: 1, connections: 64 },
            { rpsPerConnection: 0.156, requests: 64 },
        ],
    ])("%j", (o, plan) => {
        expect(openLoopPlan(o)).toEqual(plan);
    });
});

describe("h2loadArgs", () => {
    test("HTTP/1.1, one thread, connections opened 1 per ms, the per-connection rate, count, log file, URL last", () => {
        expect(h2loadArgs({ url: "http://127.0.0.1:18101/", ratePerSec: 2000, durationSec: 15, connections: 64 }, "/tmp/x.tsv")).toEqual([
            "--h1",
            "-t",
            "1",
            "-c",
            "64",
            "-r",
            "1",
            "--rate-period",
            "1ms",
            "--rps",
            "31.25",
            "-n",
            "30016",
            "--log-file",
            "/tmp/x.tsv",
            "http://127.0.0.1:18101/",
        ]);
    });
    test.each(["http://localhost:18101/", "http://example.com/"])("refuses %s: only 127.0.0.1", (url) => {
        expect(() => h2loadArgs({ url, ratePerSec: 1, durationSec: 1, connections: 1 }, "/tmp/x")).toThrow(/only drives 127.0.0.1/);
    });
});

describe("openLoopResult", () => {
    // 1,000 requests sent 1 ms apart (1,000/s) over 10 connections: interval 10 ms.
    const opts = { url: "http://127.0.0.1:18101/", ratePerSec: 1000, durationSec: 1, connections: 10 };
    const rows = (latencyMs: (i: number) => number, status: (i: number) => number = () => 200): LogRow[] =>
        Array.from({ length: 1000 }, (_, i) => ({ startUs: 1_000_000 + i * 1000, status: status(i), durationUs: latencyMs(i) * 1000 }));
    const done = (n: number, ok: number): H2loadSummary => ({ total: n, done: n, status2xx: ok, status3xx: 0 });

    test.each([
        [
            "steady 2 ms, a tail of 20 ms",
            rows((i) => (i % 100 === 99 ? 20 : 2)),
            done(1000, 1000),
            { p50Ms: 2, p99Ms: 2, p999Ms: 20, maxMs: 20, errors: 0, slowerThanInterval: 10 },
        ],
        [
            "latency rising 1..1000 µs per request",
            rows((i) => (i + 1) / 1000),
            done(1000, 1000),
            { p50Ms: 0.5, p99Ms: 0.99, p999Ms: 1, maxMs: 1, errors: 0, slowerThanInterval: 0 },
        ],
        [
            "failed streams count as errors, not in the latencies",
            rows(
                (i) => (i < 10 ? 5000 : 3),
                (i) => (i < 10 ? -1 : 200),
            ),
            done(1000, 990),
            { p50Ms: 3, p99Ms: 3, p999Ms: 3, maxMs: 3, errors: 10, slowerThanInterval: 0 },
        ],
    ])("%s", (_label, r, s, expected) => {
        expect(openLoopResult(r, s, opts)).toEqual({
            requestedPerSec: 1000,
            achievedPerSec: 1000,
            requests: 1000,
            intervalMs: 10,
            ...expected,
        });
    });

    test("the achieved rate leaves out one interval at either end, where connections start and stop", () => {
        // The first and last 10 ms at a quarter of the rate, the middle at 1,000/s.
        const edges = rows(() => 1).map((r, i) => ({
            ...r,
            startUs: 1_000_000 + (i < 3 ? i * 4000 : i > 996 ? 1_000_000 + (i - 996) * 4000 : 12_000 + (i - 3) * 1000),
        }));
        expect(openLoopResult(edges, done(1000, 1000), opts).achievedPerSec).toBe(1000);
    });

    test("a generator that falls behind shows in the achieved rate", () => {
        const slow = rows(() => 1).map((r, i) => ({ ...r, startUs: 1_000_000 + i * 2000 }));
        expect(openLoopResult(slow, done(1000, 1000), opts).achievedPerSec).toBe(500);
    });
});
