import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { evaluateGoals, ratios } from "../../bench/goals";
import { outputPaths, writeResults } from "../../bench/outputs";
import { num, renderReport, spread } from "../../bench/report";
import type { BenchResult } from "../../bench/result";
import { RunRecord, summarizeAll } from "../../bench/stats";
import { escapeXml, niceMax, renderChart } from "../../bench/svg";

const run = (
    round: number,
    config: RunRecord["config"],
    kind: RunRecord["kind"],
    reqPerSec: number,
    p99Ms: number,
    timeWait?: number,
): RunRecord => ({
    round,
    config,
    kind,
    startedAt: `2026-11-27T03:0${round}:00.000Z`,
    hostIdlePct: 97,
    wrk: {
        requests: reqPerSec * 30,
        durationSec: 30,
        reqPerSec,
        p50Ms: p99Ms / 4,
        p75Ms: p99Ms / 3,
        p90Ms: p99Ms / 2,
        p99Ms,
        non2xx: 0,
        socketErrors: 0,
        errors: 0,
    },
    cpuProbeMs: 50,
    cpuMsPerRequest: {
        gunicorn: 0.7,
        nginx: config === "direct" ? 0 : 0.12,
        "docker-proxy": 0.17,
        "dockerd+containerd": 0.02,
        other: 0.15,
        total: 1.16,
    },
    ...(timeWait === undefined ? {} : { timeWait }),
});

/** A small but complete result, as runBench assembles it. */
function sampleResult(): BenchResult {
    const runs = [0, 1, 2].flatMap((r) => [
        run(r, "article", "sustained", 780 + r * 20, 76 - r, 14000 + r),
        run(r, "ours", "sustained", 3100 + r * 10, 21 + r, 4),
        run(r, "direct", "sustained", 3300 + r * 10, 19 + r, 0),
        run(r, "article", "short", 2000 - r * 100, 30),
        run(r, "ours", "short", 3000, 20),
        run(r, "direct", "short", 3250, 18),
    ]);
    const summary = summarizeAll(runs);
    const split = {
        requests: 2000,
        rows: [
            { service: "application1", expected: 0.75, observed: 0.75, count: 1500, deltaPp: 0 },
            { service: "application2", expected: 0.25, observed: 0.25, count: 500, deltaPp: 0 },
        ],
        worstDeltaPp: 0,
    };
    const rebuild = {
        coldSec: [6.5, 6.7],
        codeOnlySec: [1.7, 1.6, 1.8],
        ratio: 1.7 / 6.6,
        variantCodeOnlySec: [1.0, 1.1, 0.9],
        variantRatio: 1 / 6.6,
    };
    return {
        version: 1,
        mode: "full",
        date: "2026-11-27",
        startedAt: "2026-11-27T03:00:00.000Z",
        finishedAt: "2026-11-27T03:09:00.000Z",
        wallSec: 540,
        machine: { cores: 2, cpuModel: "AMD EPYC", memGiB: 23.5, kernel: "6.18.44", docker: "20.10.24", wrk: "4.1.0" },
        load: { sustainedSec: 30, shortSec: 5, rounds: 3, connections: 16, threads: 1, timeoutSec: 5, minIdlePct: 85 },
        configs: {
            article: {
                label: "article",
                description: "the article's <nginx.conf> & sync workers",
                gunicornWorkers: 9,
                url: "http://127.0.0.1:18101/",
            },
            ours: { label: "ours (defaults)", description: "our stack", gunicornWorkers: 9, url: "http://127.0.0.1:18102/" },
            direct: { label: "direct (no proxy)", description: "one container", gunicornWorkers: 9, url: "http://127.0.0.1:18103/" },
        },
        runs,
        summary,
        ratios: ratios(summary),
        split,
        scaleUp: { firstServedMs: 6400, requests: 5000, failures: 0 },
        spread: {
            ours: { "webstack-bench-application1-1": [5, 3, 1, 1, 0, 0], "webstack-bench-application2-1": [7, 6, 3] },
            direct: { "webstack-bench-1-direct": [3, 2, 2, 2, 2, 2, 1, 1, 1] },
        },
        rebuild,
        goals: evaluateGoals({ summary, splitWorstPp: 0, scaleFirstServedMs: 6400, rebuildRatio: rebuild.ratio }),
        notes: [],
    };
}

describe("number formatting", () => {
    test.each([
        [3100.4, 0, "3,100"],
        [21.04, 1, "21.0"],
        [undefined, 0, "–"],
        [NaN, 1, "–"],
    ])("num(%p, %d) = %s", (x, d, s) => {
        expect(num(x, d)).toBe(s);
    });
    test("spread: median (min–max), or the value alone for one run", () => {
        expect(spread({ median: 800, min: 780, max: 2000, n: 3 })).toBe("800 (780–2,000)");
        expect(spread({ median: 800, min: 800, max: 800, n: 1 })).toBe("800");
        expect(spread(undefined)).toBe("–");
    });
});

test("renderReport (snapshot): the table, goals, other measurements, every run", () => {
    const md = renderReport(sampleResult());
    expect(md).toContain("| article | sustained 30 s | 800 (780–820) | 18.8 (18.5–19.0) | 75.0 (74.0–76.0) | 0 (0–0) | 14,002 |");
    expect(md).toContain("| ours (defaults) | 0.700 | 0.120 | 0.170 | 0.020 | 0.150 | 1.160 |");
    expect(md).toMatchSnapshot();
});

describe("renderChart", () => {
    test("SVG snapshot", () => {
        expect(renderChart(sampleResult())).toMatchSnapshot();
    });
    test("is well-formed: one root, balanced tags, escaped text", () => {
        const svg = renderChart({ ...sampleResult(), date: "<&>" });
        expect(svg.startsWith("<svg ")).toBe(true);
        expect(svg.trim().endsWith("</svg>")).toBe(true);
        expect(svg).toContain("&lt;&amp;&gt;");
        const opened = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
        const closed = (svg.match(/<\/[a-z]+>/g) ?? []).length;
        expect(opened).toBe(closed);
    });
    test("a configuration without runs draws no bar and does not throw", () => {
        const r = sampleResult();
        const summary = { ...r.summary, direct: undefined };
        expect(() => renderChart({ ...r, summary })).not.toThrow();
    });
    test.each([
        [0, 1],
        [0.7, 1],
        [3, 5],
        [3100, 5000],
        [76, 100],
        [21, 25],
        [1500, 2000],
    ])("niceMax(%d) = %d", (x, m) => {
        expect(niceMax(x)).toBe(m);
    });
    test("escapeXml", () => {
        expect(escapeXml(`a<b>&"c"`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;");
    });
});

test("writeResults: dated JSON and md, latest.svg; the JSON round-trips", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-report-"));
    try {
        const r = sampleResult();
        const p = writeResults(r, dir);
        expect(p).toEqual(outputPaths(r, dir));
        expect(path.basename(p.json)).toBe("2026-11-27.json");
        expect(path.basename(p.md)).toBe("2026-11-27.md");
        expect(path.basename(p.svg)).toBe("latest.svg");
        expect(JSON.parse(readFileSync(p.json, "utf8"))).toEqual(r);
        expect(readFileSync(p.md, "utf8")).toBe(renderReport(r));
        expect(readFileSync(p.svg, "utf8")).toBe(renderChart(r));
        expect(path.basename(outputPaths({ ...r, mode: "quick" }, dir).svg)).toBe("latest-quick.svg");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
