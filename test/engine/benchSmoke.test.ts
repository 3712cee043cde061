// `npm run bench -- --quick` in miniature, through its exported functions: it brings the three
// configurations up on the real engine, drives them for a few seconds, measures split, scale-up and
// rebuild, tears down, and writes md + JSON + SVG. Asserts that it works, nothing about speed.
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { QUICK } from "../../bench/args";
import { runBench } from "../../bench/bench";
import { BENCH_LABEL } from "../../bench/host";
import { writeResults } from "../../bench/outputs";
import type { BenchResult } from "../../bench/result";
import { CONFIG_IDS, RUN_KINDS } from "../../bench/stats";
import { containersByLabel } from "../../e2e/docker";
import { describeEngine } from "../support/engine";

jest.setTimeout(240_000);

describeEngine("benchmark --quick on the real engine (smoke)", () => {
    const out = mkdtempSync(path.join(tmpdir(), "webstack-bench-smoke-"));
    const stack = "benchsmoke";
    let result: BenchResult;
    let files: { json: string; md: string; svg: string };
    const lines: string[] = [];

    beforeAll(async () => {
        result = await runBench({ ...QUICK, outDir: out, portBase: 18120, stack }, (l) => lines.push(l));
        files = writeResults(result, out);
    });
    afterAll(() => {
        console.log(lines.join("\n"));
        rmSync(out, { recursive: true, force: true });
    });

    test("every phase ran: no notes of failures", () => {
        expect(result.notes).toEqual([]);
    });

    test("every configuration has numbers for both run kinds", () => {
        for (const c of CONFIG_IDS) {
            for (const k of RUN_KINDS) {
                const s = result.summary[c]?.[k];
                expect([c, k, s && Number.isFinite(s.reqPerSec.median) && s.reqPerSec.median > 0]).toEqual([c, k, true]);
                expect(Number.isFinite(s!.p50Ms.median) && Number.isFinite(s!.p99Ms.median)).toBe(true);
                expect(Number.isFinite(s!.errors.median)).toBe(true);
            }
        }
        expect(result.runs).toHaveLength(CONFIG_IDS.length * RUN_KINDS.length);
        expect(Number.isFinite(result.ratios.rpsOursOverArticle!) && Number.isFinite(result.ratios.rpsOursOverDirect!)).toBe(true);
    });

    test("split, scale-up and rebuild were measured; every goal has a value", () => {
        expect(result.split?.rows.map((r) => r.service).sort()).toEqual(["application1", "application2"]);
        expect(result.scaleUp?.firstServedMs).toEqual(expect.any(Number));
        expect(result.rebuild?.coldSec[0]).toBeGreaterThan(0);
        expect(result.goals.map((g) => [g.id, typeof g.measured])).toEqual(result.goals.map((g) => [g.id, "number"]));
    });

    test("md, JSON and SVG exist and parse", () => {
        expect(JSON.parse(readFileSync(files.json, "utf8"))).toEqual(JSON.parse(JSON.stringify(result)));
        const md = readFileSync(files.md, "utf8");
        expect(md).toMatch(/^# Benchmark \d{4}-\d{2}-\d{2} \(quick\)/);
        for (const c of CONFIG_IDS) {
            expect(md).toContain(`| ${result.configs[c].label} | sustained`);
        }
        const svg = readFileSync(files.svg, "utf8");
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
        expect(svg.trim().endsWith("</svg>")).toBe(true);
        expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThanOrEqual(1 + 2 * CONFIG_IDS.length * RUN_KINDS.length);
    });

    test("nothing is left running: no bench-labelled or stack containers", async () => {
        expect(await containersByLabel({ [BENCH_LABEL]: `${stack}-${process.pid}` })).toEqual([]);
        expect(await containersByLabel({ "webstack.project": "webstack", "webstack.stack": stack })).toEqual([]);
    });
});
