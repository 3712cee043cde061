// Writes a result as dated JSON and markdown plus the chart; the md and SVG are rendered from the
// JSON alone, so `--render` can redo them from an old result.
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { renderReport } from "./report";
import type { BenchResult } from "./result";
import { renderChart } from "./svg";

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

export function writeResults(r: BenchResult, outDir: string): Written {
    mkdirSync(outDir, { recursive: true });
    const p = outputPaths(r, outDir);
    writeFileSync(p.json, `${JSON.stringify(r, null, 2)}\n`);
    renderFiles(p.json, outDir);
    return p;
}

/** Renders the md and SVG of a result JSON file next to the other outputs. */
export function renderFiles(jsonFile: string, outDir = path.dirname(jsonFile)): Written {
    const r = JSON.parse(readFileSync(jsonFile, "utf8")) as BenchResult;
    const p = outputPaths(r, outDir);
    writeFileSync(p.md, renderReport(r));
    writeFileSync(p.svg, renderChart(r));
    return { ...p, json: jsonFile };
}
