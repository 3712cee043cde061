// `npm run bench [-- --quick]`: runs the benchmark and writes bench/results/<date>.{md,json} and
// latest.svg (quick runs go to .webstack/bench/). `--render FILE.json` only re-renders md and SVG.
import { parseArgs } from "./args";
import { runBench } from "./bench";
import { renderFiles, writeResults } from "./outputs";
import { goalsTable, resultsTable } from "./report";

async function main(): Promise<void> {
    const o = parseArgs(process.argv.slice(2));
    if (o.render) {
        const p = renderFiles(o.render);
        console.log(`rendered ${p.md} and ${p.svg}`);
        return;
    }
    const t0 = Date.now();
    const log = (line: string) => console.log(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${line}`);
    log(`${o.mode} run: ${o.load.rounds} round(s) of ${o.load.sustainedSec} s + ${o.load.shortSec} s per configuration`);
    const result = await runBench(o, log);
    const p = writeResults(result, o.outDir);
    console.log(`\n${resultsTable(result)}\n\n${goalsTable(result)}\n`);
    for (const n of result.notes) {
        console.log(`note: ${n}`);
    }
    console.log(`wrote ${p.md}, ${p.json}, ${p.svg} (${result.wallSec} s)`);
    if (result.notes.length > 0) {
        process.exitCode = 1;
    }
}

main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
});
