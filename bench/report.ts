// The markdown report, rendered from the result JSON only (so an old JSON renders the same table).
import type { Goal } from "./goals";
import type { BenchResult } from "./result";
import { CONFIG_IDS, KindSummary, RUN_KINDS, RunKind, Stat, median } from "./stats";

/** A number with a fixed number of decimals; "–" for undefined. */
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

const CPU_NOTE =
    "Host CPU time per request from /proc before and after each run, by program; `other` is the rest of the host's busy time: kernel " +
    "network work not charged to a process, wrk, and processes that came and went (health checks). `total` × req/s ≈ the cores.";

const kindLabel = (r: BenchResult, k: RunKind) => (k === "sustained" ? `sustained ${r.load.sustainedSec} s` : `short ${r.load.shortSec} s`);

/** The headline table: one row per configuration and run kind. */
export function resultsTable(r: BenchResult): string {
    const lines = [
        "| configuration | run | req/s | p50 ms | p99 ms | errors | max TIME_WAIT |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const c of CONFIG_IDS) {
        for (const k of RUN_KINDS) {
            const s: KindSummary | undefined = r.summary[c]?.[k];
            if (!s) {
                continue;
            }
            lines.push(
                `| ${r.configs[c].label} | ${kindLabel(r, k)} | ${spread(s.reqPerSec)} | ${spread(s.p50Ms, 1)} | ${spread(s.p99Ms, 1)} | ${spread(s.errors)} | ${num(s.maxTimeWait)} |`,
            );
        }
    }
    return lines.join("\n");
}

/** Where the CPU went, per request, in the sustained runs (medians): the data behind the ratios. */
export function cpuTable(r: BenchResult): string | undefined {
    const rows = CONFIG_IDS.map((c) => [c, r.summary[c]?.sustained?.cpuMsPerRequest] as const).filter(([, v]) => v !== undefined);
    if (rows.length === 0) {
        return undefined;
    }
    const groups = [...new Set(rows.flatMap(([, v]) => Object.keys(v!)))];
    return [
        `| CPU ms per request (sustained, median) | ${groups.join(" | ")} |`,
        `| --- | ${groups.map(() => "---:").join(" | ")} |`,
        ...rows.map(([c, v]) => `| ${r.configs[c].label} | ${groups.map((g) => num(v![g], 3)).join(" | ")} |`),
    ].join("\n");
}

function goalValue(g: Goal): string {
    if (g.measured === undefined) {
        return "not measured";
    }
    if (g.unit === "fraction") {
        return `${num(g.measured * 100, 1)} %`;
    }
    if (g.unit === "ms") {
        return `${num(g.measured / 1000, 1)} s`;
    }
    return g.unit === "x" ? `${num(g.measured, 2)}x` : `${num(g.measured, 2)} ${g.unit}`;
}

function goalTarget(g: Goal): string {
    const t =
        g.unit === "fraction"
            ? `${num(g.target * 100)} %`
            : g.unit === "ms"
              ? `${num(g.target / 1000)} s`
              : g.unit === "x"
                ? `${g.target}x`
                : `${g.target} ${g.unit}`;
    return `${g.op === "<=" ? "≤" : "≥"} ${t}`;
}

export function goalsTable(r: BenchResult): string {
    const mark = (g: Goal) => (g.met === undefined ? "–" : g.met ? "met" : "**not met**");
    return [
        "| goal | target | measured | |",
        "| --- | --- | ---: | --- |",
        ...r.goals.map((g) => `| ${g.text} | ${goalTarget(g)} | ${goalValue(g)} | ${mark(g)} |`),
    ].join("\n");
}

export function machineLine(r: BenchResult): string {
    const m = r.machine;
    return `${m.cores} cores (${m.cpuModel}), ${num(m.memGiB, 1)} GiB RAM, Linux ${m.kernel}, Docker ${m.docker}, wrk ${m.wrk}`;
}

export function loadLine(r: BenchResult): string {
    const l = r.load;
    return (
        `\`wrk -t${l.threads} -c${l.connections} --latency\` against 127.0.0.1; ${l.rounds} round(s), each with a ${l.sustainedSec} s sustained ` +
        `and a ${l.shortSec} s short run per configuration, interleaved (order rotates every round); medians with (min–max).`
    );
}

