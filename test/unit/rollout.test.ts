// Rolling-deploy sizing against Cloud Map's 8-answer limit (lib/rollout.ts), with ECS's rounding:
// peak = floor(desired × max / 100), kept = ceil(desired × minHealthy / 100).
import { CLOUD_MAP_MAX_ANSWERS } from "../../lib/awsFacts";
import { MIN_HEALTHY_FLOOR_PERCENT, rolloutAt, rolloutFixes, rolloutKeepsFloor, rolloutPercents } from "../../lib/rollout";

describe("rolloutPercents: fixed replica counts", () => {
    test.each([
        // replicas, max%, minHealthy%, peak tasks, kept tasks
        [1, 200, 100, 2, 1],
        [2, 200, 100, 4, 2],
        [4, 200, 100, 8, 4],
        [5, 179, 100, 8, 5],
        [6, 149, 100, 8, 6],
        [7, 128, 100, 8, 7],
        // 8 tasks leave no room to surge: replace one at a time, 7 keep serving.
        [8, 112, 87, 8, 7],
    ])("%i replicas: max %i%%, min healthy %i%% (peak %i, kept %i)", (d, max, min, peak, kept) => {
        const p = rolloutPercents(d, d);
        expect(p).toEqual({ maximumPercent: max, minimumHealthyPercent: min });
        expect(rolloutAt(d, p)).toEqual({ peakTasks: peak, keptTasks: kept });
    });

    test("0 replicas keep ECS's defaults (nothing runs, nothing registers)", () => {
        expect(rolloutPercents(0, 0)).toEqual({ maximumPercent: 200, minimumHealthyPercent: 100 });
    });
});

describe("rolloutPercents: autoscaling ranges", () => {
    test.each([
        // min, max, max%, minHealthy%
        [1, 4, 200, 100],
        [2, 5, 179, 100],
        [2, 8, 112, 50],
        [3, 8, 112, 66],
        [4, 8, 112, 75],
        [1, 8, 112, 0],
        [1, 5, 179, 0],
    ])("%i..%i: max %i%%, min healthy %i%%", (lo, hi, max, min) => {
        expect(rolloutPercents(lo, hi)).toEqual({ maximumPercent: max, minimumHealthyPercent: min });
    });

    test("ranges below the healthy floor are refused, with the nearest ranges that work as fixes", () => {
        expect(rolloutKeepsFloor(1, 4)).toBe(true);
        expect(rolloutKeepsFloor(1, 5)).toBe(false);
        expect(rolloutFixes(1, 5)).toEqual({ max: 4, min: 2 });
        expect(rolloutFixes(1, 8)).toEqual({ max: 4, min: 2 });
    });
});

describe("every allowed count, simulated with ECS's rounding", () => {
    const counts = Array.from({ length: CLOUD_MAP_MAX_ANSWERS }, (_, i) => i + 1);
    const ranges = counts.flatMap((lo) => counts.filter((hi) => hi >= lo).map((hi) => [lo, hi] as const));

    test.each(ranges)("%i..%i: never more than 8 registered, always room for one new task, floor kept or refused", (lo, hi) => {
        const p = rolloutPercents(lo, hi);
        for (let d = lo; d <= hi; d++) {
            const at = rolloutAt(d, p);
            expect(at.peakTasks).toBeLessThanOrEqual(CLOUD_MAP_MAX_ANSWERS);
            expect(at.peakTasks - at.keptTasks).toBeGreaterThanOrEqual(1);
            // Never keep more than asked for (ECS would then have nothing to stop).
            expect(at.keptTasks).toBeLessThanOrEqual(d);
        }
        if (rolloutKeepsFloor(lo, hi)) {
            expect(p.minimumHealthyPercent).toBeGreaterThanOrEqual(MIN_HEALTHY_FLOOR_PERCENT);
        }
        // The percentages are the largest that hold: one more maximumPercent would break the cap.
        if (p.maximumPercent < 200) {
            expect(rolloutAt(hi, { ...p, maximumPercent: p.maximumPercent + 1 }).peakTasks).toBe(CLOUD_MAP_MAX_ANSWERS + 1);
        }
    });

    test("every fixed count keeps at least 87% serving during a deploy", () => {
        expect(Math.min(...counts.map((d) => rolloutPercents(d, d).minimumHealthyPercent))).toBe(87);
    });
});
