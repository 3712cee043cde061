import { parseWrk, parseWrkTime, wrkArgs } from "../../bench/wrk";

// Real wrk 4.1 outputs (--latency), trimmed of nothing.
const CLEAN = `Running 10s test @ http://127.0.0.1:18150/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.29ms    8.49ms 118.41ms   90.55%
    Req/Sec     2.27k     0.90k    5.11k    71.72%
  Latency Distribution
     50%    6.12ms
     75%    9.44ms
     90%   16.35ms
     99%   44.98ms
  22615 requests in 10.04s, 8.26MB read
Requests/sec:   2251.78
Transfer/sec:    841.73KB
`;

const ERRORS = `Running 30s test @ http://127.0.0.1:18101/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.10ms   30.00ms    1.02s    95.00%
    Req/Sec   780.00    100.00     1.00k    70.00%
  Latency Distribution
     50%  950.00us
     75%    2.50ms
     90%   10.00ms
     99%    1.01s
  23400 requests in 1.00m, 8.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 7
  Non-2xx or 3xx responses: 12
Requests/sec:    780.00
Transfer/sec:    273.00KB
`;

describe("parseWrkTime", () => {
    test.each([
        ["950.00us", 0.95],
        ["6.12ms", 6.12],
        ["1.01s", 1010],
        ["1.00m", 60_000],
        ["2h", 7_200_000],
    ])("%s -> %f ms", (text, ms) => {
        expect(parseWrkTime(text)).toBeCloseTo(ms, 6);
    });
    test("rejects other text", () => {
        expect(() => parseWrkTime("6.12 ms")).toThrow(/not a wrk time/);
    });
});

describe("parseWrk", () => {
    test.each([
        [
            "a clean run",
            CLEAN,
            {
                requests: 22615,
                durationSec: 10.04,
                reqPerSec: 2251.78,
                p50Ms: 6.12,
                p75Ms: 9.44,
                p90Ms: 16.35,
                p99Ms: 44.98,
                non2xx: 0,
                socketErrors: 0,
                errors: 0,
            },
        ],
        [
            "socket errors, non-2xx, us and s units, a minute",
            ERRORS,
            {
                requests: 23400,
                durationSec: 60,
                reqPerSec: 780,
                p50Ms: 0.95,
                p75Ms: 2.5,
                p90Ms: 10,
                p99Ms: 1010,
                non2xx: 12,
                socketErrors: 10,
                errors: 22,
            },
        ],
    ])("%s", (_label, text, expected) => {
        const r = parseWrk(text);
        for (const [k, v] of Object.entries(expected)) {
            expect([k, r[k as keyof typeof r]]).toEqual([k, expect.closeTo(v, 6)]);
        }
    });

    test("output without latency distribution (no --latency) is an error", () => {
        expect(() => parseWrk(CLEAN.replace(/ {5}99%.*\n/, ""))).toThrow(/99% latency/);
    });

    test("an empty output is an error", () => {
        expect(() => parseWrk("unable to connect to 127.0.0.1:18101 Connection refused")).toThrow(
            /no 99% latency|no request count|no Requests/,
        );
    });
});

describe("wrkArgs", () => {
    test("one thread, N connections, duration, timeout, latency, the URL last", () => {
        expect(wrkArgs({ url: "http://127.0.0.1:18102/", durationSec: 30, connections: 16, threads: 1, timeoutSec: 5 })).toEqual([
            "-t",
            "1",
            "-c",
            "16",
            "-d",
            "30s",
            "--timeout",
            "5s",
            "--latency",
            "http://127.0.0.1:18102/",
        ]);
    });
    test.each(["http://localhost:18102/", "http://10.0.0.1:80/", "http://example.com/"])("refuses %s: only 127.0.0.1", (url) => {
        expect(() => wrkArgs({ url, durationSec: 1, connections: 1, threads: 1, timeoutSec: 1 })).toThrow(/only drives 127.0.0.1/);
    });
});
