// Issue 18's fuzz suite: random and mutated stack configs for both targets, with real keys and
// certificates, through the parser (thousands) and a sample through the whole program under Pulumi's mock
// runtime. Properties: each input is accepted or refused with exactly one ConfigError whose every problem
// names a config key; nothing else is ever thrown; no message holds SECRET_RUN characters of a secret; a
// refused config declares nothing; an accepted config breaks none of the rules (accepted-bad).
// The seed is fixed so CI is repeatable; FUZZ_SEED=<n> (and FUZZ_RUNS=<n>) explore further.
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../../evaluation/evaluate";
import { parseStackConfig } from "../../lib/config/config";
import { ConfigError, SECRET_RUN } from "../../lib/config/validate";
import { FuzzCase, Material, acceptedBad, arbitraries, makeMaterial, secretsOf } from "../support/configFuzz";
import { MIN_LEAK, leakOf } from "../support/leaks";

const SEED = Number(process.env.FUZZ_SEED ?? 18_2026);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const EVALUATIONS = 6;
const PROJECT = "webstack";
const STACK = "dev";
// Every problem starts with the key it is about (a key name that is no name shows as <a key name of N characters>).
const KEY = /^(webstack:|aws:region)[^;]*?: got /;

interface Outcome {
    readonly c: FuzzCase;
    readonly accepted: boolean;
    readonly problems: readonly string[];
    readonly failures: readonly string[];
}

/** One case through the parser, with every property checked. */
function check(c: FuzzCase): Outcome {
    const failures: string[] = [];
    let problems: readonly string[] = [];
    let accepted = false;
    try {
        const cfg = parseStackConfig(c.raw, {
            awsRegion: c.awsRegion,
            secretKeys: new Set(c.secretKeys),
            project: PROJECT,
            stack: STACK,
        });
        accepted = true;
        const bad = acceptedBad(c, cfg, PROJECT, STACK);
        if (bad) {
            failures.push(`accepted-bad: ${bad}`);
        }
    } catch (e) {
        if (!(e instanceof ConfigError) || !pulumi.RunError.isInstance(e)) {
            failures.push(`crash: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        } else {
            problems = e.problems;
            if (problems.length === 0 || problems.some((p) => !KEY.test(p))) {
                failures.push(`a problem names no key: ${problems.find((p) => !KEY.test(p)) ?? "(none listed)"}`);
            }
            const message = e.message;
            for (const s of secretsOf(c)) {
                const leak = leakOf(message, s);
                if (leak) {
                    failures.push(`leak of ${JSON.stringify(leak)}: ${message.slice(0, 300)}`);
                }
            }
        }
    }
    return { c, accepted, problems, failures };
}

let material: Material;
const outcomes: Outcome[] = [];
const byTarget: Record<string, Outcome[]> = {};
const evaluated = { refused: 0, accepted: 0 };

beforeAll(() => {
    material = makeMaterial();
});

afterAll(() => {
    const errors = outcomes.filter((o) => !o.accepted).length;
    const crashes = outcomes.filter((o) => o.failures.some((f) => f.startsWith("crash"))).length;
    const acceptedBadCount = outcomes.filter((o) => o.failures.some((f) => f.startsWith("accepted-bad"))).length;
    const leaks = outcomes.filter((o) => o.failures.some((f) => f.startsWith("leak"))).length;
    console.log(
        `[config fuzz] seed ${SEED}: ${outcomes.length} cases (${outcomes.filter((o) => o.c.target === "local").length} local, ` +
            `${outcomes.filter((o) => o.c.target === "aws").length} aws), ${outcomes.length - errors} accepted, ${errors} errors, ` +
            `${crashes} crashes, ${acceptedBadCount} accepted-bad, ${leaks} leaks (>= ${MIN_LEAK} characters; the guard uses ${SECRET_RUN}); ` +
            `${outcomes.reduce((n, o) => n + secretsOf(o.c).length, 0)} secrets placed; under the mock runtime ` +
            `${evaluated.refused} refused (0 resources each) and ${evaluated.accepted} accepted`,
    );
});

describe.each(["local", "aws"] as const)("config fuzz, %s target", (target) => {
    test(`${RUNS} cases through the parser: one ConfigError naming keys, or a config that breaks no rule; no leak, no crash`, () => {
        const cases = fc.sample(arbitraries(material)[target], { numRuns: RUNS, seed: SEED + (target === "aws" ? 1 : 0) });
        const results = cases.map(check);
        outcomes.push(...results);
        byTarget[target] = results;
        const failed = results.filter((o) => o.failures.length > 0);
        expect(failed.slice(0, 3).map((o) => ({ raw: o.c.raw, secretKeys: o.c.secretKeys, failures: o.failures }))).toEqual([]);
        // Enough of each outcome for the properties to bite.
        expect(results.filter((o) => o.accepted).length).toBeGreaterThan(RUNS / 20);
        expect(results.filter((o) => !o.accepted).length).toBeGreaterThan(RUNS / 4);
    });

    test(`a sample through the whole program under the mock runtime: refused means zero resources, the same problems`, async () => {
        const checked = byTarget[target] ?? [];
        expect(checked.length).toBe(RUNS);
        // Mostly refused configs (the zero-resources property), a few accepted ones (they must evaluate).
        const sample = [...checked.filter((o) => !o.accepted).slice(0, EVALUATIONS - 2), ...checked.filter((o) => o.accepted).slice(0, 2)];
        for (const o of sample) {
            const config: Record<string, string> = { ...o.c.raw, ...(o.c.awsRegion !== undefined ? { "aws:region": o.c.awsRegion } : {}) };
            const ev = await evaluate(config, { project: PROJECT, stack: STACK, secretKeys: [...o.c.secretKeys] });
            evaluated[o.accepted ? "accepted" : "refused"]++;
            if (o.accepted) {
                expect({ raw: o.c.raw, error: ev.error?.message }).toEqual({ raw: o.c.raw, error: undefined });
            } else {
                expect({ raw: o.c.raw, runError: pulumi.RunError.isInstance(ev.error), resources: ev.resources.length }).toEqual({
                    raw: o.c.raw,
                    runError: true,
                    resources: 0,
                });
                expect((ev.error as ConfigError).problems).toEqual(o.problems);
            }
        }
    }, 120_000);
});
