// Rolling-deploy bounds and the aws task limit they imply (lib/aws/rollout.ts), with ECS's rounding:
// peak = floor(desired × max / 100), kept = ceil(desired × minHealthy / 100).
import { CLOUD_MAP_QUOTAS } from "../../lib/aws/facts";
import { APP_ROLLOUT, AWS_MAX_TASKS_PER_SERVICE, ECS_DEFAULT_ROLLOUT, rolloutAt } from "../../lib/aws/rollout";

describe("ECS's rounding", () => {
    test.each([
        // desired, max%, minHealthy%, peak tasks, kept tasks
        [1, 200, 100, 2, 1],
        [5, 179, 100, 8, 5],
        [8, 112, 87, 8, 7],
        [7, 150, 50, 10, 4],
        [500, 200, 100, 1000, 500],
    ])("%i tasks at max %i%%, min healthy %i%%: peak %i, kept %i", (d, max, min, peak, kept) => {
        expect(rolloutAt(d, { maximumPercent: max, minimumHealthyPercent: min })).toEqual({ peakTasks: peak, keptTasks: kept });
    });
});

describe("app services deploy with ECS's defaults, no longer bent to 8 DNS answers", () => {
    test("every app service rolls out a full new set before stopping old tasks (200 % / 100 %)", () => {
        expect(APP_ROLLOUT).toEqual({ maximumPercent: 200, minimumHealthyPercent: 100 });
        expect(APP_ROLLOUT).toEqual(ECS_DEFAULT_ROLLOUT);
    });

    test("the aws limit is the largest count whose deploy peak fits Cloud Map's instances per service: max × maximumPercent / 100 ≤ 1,000", () => {
        expect(AWS_MAX_TASKS_PER_SERVICE).toBe(500);
        expect(rolloutAt(AWS_MAX_TASKS_PER_SERVICE, APP_ROLLOUT).peakTasks).toBeLessThanOrEqual(CLOUD_MAP_QUOTAS.instancesPerService);
        // One more task and the peak would need more instances than the quota allows.
        expect(rolloutAt(AWS_MAX_TASKS_PER_SERVICE + 1, APP_ROLLOUT).peakTasks).toBeGreaterThan(CLOUD_MAP_QUOTAS.instancesPerService);
    });

    test.each([1, 2, 8, 9, 200, 499, 500])("%i tasks: a deploy can always start a new task, and keeps every old one serving", (d) => {
        const at = rolloutAt(d, APP_ROLLOUT);
        expect(at.peakTasks - at.keptTasks).toBeGreaterThanOrEqual(1);
        expect(at.keptTasks).toBe(d);
    });
});
