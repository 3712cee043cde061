import { Evaluation, evaluate } from "../../e2e/evaluate";
import { changeOp, formatPlan, planDiff } from "../../e2e/plan";

// What `pulumi preview` would show between two configs, from two mock evaluations.
const services = (a2Replicas: number, a1Weight = 3) => [
    { name: "application1", weight: a1Weight, replicas: 1, workers: 6 },
    { name: "application2", weight: 1, replicas: a2Replicas, workers: 3 },
];

let base: Evaluation;
let up: Evaluation;
let down: Evaluation;
let reweighted: Evaluation;
beforeAll(async () => {
    base = await evaluate({ services: services(2) });
    up = await evaluate({ services: services(3) });
    down = await evaluate({ services: services(1) });
    reweighted = await evaluate({ services: services(2, 5) });
});

describe("scale changes touch only that service's containers", () => {
    test("+1 replica is exactly one create, nothing else changes", () => {
        const plan = planDiff(base, up);
        expect(plan.steps).toEqual([
            {
                op: "create",
                type: "docker:index/container:Container",
                name: expect.stringMatching(/^webstack-application2-[0-9a-f]{6}-3$/),
                changedKeys: [],
            },
        ]);
        expect(plan.counts).toEqual({ create: 1, delete: 0, update: 0, replace: 0, same: 9 });
    });

    test("-1 replica is exactly one delete, of the highest-numbered replica", () => {
        const plan = planDiff(base, down);
        expect(plan.steps).toEqual([
            {
                op: "delete",
                type: "docker:index/container:Container",
                name: expect.stringMatching(/^webstack-application2-[0-9a-f]{6}-2$/),
                changedKeys: [],
            },
        ]);
        expect(plan.counts).toEqual({ create: 0, delete: 1, update: 0, replace: 0, same: 8 });
    });

    test("scaling to 0 deletes that service's containers only", async () => {
        const zero = await evaluate({ services: services(0) });
        expect(planDiff(base, zero).steps.map((s) => `${s.op} ${s.name}`)).toEqual([
            expect.stringMatching(/^delete webstack-application2-[0-9a-f]{6}-1$/),
            expect.stringMatching(/^delete webstack-application2-[0-9a-f]{6}-2$/),
        ]);
    });

    test("a weight change is a new config container (and the old one's delete); nginx and the apps stay", () => {
        const plan = planDiff(base, reweighted);
        expect(plan.steps).toEqual([
            {
                op: "create",
                type: "docker:index/container:Container",
                name: expect.stringMatching(/^webstack-nginx-config-[0-9a-f]{8}$/),
                changedKeys: [],
            },
            {
                op: "delete",
                type: "docker:index/container:Container",
                name: expect.stringMatching(/^webstack-nginx-config-[0-9a-f]{8}$/),
                changedKeys: [],
            },
        ]);
    });

    test("a Gunicorn settings change of a one-replica service creates its new replica before deleting the old", async () => {
        const more = await evaluate({ services: [services(2)[0], { ...services(2)[1], workers: 4 }] });
        const steps = planDiff(base, more).steps.map((s) => `${s.op} ${s.name.replace(/-[0-9a-f]{6}-/, "-<gen>-")}`);
        expect(steps).toEqual([
            "create webstack-application2-<gen>-1",
            "create webstack-application2-<gen>-2",
            "delete webstack-application2-<gen>-1",
            "delete webstack-application2-<gen>-2",
        ]);
    });

    test("the same config twice is an empty plan", () => {
        expect(planDiff(base, base).counts).toEqual({ create: 0, delete: 0, update: 0, replace: 0, same: 9 });
    });

    test("the plan reads like preview", () => {
        expect(formatPlan(planDiff(base, up))).toMatch(
            /^\+ create docker:index\/container:Container webstack-application2-[0-9a-f]{6}-3\n1 to create, 0 to update, 0 to replace, 0 to delete, 9 unchanged$/,
        );
    });
});

describe("changeOp: replace or update, per provider schema", () => {
    test.each([
        ["docker:index/container:Container", ["envs"], "replace"],
        ["docker:index/container:Container", ["restart"], "update"],
        ["docker:index/container:Container", ["memory", "image"], "replace"],
        ["docker:index/network:Network", ["labels"], "replace"],
        ["docker:index/image:Image", ["build"], "update"],
        ["aws:ecs/taskDefinition:TaskDefinition", ["containerDefinitions"], "replace"],
        ["aws:ecs/taskDefinition:TaskDefinition", ["tags"], "update"],
        ["aws:ecs/service:Service", ["desiredCount"], "update"],
        ["aws:ecs/service:Service", ["taskDefinition"], "update"],
        ["aws:ecs/service:Service", ["name"], "replace"],
        ["aws:ec2/vpc:Vpc", ["tags"], "update"],
    ])("%s %j -> %s", (type, keys, op) => {
        expect(changeOp(type, keys)).toBe(op);
    });
});
