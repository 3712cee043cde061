import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { BenchResult, FULL } from "../../bench/bench";
import { escapeXml, niceMax, num, outputPaths, renderChart, renderReport, spread, writeResults } from "../../bench/report";
import { ClosedRun, ConfigId, OpenRun, evaluateGoals, summarizeClosed, summarizeOpen } from "../../bench/stats";

const cpu = (config: ConfigId) => ({
    gunicorn: 0.7,
    nginx: config === "direct" ? 0 : 0.12,
    "docker-proxy": 0.17,
    "dockerd+containerd": 0.02,
    other: 0.15,
    total: 1.16,
});

const closed = (round: number, config: ConfigId, reqPerSec: number, p99Ms: number): ClosedRun => ({
    round,
    config,
    startedAt: `2026-11-28T03:0${round}:00.000Z`,
    hostIdlePct: 97,
    wrk: {
        requests: reqPerSec * 20,
        durationSec: 20,
        reqPerSec,
        p50Ms: p99Ms / 4,
        p75Ms: p99Ms / 3,
        p90Ms: p99Ms / 2,
        p99Ms,
        non2xx: 0,
        socketErrors: 0,
        errors: 0,
    },
    cpuMsPerRequest: cpu(config),
    workerCpuPct: config === "ours" ? [30 + round, 20, 14, 10, 8, 6, 5, 4, 3 - round] : [12, 12, 12, 12, 12, 12, 9, 9, 9],
});

const open = (round: number, config: ConfigId, loadPct: number, p99Ms: number): OpenRun => ({
    round,
    config,
    loadPct,
    startedAt: `2026-11-28T03:1${round}:00.000Z`,
    hostIdlePct: 96,
    open: {
        requestedPerSec: 8 * loadPct,
        achievedPerSec: 8 * loadPct - round,
        requests: 8 * loadPct * 15,
        p50Ms: p99Ms / 5,
        p99Ms,
        p999Ms: p99Ms * 2,
        maxMs: p99Ms * 3,
        errors: 0,
        intervalMs: 80,
        slowerThanInterval: round,
    },
});

/** A small but complete result, as runBench assembles it. */
function sampleResult(): BenchResult {
    const closedRuns = [0, 1, 2].flatMap((r) => [
        closed(r, "article", 780 + r * 20, 76 - r),
        closed(r, "ours", 3100 + r * 10, 21 + r),
        closed(r, "direct", 3300 + r * 10, 19 + r),
    ]);
    const openRuns = [0, 1, 2].flatMap((r) =>
        [50, 80].flatMap((pct) => [
            open(r, "article", pct, (30 + r) * (pct / 50)),
            open(r, "ours", pct, 9 + r),
            open(r, "direct", pct, 6 + r),
        ]),
    );
    const c = summarizeClosed(closedRuns);
    const o = summarizeOpen(openRuns);
    return {
        version: 2,
        mode: "full",
        date: "2026-11-28",
        startedAt: "2026-11-28T03:00:00.000Z",
        wallSec: 540,
        machine: { cores: 2, cpuModel: "AMD EPYC", memGiB: 23.5, kernel: "6.18.44", docker: "20.10.24", wrk: "4.1.0", h2load: "1.52.0" },
        load: FULL.load,
        configs: {
            article: { label: "article", description: "the article's <nginx.conf> & sync workers", gunicornWorkers: 9 },
            ours: { label: "ours (defaults)", description: "our stack", gunicornWorkers: 9 },
            https: { label: "ours over https", description: "our stack over TLS", gunicornWorkers: 9 },
            direct: { label: "direct (no proxy)", description: "one container", gunicornWorkers: 9 },
        },
        closedRuns,
        openRuns,
        closed: c,
        open: o,
        goals: evaluateGoals(c, o),
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

test("renderReport (snapshot): both tables, CPU, goals, every run", () => {
    const md = renderReport(sampleResult());
    expect(md).toContain("| article | 800 (780–820) | 18.8 (18.5–19.0) | 75.0 (74.0–76.0) | 0 (0–0) | 12.0 (12.0–12.0) |");
    expect(md).toContain("| ours (defaults) | 3,110 (3,100–3,120) | 5.5 (5.3–5.8) | 22.0 (21.0–23.0) | 0 (0–0) | 31.0 (30.0–32.0) |");
    expect(md).toContain("| 1 | ours (defaults) | closed | 97 % | 3,100 | 5.3 | 21.0 | – | 0 | 30 20 14 10 8 6 5 4 3 |");
    expect(md).toContain(
        "| 80 % | 640 | article | 639 (638–640) | 9.9 (9.6–10.2) | 49.6 (48.0–51.2) | 99.2 (96.0–102.4) | 0 (0–0) | 1 (0–2) | – |",
    );
    expect(md).toContain("| ours (defaults) | 0.700 | 0.120 | 0.170 | 0.020 | 0.150 | 1.160 |");
    expect(md).toContain("| p99 at 80 % of the article's max (open loop), ours / article | ≤ 0.5x | 0.20x | met |");
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
        const svg = renderChart({ ...r, closed: { ...r.closed, direct: undefined }, open: {} });
        expect((svg.match(/<rect /g) ?? []).length).toBe(1 + 2);
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
        expect(path.basename(p.json)).toBe("2026-11-28.json");
        expect(path.basename(p.md)).toBe("2026-11-28.md");
        expect(path.basename(p.svg)).toBe("latest.svg");
        expect(JSON.parse(readFileSync(p.json, "utf8"))).toEqual(r);
        expect(readFileSync(p.md, "utf8")).toBe(renderReport(r));
        expect(readFileSync(p.svg, "utf8")).toBe(renderChart(r));
        expect(path.basename(outputPaths({ ...r, mode: "quick" }, dir).svg)).toBe("latest-quick.svg");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
