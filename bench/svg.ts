// A two-panel bar chart (req/s and p99 latency per configuration, sustained and short runs, median
// bars with min–max whiskers) as plain SVG text, from the result JSON. No chart library.
import type { BenchResult } from "./result";
import { CONFIG_IDS, ConfigId, RUN_KINDS, RunKind, Stat } from "./stats";

const COLORS: Readonly<Record<ConfigId, string>> = { article: "#9e9e9e", ours: "#2e7d32", direct: "#1565c0" };
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
    for (const m of [1, 2, 2.5, 5, 10]) {
        if (m * p >= x) {
            return m * p;
        }
    }
    return 10 * p;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => (x === 0 ? "0" : x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function panel(r: BenchResult, x0: number, title: string, pick: (c: ConfigId, k: RunKind) => Stat | undefined): string[] {
    const stats = CONFIG_IDS.flatMap((c) => RUN_KINDS.map((k) => pick(c, k)));
    const top = niceMax(Math.max(0, ...stats.map((s) => s?.max ?? 0)));
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
        RUN_KINDS.forEach((k, ki) => {
            const s = pick(c, k);
            const bx = r1(gx + 8 + ki * 38);
            if (!s) {
                return;
            }
            const opacity = k === "sustained" ? 1 : 0.45;
            out.push(
                `<rect x="${bx}" y="${y(s.median)}" width="32" height="${y(0) - y(s.median)}" fill="${COLORS[c]}" fill-opacity="${opacity}"/>`,
            );
            if (s.n > 1) {
                const cx = r1(bx + 16);
                out.push(`<line x1="${cx}" x2="${cx}" y1="${y(s.max)}" y2="${y(s.min)}" stroke="#212121"/>`);
                out.push(`<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(s.max)}" y2="${y(s.max)}" stroke="#212121"/>`);
                out.push(`<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(s.min)}" y2="${y(s.min)}" stroke="#212121"/>`);
            }
            out.push(
                `<text x="${bx + 16}" y="${r1(Math.min(y(s.max), y(s.median)) - 4)}" text-anchor="middle" font-size="10">${fmt(s.median)}</text>`,
            );
        });
        out.push(`<text x="${r1(gx + 43)}" y="${PLOT_TOP + PLOT_H + 16}" text-anchor="middle">${escapeXml(r.configs[c].label)}</text>`);
    });
    return out;
}

export function renderChart(r: BenchResult): string {
    const l = r.load;
    const body = [
        `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
        `<text x="20" y="22" font-size="14" font-weight="bold">${escapeXml(`webstack benchmark ${r.date} (${r.mode}): ${r.machine.cores} cores, wrk -t${l.threads} -c${l.connections}, 127.0.0.1`)}</text>`,
        ...panel(r, 20, "requests/s (higher is better)", (c, k) => r.summary[c]?.[k]?.reqPerSec),
        ...panel(r, 400, "p99 latency, ms (lower is better)", (c, k) => r.summary[c]?.[k]?.p99Ms),
        `<rect x="20" y="${H - 30}" width="12" height="12" fill="#616161"/>`,
        `<text x="38" y="${H - 20}">sustained ${l.sustainedSec} s</text>`,
        `<rect x="160" y="${H - 30}" width="12" height="12" fill="#616161" fill-opacity="0.45"/>`,
        `<text x="178" y="${H - 20}">short ${l.shortSec} s</text>`,
        `<text x="280" y="${H - 20}">bars: median of ${l.rounds} round(s); whiskers: min–max</text>`,
    ];
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
        ...body.map((b) => `  ${b}`),
        "</svg>",
        "",
    ].join("\n");
}
