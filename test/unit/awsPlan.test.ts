// What `pulumi preview` would show on AWS between two configs (e2e/plan.ts over two mock evaluations):
// scaling one service changes only that ECS service's desiredCount; a weight change registers a new
// nginx task definition revision and rolls the nginx service onto it in place.
import { Evaluation, evaluate } from "../../e2e/evaluate";
import { formatPlan, planDiff } from "../../e2e/plan";
import { AWS } from "../../e2e/resourceTypes";

const config = (app2Replicas: number, app1Weight = 3) => ({
    target: "aws",
    "aws:region": "us-east-1",
    services: [
        { name: "application1", weight: app1Weight, replicas: 1, workers: 6 },
        { name: "application2", weight: 1, replicas: app2Replicas, workers: 3 },
    ],
});

let base: Evaluation;
let scaled: Evaluation;
let reweighted: Evaluation;
let same: Evaluation;
beforeAll(async () => {
    base = await evaluate(config(1));
    scaled = await evaluate(config(4));
    reweighted = await evaluate(config(1, 5));
    same = await evaluate(config(1));
}, 90_000);

const customCount = (ev: Evaluation) => ev.resources.filter((r) => r.custom).length;

describe("aws plan diffs", () => {
    test("all four evaluations succeed with the same 72 custom resources", () => {
        for (const ev of [base, scaled, reweighted, same]) {
            expect(ev.error).toBeUndefined();
            expect(customCount(ev)).toBe(72);
        }
    });

    test("the same config twice is an empty plan (mock IDs and ARNs are functions of the inputs)", () => {
        expect(planDiff(base, same).counts).toEqual({ create: 0, delete: 0, update: 0, replace: 0, same: 72 });
    });

    test("replicas 1 -> 4 of application2: only that ECS service's desiredCount changes (and the dashboard's expected shares)", () => {
        const plan = planDiff(base, scaled);
        expect(plan.steps).toEqual([
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            { op: "update", type: AWS.service, name: "webstack-application2", changedKeys: ["desiredCount"] },
        ]);
        expect(plan.counts).toEqual({ create: 0, delete: 0, update: 2, replace: 0, same: 70 });
        const before = base.resources.find((r) => r.name === "webstack-application2" && r.type === AWS.service)!;
        const after = scaled.resources.find((r) => r.name === "webstack-application2" && r.type === AWS.service)!;
        expect([before.inputs.desiredCount, after.inputs.desiredCount]).toEqual([1, 4]);
        // The expected shares move with the replicas; the nginx config (names and weights only) does not.
        expect(scaled.outputs!.upstreams).toEqual({
            application1: { weight: 3, replicas: 1, expectedShare: 0.4286 },
            application2: { weight: 1, replicas: 4, expectedShare: 0.5714 },
        });
    });

    test("weight 3 -> 5 of application1: a new nginx task definition, the nginx service updated in place, the dashboard's shares, nothing else", () => {
        const plan = planDiff(base, reweighted);
        expect(plan.steps).toEqual([
            // The nginx task definition waits for the NLB's DNS name (nginx answers it), so it is declared after the dashboard.
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            { op: "replace", type: AWS.taskDefinition, name: "webstack-nginx", changedKeys: ["containerDefinitions"] },
            { op: "update", type: AWS.service, name: "webstack-nginx", changedKeys: ["taskDefinition"] },
        ]);
        expect(plan.counts).toEqual({ create: 0, delete: 0, update: 2, replace: 1, same: 69 });
        const td = (ev: Evaluation) => ev.resources.find((r) => r.name === "webstack-nginx" && r.type === AWS.taskDefinition)!;
        expect(td(base).inputs.containerDefinitions).toContain(
            "server application1.webstack-dev.internal:8000 weight=3 max_fails=1 fail_timeout=2s resolve;",
        );
        expect(td(reweighted).inputs.containerDefinitions).toContain(
            "server application1.webstack-dev.internal:8000 weight=5 max_fails=1 fail_timeout=2s resolve;",
        );
        expect(td(reweighted).state.arn).not.toBe(td(base).state.arn);
        expect(formatPlan(plan)).toBe(
            [
                "~ update aws:cloudwatch/dashboard:Dashboard webstack-dashboard [dashboardBody]",
                "+- replace aws:ecs/taskDefinition:TaskDefinition webstack-nginx [containerDefinitions]",
                "~ update aws:ecs/service:Service webstack-nginx [taskDefinition]",
                "0 to create, 2 to update, 1 to replace, 0 to delete, 69 unchanged",
            ].join("\n"),
        );
    });
});
