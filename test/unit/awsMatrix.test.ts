// Issue 20's combination matrix: the aws target under the mock runtime for a strength-3 covering array of
// its feature switches (every triple of switch values appears in some combination), one evaluation per
// combination shared by its checks, and the invariants of test/support/awsInvariants.ts on each. Then a
// plan per one-key flip of a running config, both ways, checked for fixed-name collisions.
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { formatPlan, planDiff } from "../../replay/plan";
import { execRootViolations, nameViolations, reachabilityViolations, secretGrantViolations } from "../support/awsInvariants";
import { planCollisions } from "../support/awsPlanInvariants";
import { Combination, LEVELS, SWITCHES, SWITCH_NAMES, combinationOf, configOf, describeCombination } from "../support/awsSwitches";
import { coveringArray3, coversAllTriples, fullProduct } from "../support/coveringArray";

// The SDK takes a stack trace for every resource and every promise it makes (Resource.callsites,
// debuggablePromise), and jest's source-map support maps each frame: about 90 % of an evaluation's CPU.
// Nothing checked here reads a stack, so the matrix takes none: measured 1867 -> 186 ms CPU per evaluation
// of the default stack on this machine. Error messages are unchanged.
Error.stackTraceLimit = 0;

const ROWS = coveringArray3(LEVELS);
const COMBINATIONS = ROWS.map(combinationOf);
const cache = new Map<string, Evaluation>();
let spentMs = 0;

async function evaluated(c: Combination): Promise<Evaluation> {
    const key = describeCombination(c);
    if (!cache.has(key)) {
        const { config, secretKeys } = configOf(c);
        const start = Date.now();
        cache.set(key, await evaluate(config, { secretKeys }));
        spentMs += Date.now() - start;
    }
    return cache.get(key)!;
}

afterAll(() => {
    console.log(
        `aws matrix: ${COMBINATIONS.length} combinations of ${fullProduct(LEVELS).length} (strength 3), ${cache.size} evaluations in ${(spentMs / 1000).toFixed(1)} s`,
    );
});

test(`the ${COMBINATIONS.length} combinations cover every triple of switch values (full product: ${fullProduct(LEVELS).length})`, () => {
    expect(coversAllTriples(LEVELS, ROWS)).toBe(true);
    // Dropping any one row loses a triple: the greedy adds no row that covers nothing new.
    expect(
        ROWS.every(
            (_, i) =>
                !coversAllTriples(
                    LEVELS,
                    ROWS.filter((__, j) => j !== i),
                ),
        ),
    ).toBe(true);
});

describe.each(COMBINATIONS.map((c) => [describeCombination(c), c] as const))("%s", (_title, c) => {
    let ev: Evaluation;
    beforeAll(async () => {
        ev = await evaluated(c);
    }, 180_000);

    test("evaluates", () => {
        expect(ev.error?.message).toBeUndefined();
    });
    test("every AWS API each task calls is reachable (NAT, or an endpoint admitting its group), and endpoints admit only callers", () => {
        expect(reachabilityViolations(ev, "us-east-1")).toEqual([]);
    });
    test("every secret is granted to its own task's execution role by exact ARN, and to nothing else", () => {
        expect(secretGrantViolations(ev)).toEqual([]);
    });
    test("every name within its AWS limit, every DNS label at most 63", () => {
        expect(nameViolations(ev)).toEqual([]);
    });
    test("a container's root is writable exactly when ECS Exec is on", () => {
        expect(execRootViolations(ev)).toEqual([]);
    });
});

// A running config (every switch at its first value), and each one-key change of it, applied and reverted.
const BASE = combinationOf(LEVELS.map(() => 0));
const FLIPS = SWITCH_NAMES.flatMap((k) =>
    (SWITCHES[k] as readonly unknown[])
        .slice(1)
        .map((v) => [`${k}: ${String(BASE[k])} <-> ${String(v)}`, { ...BASE, [k]: v } as Combination] as const),
);

describe.each(FLIPS)("one-key change %s", (_title, flipped) => {
    let before: Evaluation;
    let after: Evaluation;
    beforeAll(async () => {
        before = await evaluated(BASE);
        after = await evaluated(flipped);
    }, 180_000);

    test("applied: no fixed-name resource replaced create-before-delete or created next to its namesake", () => {
        const plan = planDiff(before, after);
        expect([planCollisions(before, after, plan), formatPlan(plan)]).toEqual([[], formatPlan(plan)]);
    });
    test("reverted: the same", () => {
        const plan = planDiff(after, before);
        expect([planCollisions(after, before, plan), formatPlan(plan)]).toEqual([[], formatPlan(plan)]);
    });
});
