// `npm run bench [-- --quick]`: runs the benchmark and writes bench/results/<date>.{md,json} and
// latest.svg (quick runs go to .webstack/bench/). `--render FILE.json` only re-renders md and SVG.
import { parseArgs, runBench } from "./bench";
import { closedTable, goalsTable, openTable, renderFiles, writeResults } from "./report";

async function main(): Promise<void> {
    const o = parseArgs(process.argv.slice(2));
    if (o.render) {
        const p = renderFiles(o.render);
        console.log(`rendered ${p.md} and ${p.svg}`);
        return;
    }
    const t0 = Date.now();
    const log = (line: string) => console.log(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${line}`);
    const l = o.load;
    log(
        `${o.mode} run: ${l.rounds} round(s) of ${l.closedSec} s closed loop + ${l.loadPcts.length} × ${l.openSec} s open loop per configuration`,
    );
    const result = await runBench(o, log);
    const p = writeResults(result, o.outDir);
    console.log(`\n${closedTable(result)}\n\n${openTable(result)}\n\n${goalsTable(result)}\n`);
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
