// `npm run bench [-- --quick]`: runs the benchmark and writes bench/results/<date>.{md,json} and
// latest.svg (quick runs go to .webstack/bench/). `--render FILE.json` only re-renders md and SVG.
// `--scale`: upstream size and replica count instead (bench/scale.ts), to <date>-scale.{md,json}.
import { UsageError } from "../lib/cliArgs";
import { parseArgs, runBench } from "./bench";
import { closedTable, goalsTable, openTable, renderFiles, writeResults } from "./report";
import { replicaTable, runScaleBench, scaleOptions, writeScaleResults } from "./scale";
import { reloadTable } from "./upstreamScale";

async function main(): Promise<void> {
    // `--scale` (bench/scale.ts) takes the other flags' out dir, port base, stack and --quick.
    const o = parseArgs(process.argv.slice(2));
    if (o.render) {
        const p = renderFiles(o.render);
        console.log(`rendered ${p.md} and ${p.svg}`);
        return;
    }
    const t0 = Date.now();
    const log = (line: string) => console.log(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${line}`);
    if (o.scale) {
        // Issue 19: reload time and nginx memory by upstream size, req/s by replica count (bench/scale.ts).
        const r = await runScaleBench(scaleOptions(o), log);
        const p = writeScaleResults(r, o.outDir);
        console.log(`\n${reloadTable(r.reloads)}\n\n${replicaTable(r)}\n\nwrote ${p.md}, ${p.json} (${r.wallSec} s)`);
        r.notes.forEach((n) => console.log(`note: ${n}`));
        process.exitCode = r.notes.length > 0 ? 1 : 0;
        return;
    }
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
    // A usage error is the message and the usage, exit 2, as every CLI here (lib/cliArgs.ts).
    console.error(`bench: ${e instanceof UsageError ? e.message : (e.stack ?? e.message)}`);
    process.exit(e instanceof UsageError ? 2 : 1);
});
