import { expectedShareOf, parseSteps, weightsForPercent } from "../../rollout/weights";
import { computeUpstreams } from "../../lib/upstreams";

const two = (stableReplicas: number, canaryReplicas: number, extra: { name: string; weight: number; replicas: number }[] = []) => [
    { name: "stable", weight: 1, replicas: stableReplicas },
    { name: "canary", weight: 1, replicas: canaryReplicas },
    ...extra,
];

describe("weightsForPercent: the nearest achievable share with integer weights 1..100", () => {
    test.each([
        // label, stable replicas, canary replicas, percent, stable weight, canary weight, exact share
        ["half of equal replicas is 1:1, the smallest weights", 1, 1, 50, 1, 1, 0.5],
        ["10 % of equal replicas", 1, 1, 10, 9, 1, 0.1],
        ["5 % of equal replicas", 2, 2, 5, 19, 1, 0.05],
        ["25 % with 3 stable replicas is 1:1 (the replicas do it)", 3, 1, 25, 1, 1, 0.25],
        ["50 % with 4 stable and 2 canary replicas: the canary weighs twice", 4, 2, 50, 1, 2, 0.5],
        ["33 % exactly (33:67) beats 1:2 (33.3 %)", 1, 1, 33, 67, 33, 0.33],
        ["1 % of 2 stable replicas is exact at 99:2", 2, 1, 1, 99, 2, 0.01],
        ["0.7 % of 2 stable replicas rounds to 71:1 (1/143 = 0.699 %)", 2, 1, 0.7, 71, 1, 1 / 143],
        ["0.5 % is out of reach: weight 100:1 gives 0.990 %", 1, 1, 0.5, 100, 1, 1 / 101],
        ["99.5 % is out of reach below 100: 1:100 gives 99.01 %", 1, 1, 99.5, 1, 100, 100 / 101],
        ["90 % of 1 stable vs 3 canary replicas: 1:3 (9/10)", 1, 3, 90, 1, 3, 0.9],
    ])("%s", (_label, rs, rc, percent, ws, wc, share) => {
        const plan = weightsForPercent(two(rs, rc), "stable", "canary", percent);
        expect(plan.services.map((s) => [s.name, s.weight, s.replicas, s.backup])).toEqual([
            ["stable", ws, rs, false],
            ["canary", wc, rc, false],
        ]);
        expect(plan.expectedShare).toBeCloseTo(share, 12);
        // The share stated is the one the stack will export.
        expect(computeUpstreams(plan.services).canary.expectedShare).toBeCloseTo(share, 4);
    });

    test("a third service keeps its weight; the canary's share counts its traffic", () => {
        const plan = weightsForPercent(two(1, 1, [{ name: "other", weight: 2, replicas: 1 }]), "stable", "canary", 25);
        expect(plan.services.find((s) => s.name === "other")).toEqual({ name: "other", weight: 2, replicas: 1 });
        expect(plan.expectedShare).toBeCloseTo(0.25, 12);
        expect(expectedShareOf(plan.services, "canary")).toBeCloseTo(0.25, 12);
    });

    test("100 %: every other service becomes an nginx backup, so the canary's share is exactly 1 and their replicas stay", () => {
        const plan = weightsForPercent(two(2, 1, [{ name: "other", weight: 3, replicas: 1 }]), "stable", "canary", 100);
        expect(plan.services.map((s) => [s.name, s.backup, s.replicas])).toEqual([
            ["stable", true, 2],
            ["canary", false, 1],
            ["other", true, 1],
        ]);
        expect(plan.expectedShare).toBe(1);
        expect(computeUpstreams(plan.services)).toMatchObject({ stable: { expectedShare: 0 }, canary: { expectedShare: 1 } });
    });

    test.each([
        ["a canary with no replicas", two(1, 0), "stable", "canary", 10, /0 replicas/],
        ["an unknown service", two(1, 1), "stable", "nope", 10, /no service named 'nope'/],
        ["the same service twice", two(1, 1), "stable", "stable", 10, /two different services/],
        ["0 %", two(1, 1), "stable", "canary", 0, /\(0, 100\]/],
        ["more than 100 %", two(1, 1), "stable", "canary", 101, /\(0, 100\]/],
    ])("refuses %s", (_label, services, from, to, percent, message) => {
        expect(() => weightsForPercent(services, from, to, percent)).toThrow(message);
    });
});

describe("parseSteps", () => {
    test("increasing percents", () => {
        expect(parseSteps("5,25, 50,100")).toEqual([5, 25, 50, 100]);
    });
    test.each([["5,5"], ["50,25"], ["0,10"], ["10,150"], ["ten"], [""]])("refuses '%s'", (text) => {
        expect(() => parseSteps(text)).toThrow(/--steps/);
    });
});
