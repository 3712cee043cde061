// `npm run bench -- --quick` in miniature, through its exported functions: it brings the three
// configurations up on the real engine, drives them closed- and open-loop for a few seconds, tears
// down, and writes md + JSON + SVG. Asserts that it works, nothing about speed. It also checks the
// article fixture against the nginx base's stock main config.
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { mainConfDrift, loadArticleFixture } from "../../bench/article";
import { BenchResult, QUICK, runBench } from "../../bench/bench";
import { writeResults } from "../../bench/report";
import { BENCH_LABEL } from "../../bench/stacks";
import { CONFIG_IDS } from "../../bench/stats";
import { cli, containersByLabel } from "../../replay/docker";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { describeEngine } from "../support/engine";

jest.setTimeout(240_000);

/** Runs `command` in a throwaway container of the nginx base and returns its output. */
const inBase = (command: string) => cli(["run", "--rm", "--entrypoint", "sh", OFFLINE_BASES.nginxBaseImage, "-c", command]);

describeEngine("the article fixture is the article's setup", () => {
    const f = loadArticleFixture();

    test("its main nginx.conf is the base's stock file with the official image's settings, and includes conf.d/", async () => {
        const stock = await inBase("cat /etc/nginx/nginx.conf");
        expect(mainConfDrift(stock, readFileSync(f.mainConf, "utf8"))).toEqual([]);
    });

    test("access.log goes to stdout and error.log to stderr, as in the official image", async () => {
        expect((await inBase("readlink /var/log/nginx/access.log /var/log/nginx/error.log")).trim().split("\n")).toEqual([
            "/dev/stdout",
            "/dev/stderr",
        ]);
    });
});

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

    test("every configuration has closed-loop numbers, and open-loop numbers at every load", () => {
        for (const c of CONFIG_IDS) {
            expect([c, result.closed[c]!.reqPerSec.median > 0, Number.isFinite(result.closed[c]!.p99Ms.median)]).toEqual([c, true, true]);
            for (const pct of QUICK.load.loadPcts) {
                const s = result.open[String(pct)]?.[c];
                expect([
                    c,
                    pct,
                    s!.achievedPerSec.median > 0,
                    Number.isFinite(s!.p99Ms.median) && Number.isFinite(s!.p999Ms.median),
                ]).toEqual([c, pct, true, true]);
            }
        }
        expect(result.goals.map((g) => [g.id, typeof g.measured])).toEqual(result.goals.map((g) => [g.id, "number"]));
    });

    test("the open-loop rates derive from the article's closed-loop median", () => {
        const articleMax = result.closed.article!.reqPerSec.median;
        const asked = QUICK.load.loadPcts.map((pct) => result.open[String(pct)].ours!.requestedPerSec / articleMax);
        expect(asked.map((x) => Math.round(x * 100))).toEqual(QUICK.load.loadPcts);
    });

    test("md, JSON and SVG exist and parse", () => {
        expect(JSON.parse(readFileSync(files.json, "utf8"))).toEqual(JSON.parse(JSON.stringify(result)));
        const md = readFileSync(files.md, "utf8");
        expect(md).toMatch(/^# Benchmark \d{4}-\d{2}-\d{2} \(quick\)/);
        for (const c of CONFIG_IDS) {
            expect(md).toContain(`| ${result.configs[c].label} | `);
        }
        const svg = readFileSync(files.svg, "utf8");
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
        expect(svg.trim().endsWith("</svg>")).toBe(true);
    });

    test("nothing is left running: no bench-labelled or stack containers", async () => {
        expect(await containersByLabel({ [BENCH_LABEL]: `${stack}-${process.pid}` })).toEqual([]);
        expect(await containersByLabel({ "webstack.project": "webstack", "webstack.stack": stack })).toEqual([]);
    });
});
