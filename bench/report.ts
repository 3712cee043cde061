// The markdown report and the SVG chart, rendered from the result JSON only (so an old JSON renders
// the same), and the files they go to.
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import type { BenchResult } from "./bench";
import { CONFIG_IDS, ConfigId, Goal, Stat } from "./stats";

/** A number with a fixed number of decimals; "–" for undefined or not finite. */
export function num(x: number | undefined, digits = 0): string {
    if (x === undefined || !Number.isFinite(x)) {
        return "–";
    }
    return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min–max)". */
export function spread(s: Stat | undefined, digits = 0): string {
    if (!s) {
        return "–";
    }
    return s.n === 1 ? num(s.median, digits) : `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

const table = (head: string[], align: string[], rows: string[][]) =>
    [`| ${head.join(" | ")} |`, `| ${align.join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const BUSIEST = "busiest worker, % of Gunicorn CPU";

/** Max throughput: one row per configuration. */
export function closedTable(r: BenchResult): string {
    const rows = CONFIG_IDS.filter((c) => r.closed[c]).map((c) => {
        const s = r.closed[c]!;
        return [
            r.configs[c].label,
            spread(s.reqPerSec),
            spread(s.p50Ms, 1),
            spread(s.p99Ms, 1),
            spread(s.errors),
            spread(s.busiestWorkerPct, 1),
        ];
    });
    return table(["configuration", "req/s", "p50 ms", "p99 ms", "errors", BUSIEST], ["---", "---:", "---:", "---:", "---:", "---:"], rows);
}

/** Equal offered load: one row per load and configuration. */
export function openTable(r: BenchResult): string {
    const rows = Object.entries(r.open).flatMap(([pct, byConfig]) =>
        CONFIG_IDS.filter((c) => byConfig[c]).map((c) => {
            const s = byConfig[c]!;
            return [
                `${pct} %`,
                num(s.requestedPerSec),
                r.configs[c].label,
                spread(s.achievedPerSec),
                spread(s.p50Ms, 1),
                spread(s.p99Ms, 1),
                spread(s.p999Ms, 1),
                spread(s.errors),
                spread(s.slowerThanInterval),
                spread(s.busiestWorkerPct, 1),
            ];
        }),
    );
    return table(
        ["load", "asked req/s", "configuration", "sent req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "replies > interval", BUSIEST],
        ["---:", "---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
        rows,
    );
}

/** Where the CPU went, per request, in the closed-loop runs (medians): the data behind the ratios. */
export function cpuTable(r: BenchResult): string | undefined {
    const rows = CONFIG_IDS.map((c) => [c, r.closed[c]?.cpuMsPerRequest] as const).filter(([, v]) => v !== undefined);
    if (rows.length === 0) {
        return undefined;
    }
    const groups = [...new Set(rows.flatMap(([, v]) => Object.keys(v!)))];
    return table(
        ["CPU ms per request (closed loop, median)", ...groups],
        ["---", ...groups.map(() => "---:")],
        rows.map(([c, v]) => [r.configs[c].label, ...groups.map((g) => num(v![g], 3))]),
    );
}

export function goalsTable(r: BenchResult): string {
    const value = (g: Goal) =>
        g.measured === undefined ? "not measured" : g.unit === "fraction" ? `${num(g.measured * 100, 1)} %` : `${num(g.measured, 2)}x`;
    const target = (g: Goal) => `${g.op === "<=" ? "≤" : "≥"} ${g.unit === "fraction" ? `${num(g.target * 100)} %` : `${g.target}x`}`;
    const mark = (g: Goal) => (g.met === undefined ? "–" : g.met ? "met" : "**not met**");
    return table(
        ["goal", "target", "measured", ""],
        ["---", "---", "---:", "---"],
        r.goals.map((g) => [g.text, target(g), value(g), mark(g)]),
    );
}

const WORKER_NOTE =
    "`busiest worker`: the largest share of the configuration's Gunicorn CPU one worker used during a run, from /proc. With the load " +
    "spread evenly it is 12.5 % for 6 + 3 workers weighted 3:1 (each of application1's 6 workers gets 75 % / 6) and 11.1 % for 9 " +
    "equal workers (direct); larger means requests queued on a busy worker while others idled.";

const CPU_NOTE =
    "Host CPU time per request from /proc before and after each run, by program; `other` is the rest of the host's busy time: kernel " +
    "network work not charged to a process, processes that came and went (health checks), and anything else running on the host. " +
    "`total` × req/s ≈ the busy cores.";

const shares = (x: readonly number[] | undefined) => (x && x.length > 0 ? x.map((v) => num(v)).join(" ") : "–");

function everyRun(r: BenchResult): string {
    const closed = r.closedRuns.map((x) => [
        String(x.round + 1),
        r.configs[x.config].label,
        "closed",
        `${num(x.hostIdlePct)} %`,
        num(x.wrk.reqPerSec),
        num(x.wrk.p50Ms, 1),
        num(x.wrk.p99Ms, 1),
        "–",
        num(x.wrk.errors),
        shares(x.workerCpuPct),
    ]);
    const open = r.openRuns.map((x) => [
        String(x.round + 1),
        r.configs[x.config].label,
        `open ${x.loadPct} % (${num(x.open.requestedPerSec)}/s)`,
        `${num(x.hostIdlePct)} %`,
        num(x.open.achievedPerSec),
        num(x.open.p50Ms, 1),
        num(x.open.p99Ms, 1),
        num(x.open.p999Ms, 1),
        num(x.open.errors),
        shares(x.workerCpuPct),
    ]);
    return table(
        [
            "round",
            "configuration",
            "run",
            "host idle before",
            "req/s",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "errors",
            "Gunicorn CPU % per worker",
        ],
        ["---:", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---"],
        [...closed, ...open],
    );
}

/** The whole dated report. */
export function renderReport(r: BenchResult): string {
    const m = r.machine;
    const l = r.load;
    const cpu = cpuTable(r);
    return [
        `# Benchmark ${r.date} (${r.mode})`,
        "",
        `Machine: ${m.cores} cores (${m.cpuModel}), ${num(m.memGiB, 1)} GiB RAM, Linux ${m.kernel}, Docker ${m.docker}, wrk ${m.wrk}, h2load ${m.h2load}. ` +
            `Wall time ${num(r.wallSec)} s.`,
        "",
        "## Max throughput (closed loop)",
        "",
        `\`wrk -t${l.threads} -c${l.connections} --latency\`, ${l.closedSec} s per run, ${l.rounds} round(s), configurations interleaved ` +
            "(order rotates every round); medians with (min–max).",
        "",
        closedTable(r),
        "",
        ...(cpu ? [cpu, "", CPU_NOTE, ""] : []),
        WORKER_NOTE,
        "",
        "## Equal offered load (open loop)",
        "",
        `\`h2load --h1 -c${l.openConnections}\` at a fixed rate, ${l.loadPcts.map((p) => `${p} %`).join(" and ")} of the article's median max ` +
            `req/s, ${l.openSec} s per run, ${l.rounds} round(s). Latency from each request's send time; \`replies > interval\` counts replies ` +
            "slower than one connection's send interval, the only ones that can delay a send (docs/benchmark.md, coordinated omission).",
        "",
        openTable(r),
        "",
        "## Goals",
        "",
        goalsTable(r),
        "",
        "## Configurations",
        "",
        ...CONFIG_IDS.map(
            (c) => `- **${r.configs[c].label}** (${r.configs[c].gunicornWorkers} Gunicorn workers): ${r.configs[c].description}`,
        ),
        "",
        ...(r.notes.length > 0 ? ["## Notes", "", ...r.notes.map((n) => `- ${n}`), ""] : []),
        "## Every run",
        "",
        everyRun(r),
        "",
    ].join("\n");
}

const COLORS: Readonly<Record<ConfigId, string>> = { article: "#9e9e9e", ours: "#2e7d32", https: "#81c784", direct: "#1565c0" };
const W = 760;
const H = 330;
const PANEL_W = 340;
const PLOT_TOP = 70;
const PLOT_H = 200;

export function escapeXml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A "nice" axis maximum at or above `x`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceMax(x: number): number {
    if (!(x > 0)) {
        return 1;
    }
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 2, 2.5, 5, 10].map((k) => k * p).find((v) => v >= x)!;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => (x === 0 ? "0" : x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One bar chart panel: per configuration, one bar per series (median, min–max whisker). */
function panel(
    x0: number,
    title: string,
    labels: Record<ConfigId, string>,
    series: readonly ((c: ConfigId) => Stat | undefined)[],
): string[] {
    const top = niceMax(Math.max(0, ...CONFIG_IDS.flatMap((c) => series.map((s) => s(c)?.max ?? 0))));
    // Coordinates to 0.1 px: smaller files, stable snapshots.
    const y = (v: number) => r1(PLOT_TOP + PLOT_H - (v / top) * PLOT_H);
    const out = [`<text x="${x0}" y="${PLOT_TOP - 30}" font-weight="bold">${escapeXml(title)}</text>`];
    for (let i = 0; i <= 4; i++) {
        const v = (top * i) / 4;
        out.push(`<line x1="${x0 + 40}" x2="${x0 + PANEL_W}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/>`);
        out.push(`<text x="${x0 + 36}" y="${y(v) + 4}" text-anchor="end" font-size="10">${fmt(v)}</text>`);
    }
    const groupW = (PANEL_W - 50) / CONFIG_IDS.length;
    CONFIG_IDS.forEach((c, gi) => {
        const gx = r1(x0 + 50 + gi * groupW);
        series.forEach((pick, si) => {
            const s = pick(c);
            const bx = r1(gx + 8 + si * 38);
            if (!s) {
                return;
            }
            const opacity = si === 0 ? 1 : 0.5;
            out.push(
                `<rect x="${bx}" y="${y(s.median)}" width="32" height="${r1(y(0) - y(s.median))}" fill="${COLORS[c]}" fill-opacity="${opacity}"/>`,
            );
            if (s.n > 1) {
                const cx = r1(bx + 16);
                out.push(`<line x1="${cx}" x2="${cx}" y1="${y(s.max)}" y2="${y(s.min)}" stroke="#212121"/>`);
            }
            out.push(
                `<text x="${bx + 16}" y="${r1(Math.min(y(s.max), y(s.median)) - 4)}" text-anchor="middle" font-size="10">${fmt(s.median)}</text>`,
            );
        });
        out.push(
            `<text x="${r1(gx + 8 + (series.length * 38 - 6) / 2)}" y="${PLOT_TOP + PLOT_H + 16}" text-anchor="middle">${escapeXml(labels[c])}</text>`,
        );
    });
    return out;
}

/** Left: max req/s (closed loop). Right: p99 at each open-loop load, lighter bars for higher loads. */
export function renderChart(r: BenchResult): string {
    const labels = Object.fromEntries(CONFIG_IDS.map((c) => [c, r.configs[c].label])) as Record<ConfigId, string>;
    const pcts = Object.keys(r.open);
    const body = [
        `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
        `<text x="20" y="22" font-size="14" font-weight="bold">${escapeXml(`webstack benchmark ${r.date} (${r.mode}): ${r.machine.cores} cores, 127.0.0.1`)}</text>`,
        ...panel(20, `max req/s, wrk -c${r.load.connections} (higher is better)`, labels, [(c) => r.closed[c]?.reqPerSec]),
        ...panel(
            400,
            `p99 ms at ${pcts.map((p, i) => `${p} %${i === 0 ? " (dark)" : ""}`).join(", ")} load, lower is better`,
            labels,
            pcts.map((p) => (c: ConfigId) => r.open[p][c]?.p99Ms),
        ),
        `<text x="20" y="${H - 20}">bars: median of ${r.load.rounds} round(s); whiskers: min–max; right panel: ${escapeXml(`h2load fixed rate, ${r.load.openConnections} connections`)}</text>`,
    ];
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
        ...body.map((b) => `  ${b}`),
        "</svg>",
        "",
    ].join("\n");
}

export interface Written {
    readonly json: string;
    readonly md: string;
    readonly svg: string;
}

/** File names: `<date>.json`, `<date>.md`, `latest.svg` (quick runs: `<date>-quick.*`, `latest-quick.svg`). */
export function outputPaths(r: Pick<BenchResult, "date" | "mode">, outDir: string): Written {
    const stem = r.mode === "quick" ? `${r.date}-quick` : r.date;
    return {
        json: path.join(outDir, `${stem}.json`),
        md: path.join(outDir, `${stem}.md`),
        svg: path.join(outDir, r.mode === "quick" ? "latest-quick.svg" : "latest.svg"),
    };
}

/** Renders the md and SVG of a result JSON file next to it. */
export function renderFiles(jsonFile: string, outDir = path.dirname(jsonFile)): Written {
    const r = JSON.parse(readFileSync(jsonFile, "utf8")) as BenchResult;
    const p = outputPaths(r, outDir);
    writeFileSync(p.md, renderReport(r));
    writeFileSync(p.svg, renderChart(r));
    return { ...p, json: jsonFile };
}

export function writeResults(r: BenchResult, outDir: string): Written {
    mkdirSync(outDir, { recursive: true });
    const p = outputPaths(r, outDir);
    writeFileSync(p.json, `${JSON.stringify(r, null, 2)}\n`);
    return renderFiles(p.json, outDir);
}
