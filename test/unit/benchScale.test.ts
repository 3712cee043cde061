// `npm run bench -- --scale` (bench/scale.ts): its options, the services of a replica count, and the
// report assembled from a result.
import { FULL, QUICK } from "../../bench/bench";
import { ReplicaRun, SCALE_FULL, ScaleResult, renderScaleReport, replicaTable, scaleOptions, summarizeReplicas } from "../../bench/scale";
import { ReloadRun } from "../../bench/upstreamScale";
import { replicaServices } from "../../bench/replicas";
import { WrkResult } from "../../bench/wrk";

const wrk = (reqPerSec: number, p50Ms: number, p99Ms: number, errors = 0): WrkResult => ({
    requests: reqPerSec * 10,
    durationSec: 10,
    reqPerSec,
    p50Ms,
    p75Ms: p50Ms,
    p90Ms: p99Ms,
    p99Ms,
    non2xx: errors,
    socketErrors: 0,
    errors,
});

const replicaRuns: ReplicaRun[] = [
    { replicas: 8, round: 0, wrk: wrk(2000, 5, 20) },
    { replicas: 8, round: 1, wrk: wrk(2200, 6, 30) },
    { replicas: 8, round: 2, wrk: wrk(1800, 7, 25, 1) },
    { replicas: 40, round: 0, wrk: wrk(1500, 8, 40) },
    { replicas: 40, round: 1, wrk: wrk(1700, 9, 50) },
];

const reload = (from: number, to: number, rssKiB: number): ReloadRun => ({
    round: 0,
    from,
    to,
    testMs: 12,
    forkedMs: 30,
    workersMs: 240,
    servedMs: 250,
    memory: { masterRssKiB: 9000, rssKiB, pssKiB: rssKiB - 6144, workers: 2 },
});

describe("scaleOptions", () => {
    test("full and quick keep their rounds and run length; out dir, port base and stack come from the flags", () => {
        expect(scaleOptions({ ...FULL, portBase: 18150, stack: "x" })).toEqual({
            ...SCALE_FULL,
            outDir: FULL.outDir,
            portBase: 18150,
            stack: "x-scale",
        });
        const q = scaleOptions(QUICK);
        expect([q.mode, q.rounds, q.closedSec, q.outDir]).toEqual(["quick", 1, 3, QUICK.outDir]);
    });

    test("the sequence the issue names: 8 → 100 → 500 and back, and 40 replicas against 8", () => {
        expect([SCALE_FULL.servers, SCALE_FULL.replicas]).toEqual([
            [8, 100, 500, 100, 8],
            [8, 40],
        ]);
    });
});

describe("replicaServices", () => {
    test.each([
        [8, [4, 4]],
        [40, [20, 20]],
    ])("%d replicas: the default's two services, weights 3:1, 1 worker per replica, %j", (n, parts) => {
        expect(replicaServices(n)).toEqual([
            { name: "application1", weight: 3, replicas: parts[0], workers: 1, threads: 4 },
            { name: "application2", weight: 1, replicas: parts[1], workers: 1, threads: 4 },
        ]);
    });

    test.each([0, 7, 2.5])("refuses %p", (n) => {
        expect(() => replicaServices(n)).toThrow("replicas must be an even number");
    });
});

test("replica runs: medians per count in run order, min–max of req/s, errors summed", () => {
    expect(summarizeReplicas(replicaRuns)).toEqual([
        { replicas: 8, n: 3, reqPerSec: 2000, min: 1800, max: 2200, p50Ms: 6, p99Ms: 25, errors: 1 },
        { replicas: 40, n: 2, reqPerSec: 1600, min: 1500, max: 1700, p50Ms: 8.5, p99Ms: 45, errors: 0 },
    ]);
    expect(
        replicaTable({ replicaRuns, options: { ...SCALE_FULL, portBase: 18100, stack: "b" } })
            .split("\n")
            .slice(2),
    ).toEqual(["| 8 | 3 | 2000 | 1800–2200 | 6.0 | 25.0 | 1 |", "| 40 | 2 | 1600 | 1500–1700 | 8.5 | 45.0 | 0 |"]);
});

describe("renderScaleReport", () => {
    const result: ScaleResult = {
        version: 1,
        mode: "full",
        date: "2026-12-02",
        startedAt: "2026-12-02T03:00:00.000Z",
        wallSec: 300,
        machine: { cores: 2, cpuModel: "AMD EPYC", memGiB: 23.4, kernel: "6.1", docker: "20.10.24", wrk: "4.1.0", h2load: "1.64.0" },
        loadAvg1: 3.5,
        loadAvg1End: 4,
        options: { ...SCALE_FULL, portBase: 18100, stack: "bench-scale" },
        reloads: [reload(8, 100, 20480), reload(100, 500, 22528), reload(500, 100, 20992), reload(100, 8, 20480)],
        replicaRuns,
        notes: [],
    };
    const md = renderScaleReport(result);

    test("names the machine, its cores and the host's load, next to the numbers", () => {
        expect(md).toMatch(/^# Upstream size and replicas, 2026-12-02 \(full\)$/m);
        expect(md).toContain("Machine: 2 cores (AMD EPYC), 23.4 GiB");
        expect(md).toContain("load average 3.5 at the start, 4 at the end");
    });

    test("memory at 8, 100 and 500 servers, from the reloads that ended there", () => {
        expect(md.split("\n").filter((l) => l.startsWith("- at "))).toEqual([
            "- at 8 servers: RSS 20.0 MiB, PSS 14.0 MiB",
            "- at 100 servers: RSS 20.0 MiB, PSS 14.0 MiB",
            "- at 500 servers: RSS 22.0 MiB, PSS 16.0 MiB",
        ]);
    });

    test("both tables, and the notes only when there are some", () => {
        expect(md).toContain("| 100 → 500 | 1 | 12 | 30 | 240 | 250 | 250 | 22.0 | 16.0 |");
        expect(md).toContain("| 40 | 2 | 1600 | 1500–1700 | 8.5 | 45.0 | 0 |");
        expect(md).not.toContain("## Notes");
        expect(renderScaleReport({ ...result, notes: ["run failed: x"] })).toContain("## Notes\n\n- run failed: x\n");
    });

    test("a step that did not run says so", () => {
        expect(renderScaleReport({ ...result, reloads: [] })).toContain("- at 500 servers: not measured");
    });
});
