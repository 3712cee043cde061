import { parseStackConfig } from "../../lib/config";
import { stat } from "../../bench/stats";
import { SweepResult, renderSweep } from "../../bench/sweepReport";
import { SWEEPS } from "../../bench/sweeps";

const machine = { cores: 2, cpuModel: "AMD EPYC", memGiB: 23.5, kernel: "6.18", docker: "20.10.24", wrk: "4.1.0" };

describe("SWEEPS", () => {
    test.each(Object.entries(SWEEPS).flatMap(([name, s]) => s.points.map((p) => [name, p.label, p] as const)))(
        "%s / %s is valid stack config",
        (_name, _label, p) => {
            const raw = Object.fromEntries(Object.entries(p.config ?? {}).map(([k, v]) => [k, JSON.stringify(v)]));
            expect(() => parseStackConfig(raw)).not.toThrow();
        },
    );
    test("labels are unique within a sweep, and a sweep fits the 20 sweep ports", () => {
        for (const s of Object.values(SWEEPS)) {
            expect(new Set(s.points.map((p) => p.label)).size).toBe(s.points.length);
            expect(s.points.length).toBeLessThanOrEqual(20);
        }
    });
    test("scale sweeps take stack config points only", () => {
        for (const s of Object.values(SWEEPS).filter((x) => x.measure === "scale")) {
            expect(s.points.every((p) => p.kind === "ours")).toBe(true);
        }
    });
});

test("renderSweep: load and scale tables (snapshot)", () => {
    const base = { date: "2026-11-27", machine, runSec: 15, rounds: 3, connections: 16, wallSec: 300 };
    const load: SweepResult = {
        ...base,
        name: "threads",
        about: "threads per worker",
        measure: "load",
        points: [
            {
                point: { label: "ours threads=1", kind: "ours", config: {} },
                runs: [],
                firstServedMs: [],
                reqPerSec: stat([3000, 3100, 2900]),
                p50Ms: stat([4, 4.2, 4.1]),
                p99Ms: stat([15, 16, 17]),
                errors: stat([0, 0, 0]),
            },
            {
                point: { label: "ours threads=4", kind: "ours", config: {} },
                runs: [],
                firstServedMs: [],
                reqPerSec: stat([2800]),
                p50Ms: stat([5]),
                p99Ms: stat([20]),
                errors: stat([0]),
            },
        ],
    };
    const scale: SweepResult = {
        ...base,
        name: "resolver-valid",
        about: "resolver valid",
        measure: "scale",
        points: [
            {
                point: { label: "resolverValidSec=5", kind: "ours", config: {} },
                runs: [],
                firstServedMs: [6000, 7000, 5000],
                firstServed: stat([6000, 7000, 5000]),
            },
        ],
    };
    expect(renderSweep(load)).toContain("| ours threads=1 | 3,000 (2,900–3,100) | 4.1 (4.0–4.2) | 16.0 (15.0–17.0) | 0 (0–0) |");
    expect(renderSweep(scale)).toContain("| resolverValidSec=5 | 6.0 (5.0–7.0) |");
    expect(`${renderSweep(load)}\n${renderSweep(scale)}`).toMatchSnapshot();
});
