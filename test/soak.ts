// `npm run soak -- [--rounds 20] [--out FILE]`: every kind of change, round after round, on one local
// stack under load with a busy core; prints the markdown table (docs/zero-downtime.md shows the last).
// Heavy: on a shared machine run it under the engine lock.
import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import * as path from "path";
import { UsageError, numberFlag, parseCli } from "../lib/cliArgs";
import { KINDS, changeOf, downChangeStack, upChangeStack } from "./support/changes";
import { ChangeResult, markdownTable, measureChange } from "./support/zeroDowntime";

const USAGE = "usage: npm run soak -- [--rounds N] [--out FILE]";

/** Parses the soak's argv (lib/cliArgs.ts: strict, no empty values); throws UsageError. */
export function parseSoakArgs(argv: readonly string[]): { rounds: number; out: string | undefined } {
    const { values: v } = parseCli(argv, { rounds: { type: "string" }, out: { type: "string" } }, USAGE);
    return {
        rounds: v.rounds === undefined ? 20 : numberFlag("--rounds", v.rounds, { min: 1, max: 1000, integer: true }, USAGE),
        out: v.out,
    };
}

async function main(): Promise<void> {
    const { rounds, out } = parseSoakArgs(process.argv.slice(2));
    execFileSync("bash", [path.join(__dirname, "../scripts/base-images.sh")], { stdio: "inherit" });
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

if (require.main === module) {
    main().catch((e: Error) => {
        console.error(`soak: ${e instanceof UsageError ? e.message : (e.stack ?? e.message)}`);
        process.exit(e instanceof UsageError ? 2 : 1);
    });
}