function otherMeasurements(r: BenchResult): string[] {
    const out: string[] = [];
    if (r.split) {
        const rows = r.split.rows
            .map((x) => `${x.service} ${num(x.observed * 100, 2)} % (expected ${num(x.expected * 100, 2)} %)`)
            .join(", ");
        out.push(
            `- **Weighted split**, ${num(r.split.requests)} requests, counted from nginx's upstreamlog: ${rows}; worst error ${num(r.split.worstDeltaPp, 2)} pp.`,
        );
    }
    if (r.scaleUp) {
        out.push(
            `- **Scale-up** (plan of 1 create applied under load): the new replica served its first request ${num(r.scaleUp.firstServedMs / 1000, 1)} s after its container started; ` +
                `${num(r.scaleUp.failures)} failed of ${num(r.scaleUp.requests)} requests.`,
        );
    }
    if (r.spread) {
        const parts = Object.values(r.spread).flatMap((byContainer) =>
            Object.entries(byContainer ?? {}).map(([c, counts]) => `${c} [${counts.join(", ")}]`),
        );
        out.push(
            `- **Keep-alive connections per Gunicorn worker** under load (wrk -c16, largest first): ${parts.join("; ")}. ` +
                "A request on a connection of a busy worker waits behind the others while a worker with none idles.",
        );
    }
    if (r.rebuild) {
        const med = median;
        out.push(
            `- **App image rebuild** after a one-line change to app.py: ${num(med(r.rebuild.codeOnlySec), 1)} s ` +
                `(runs: ${r.rebuild.codeOnlySec.map((x) => num(x, 1)).join(", ")}) vs a cold \`--no-cache\` build ${num(med(r.rebuild.coldSec), 1)} s ` +
                `(runs: ${r.rebuild.coldSec.map((x) => num(x, 1)).join(", ")}): ${num(r.rebuild.ratio * 100, 1)} %.`,
        );
        if (r.rebuild.unchangedSec !== undefined) {
            out.push(
                `- A rebuild with nothing changed (every step from the cache) takes ${num(r.rebuild.unchangedSec, 1)} s, ` +
                    `${num((r.rebuild.unchangedSec / med(r.rebuild.coldSec)) * 100, 1)} % of the cold build: the builder's fixed cost, a floor for any rebuild.`,
            );
        }
        if (r.rebuild.variantCodeOnlySec && r.rebuild.variantRatio !== undefined) {
            out.push(
                `- Same rebuild with app/Dockerfile's metadata steps (USER, EXPOSE, CMD) moved before the code COPY: ` +
                    `${num(med(r.rebuild.variantCodeOnlySec), 1)} s (runs: ${r.rebuild.variantCodeOnlySec.map((x) => num(x, 1)).join(", ")}), ` +
                    `${num(r.rebuild.variantRatio * 100, 1)} % of the cold build.`,
            );
        }
    }
    return out;
}

function rawRuns(r: BenchResult): string {
    const lines = [
        "| round | configuration | run | host idle before | req/s | p50 ms | p99 ms | errors | TIME_WAIT |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const x of r.runs) {
        lines.push(
            `| ${x.round + 1} | ${r.configs[x.config].label} | ${x.kind} | ${num(x.hostIdlePct)} % | ${num(x.cpuProbeMs, 1)} | ${num(x.wrk.reqPerSec)} | ${num(x.wrk.p50Ms, 1)} | ${num(x.wrk.p99Ms, 1)} | ${num(x.wrk.errors)} | ${num(x.timeWait)} |`,
        );
    }
    return lines.join("\n");
}

/** The whole dated report. */
export function renderReport(r: BenchResult): string {
    const ratio = r.ratios;
    return [
        `# Benchmark ${r.date} (${r.mode})`,
        "",
        `Machine: ${machineLine(r)}.`,
        "",
        `Load: ${loadLine(r)} Wall time ${num(r.wallSec)} s.`,
        "",
        resultsTable(r),
        "",
        `Ours / article: ${num(ratio.rpsOursOverArticle, 2)}x req/s, ${num(ratio.p99OursOverArticle, 2)}x p99. ` +
            `Ours / direct: ${num(ratio.rpsOursOverDirect, 2)}x req/s, ${num(ratio.p99OursOverDirect, 2)}x p99 (sustained medians).`,
        "",
        ...(cpuTable(r) ? [cpuTable(r)!, "", CPU_NOTE, ""] : []),
        "## Goals",
        "",
        goalsTable(r),
        "",
        ...otherMeasurements(r),
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
        rawRuns(r),
        "",
    ].join("\n");
}
