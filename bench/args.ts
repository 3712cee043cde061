// Command line of `npm run bench`: the full run by default, --quick for CI, a few overrides.
import * as path from "path";
import type { LoadSettings } from "./result";

export interface BenchOptions {
    readonly mode: "full" | "quick";
    readonly load: LoadSettings;
    /** Where the md, JSON and SVG go. */
    readonly outDir: string;
    /** Host ports: article base+1, ours base+2, direct base+3. */
    readonly portBase: number;
    /** Stack name of our configuration. */
    readonly stack: string;
    /** Requests of the weighted-split check. */
    readonly splitRequests: number;
    readonly rebuildCodeRuns: number;
    readonly rebuildColdRuns: number;
    /** Also time the code-only rebuild with a metadata-first Dockerfile. */
    readonly rebuildVariant: boolean;
    /** Re-render md and SVG from this result JSON instead of running. */
    readonly render?: string;
}

const ROOT = path.resolve(__dirname, "..");

export const FULL: BenchOptions = {
    mode: "full",
    load: { sustainedSec: 30, shortSec: 5, rounds: 3, connections: 16, threads: 1, timeoutSec: 5, minIdlePct: 85 },
    outDir: path.join(ROOT, "bench", "results"),
    portBase: 18100,
    stack: "bench",
    splitRequests: 2000,
    rebuildCodeRuns: 3,
    rebuildColdRuns: 2,
    rebuildVariant: true,
};

export const QUICK: BenchOptions = {
    ...FULL,
    mode: "quick",
    load: { ...FULL.load, sustainedSec: 3, shortSec: 1, rounds: 1, minIdlePct: 0 },
    // Quick runs are smoke runs: keep them out of the committed results.
    outDir: path.join(ROOT, ".webstack", "bench"),
    splitRequests: 400,
    rebuildCodeRuns: 1,
    rebuildColdRuns: 1,
    rebuildVariant: false,
};

const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [--rounds N] [--sustained SEC] [--short SEC]
                        [--connections N] [--port-base PORT] [--stack NAME] [--render RESULT.json]`;

/** Parses argv (without node and script); throws with the usage on anything unknown. */
export function parseArgs(argv: readonly string[]): BenchOptions {
    let o: BenchOptions = argv.includes("--quick") ? QUICK : FULL;
    const int = (flag: string, v: string | undefined, min: number, max: number): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min || n > max) {
            throw new Error(`${flag} must be an integer ${min}..${max}, got ${JSON.stringify(v)}\n${USAGE}`);
        }
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const v = argv[i + 1];
        switch (flag) {
            case "--quick":
                continue;
            case "--out":
                o = { ...o, outDir: path.resolve(v ?? "") };
                break;
            case "--rounds":
                o = { ...o, load: { ...o.load, rounds: int(flag, v, 1, 20) } };
                break;
            case "--sustained":
                o = { ...o, load: { ...o.load, sustainedSec: int(flag, v, 1, 600) } };
                break;
            case "--short":
                o = { ...o, load: { ...o.load, shortSec: int(flag, v, 1, 600) } };
                break;
            case "--connections":
                o = { ...o, load: { ...o.load, connections: int(flag, v, 1, 1024) } };
                break;
            case "--port-base":
                // Ports base+1..base+3 must stay inside the bench range 18100-18199.
                o = { ...o, portBase: int(flag, v, 18100, 18190) };
                break;
            case "--stack":
                if (!/^[a-z][a-z0-9-]{0,20}$/.test(v ?? "")) {
                    throw new Error(`--stack must be a short lowercase name, got ${JSON.stringify(v)}\n${USAGE}`);
                }
                o = { ...o, stack: v! };
                break;
            case "--render":
                o = { ...o, render: path.resolve(v ?? "") };
                break;
            default:
                throw new Error(`unknown argument ${JSON.stringify(flag)}\n${USAGE}`);
        }
        i++;
    }
    return o;
}
