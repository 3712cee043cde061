import { cpSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Evaluation, PROGRAM_ROOT, evaluate } from "../../evaluation/evaluate";
import { changeOp, formatPlan, planDiff } from "../../replay/plan";

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

describe("code changes: an edit under a build context is a new image, and what uses it rolls", () => {
    // pulumi-docker provider/provider.go Check adds build.contextDigest; repoDigest is unknown at preview,
    // so every container whose image is that repoDigest shows as a replacement (image is ForceNew).
    let root: string;
    let before: Evaluation;
    beforeAll(async () => {
        root = mkdtempSync(path.join(tmpdir(), "webstack-plan-"));
        for (const dir of ["app", "nginx"]) {
            cpSync(path.join(PROGRAM_ROOT, dir), path.join(root, dir), { recursive: true });
        }
        before = await evaluate({ services: services(2) }, { root });
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test("editing app/app.py: the app image updates and every app replica is replaced create-before-delete, nginx untouched", async () => {
        writeFileSync(path.join(root, "app/app.py"), "\n# a code change\n", { flag: "a" });
        const after = await evaluate({ services: services(2) }, { root });
        const plan = planDiff(before, after);
        const gen = (name: string) => /-([0-9a-f]{6})-\d+$/.exec(name)![1];
        const oldGen = gen(before.resources.find((r) => r.name.startsWith("webstack-application1-"))!.name);
        const steps = plan.steps.map(
            (s) =>
                `${s.op} ${s.name.replace(/-[0-9a-f]{6}-(\d+)$/, (_m, i) => `-<${s.op === "delete" ? "old" : "new"}>-${i}`)} [${s.changedKeys.join(",")}]`,
        );
        expect(steps).toEqual([
            "update webstack-app-image [build]",
            "create webstack-application1-<new>-1 []",
            "create webstack-application2-<new>-1 []",
            "create webstack-application2-<new>-2 []",
            "delete webstack-application1-<old>-1 []",
            "delete webstack-application2-<old>-1 []",
            "delete webstack-application2-<old>-2 []",
        ]);
        expect(plan.steps.filter((s) => s.op === "create").map((s) => gen(s.name))).not.toContain(oldGen);
    });

    test("editing nginx/render.ts (program code, outside nginx's build context) rebuilds nothing", async () => {
        const ref = await evaluate({ services: services(2) }, { root });
        writeFileSync(path.join(root, "nginx/render.ts"), "\n// an edit\n", { flag: "a" });
        const after = await evaluate({ services: services(2) }, { root });
        expect(planDiff(ref, after).counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    });
});
