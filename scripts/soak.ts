// `npm run soak -- [--rounds 20] [--out FILE]`: every kind of change, round after round, on one local
// stack under load with a busy core; prints the markdown table (docs/zero-downtime.md shows the last).
// Heavy: on a shared machine run it under the engine lock.
import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import * as path from "path";
import { KINDS, changeOf, downChangeStack, upChangeStack } from "../test/support/changes";
import { ChangeResult, markdownTable, measureChange } from "../test/support/zeroDowntime";

function option(name: string, fallback: string): string {
    const i = process.argv.indexOf(name);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
    const rounds = Number(option("--rounds", "20"));
    const out = option("--out", "");
    if (!Number.isInteger(rounds) || rounds < 1) {
        throw new Error(`--rounds must be a positive integer, got ${rounds}`);
    }
    execFileSync("bash", [path.join(__dirname, "base-images.sh")], { stdio: "inherit" });
    const s = await upChangeStack("soak", {
        httpPort: 18099,
        services: [
            { name: "application1", weight: 3, replicas: 2, workers: 2 },
            { name: "application2", weight: 1, replicas: 1, workers: 2 },
        ],
        nginx: {},
    });
    const results: ChangeResult[] = [];
    const started = Date.now();
    try {
        for (let round = 1; round <= rounds; round++) {
            for (const kind of KINDS) {
                const r = await measureChange(s.url, changeOf(s, kind));
                results.push(r);
                console.error(
                    `[soak ${round}/${rounds} ${((Date.now() - started) / 60_000).toFixed(1)} min] ${kind}: ${r.requests} requests, ` +
                        `${r.failed.length} failed, ${r.retriedReused} retried; worst ${r.worstMs.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms; ` +
                        `fully serving ${r.servingMs === undefined ? "never" : `${(r.servingMs / 1000).toFixed(1)} s`}` +
                        (r.failed.length ? `\n  failures: ${JSON.stringify(r.failed.slice(0, 5))}` : ""),
                );
            }
            if (out) {
                writeFileSync(out, `${markdownTable(results)}\n`);
            }
        }
    } finally {
        await downChangeStack(s);
    }
    console.log(markdownTable(results));
    if (results.some((r) => r.failed.length > 0 || r.servingMs === undefined)) {
        process.exitCode = 1;
    }
}

main().catch((e: Error) => {
    console.error(`soak: ${e.stack ?? e.message}`);
    process.exit(1);
});
