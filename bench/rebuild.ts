// App image rebuild cost: a one-line change to app.py rebuilt with the build args the program
// declares (as the replay runs them), against a cold --no-cache build. Works on a temp copy of app/.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { cli } from "../e2e/docker";
import { ROOT, appImageResource } from "./ours";
import type { Evaluation } from "../e2e/evaluate";
import type { RebuildResult } from "./result";
import { median } from "./stats";

/** app.py with one line changed: the first `return` line gets a trailing comment naming `n`. */
export function changeOneLine(source: string, n: number): string {
    const lines = source.split("\n");
    const i = lines.findIndex((l) => /^\s*return\b/.test(l));
    if (i < 0) {
        return `${source.replace(/\n?$/, "\n")}# bench rebuild ${n}\n`;
    }
    lines[i] = `${lines[i]}  # bench rebuild ${n}`;
    return lines.join("\n");
}

const METADATA = /^(USER|EXPOSE|CMD|ENTRYPOINT|LABEL|STOPSIGNAL|HEALTHCHECK)\b/i;
const COPIES = /^(COPY|ADD)\b/i;

/** Splits a Dockerfile into instructions, each with the comment lines above it and its continuations. */
export function dockerfileInstructions(text: string): string[][] {
    const out: string[][] = [];
    let cur: string[] = [];
    let continued = false;
    for (const line of text.replace(/\n$/, "").split("\n")) {
        cur.push(line);
        const t = line.trim();
        if (continued || (t !== "" && !t.startsWith("#"))) {
            continued = t.endsWith("\\");
            if (!continued) {
                out.push(cur);
                cur = [];
            }
        }
    }
    if (cur.length > 0) {
        out.push(cur);
    }
    return out;
}

/**
 * The Dockerfile with the metadata-only instructions that follow the last COPY/ADD moved before it,
 * so a code change invalidates one layer instead of that layer plus one commit per metadata step
 * (the classic builder commits a layer for each). Unchanged unless every instruction after that
 * COPY is metadata.
 */
export function metadataFirst(text: string): string {
    const ins = dockerfileInstructions(text);
    const head = (block: string[]) => block.find((l) => l.trim() !== "" && !l.trim().startsWith("#"))?.trim() ?? "";
    const last = ins.map(head).reduce((at, h, i) => (COPIES.test(h) ? i : at), -1);
    if (last < 0) {
        return text;
    }
    const tail = ins.slice(last + 1);
    // A RUN after the COPY would run as a moved USER: then leave the file as it is.
    if (tail.length === 0 || !tail.every((b) => METADATA.test(head(b)) || head(b) === "")) {
        return text;
    }
    return [...ins.slice(0, last), ...tail, ins[last]].flat().join("\n") + "\n";
}

export interface RebuildOptions {
    readonly runId: string;
    readonly codeRuns: number;
    readonly coldRuns: number;
    /** Also time the metadata-first Dockerfile variant. */
    readonly variant: boolean;
}

export async function measureRebuild(ev: Evaluation, o: RebuildOptions): Promise<RebuildResult> {
    const image = appImageResource(ev);
    const build = image.inputs.build as { context: string; args?: Record<string, string> };
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-bench-rebuild-"));
    const tags: string[] = [];
    const time = async (dockerfile: string, noCache: boolean): Promise<number> => {
        const tag = `webstack-bench-rebuild:${o.runId}-${tags.length}`;
        tags.push(tag);
        // As e2e/replay.ts builds: same build args, no network for RUN steps.
        const args = ["build", "--quiet", "--tag", tag, "--file", path.join(dir, dockerfile)];
        for (const [k, v] of Object.entries(build.args ?? {})) {
            args.push("--build-arg", `${k}=${v}`);
        }
        args.push("--network", "none", ...(noCache ? ["--no-cache"] : []), dir);
        const t0 = performance.now();
        await cli(args, { timeoutMs: 300_000 });
        return (performance.now() - t0) / 1000;
    };
    try {
        cpSync(path.resolve(ROOT, build.context), dir, { recursive: true });
        const appPy = readFileSync(path.join(dir, "app.py"), "utf8");
        const dockerfile = readFileSync(path.join(dir, "Dockerfile"), "utf8");
        // Nothing to compare when app/Dockerfile already has its metadata before the code.
        const variant = o.variant && metadataFirst(dockerfile) !== dockerfile;
        writeFileSync(path.join(dir, "Dockerfile.metadata-first"), metadataFirst(dockerfile));
        const codeOnly = async (dockerfile: string, from: number): Promise<number[]> => {
            writeFileSync(path.join(dir, "app.py"), appPy);
            await time(dockerfile, false); // warm: the dependency layers come from the cache, as on a dev machine
            const out: number[] = [];
            for (let i = 0; i < o.codeRuns; i++) {
                writeFileSync(path.join(dir, "app.py"), changeOneLine(appPy, from + i));
                out.push(await time(dockerfile, false));
            }
            return out;
        };
        const codeOnlySec = await codeOnly("Dockerfile", 1);
        // The same context again: every step a cache hit, the floor of any rebuild with this builder.
        const unchangedSec = await time("Dockerfile", false);
        const variantCodeOnlySec = variant ? await codeOnly("Dockerfile.metadata-first", 100) : undefined;
        writeFileSync(path.join(dir, "app.py"), appPy);
        const coldSec: number[] = [];
        for (let i = 0; i < o.coldRuns; i++) {
            coldSec.push(await time("Dockerfile", true));
        }
        return {
            coldSec,
            codeOnlySec,
            unchangedSec,
            ratio: median(codeOnlySec) / median(coldSec),
            ...(variantCodeOnlySec ? { variantCodeOnlySec, variantRatio: median(variantCodeOnlySec) / median(coldSec) } : {}),
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
        await cli(["rmi", "--force", ...tags]).catch(() => undefined);
    }
}
