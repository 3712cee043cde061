// What `pulumi preview` would show on AWS between two configs (replay/plan.ts over two mock evaluations):
// scaling one service changes only that ECS service's desiredCount; a weight change registers a new
// nginx task definition revision and rolls the nginx service onto it in place.
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { formatPlan, planDiff } from "../../replay/plan";
import { AWS } from "../../evaluation/resourceTypes";

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
    test("all four evaluations succeed with the same 85 custom resources", () => {
        for (const ev of [base, scaled, reweighted, same]) {
            expect(ev.error).toBeUndefined();
            expect(customCount(ev)).toBe(88);
        }
    });

    test("the same config twice is an empty plan (mock IDs and ARNs are functions of the inputs)", () => {
        expect(planDiff(base, same).counts).toEqual({ create: 0, delete: 0, update: 0, replace: 0, same: 88 });
    });

    test("replicas 1 -> 4 of application2: only that ECS service's desiredCount changes (and the dashboard's expected shares)", () => {
        const plan = planDiff(base, scaled);
        expect(plan.steps).toEqual([
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            { op: "update", type: AWS.service, name: "webstack-application2", changedKeys: ["desiredCount"] },
        ]);
        expect(plan.counts).toEqual({ create: 0, delete: 0, update: 2, replace: 0, same: 86 });
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
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            {
                op: "replace",
                type: AWS.taskDefinition,
                name: "webstack-nginx",
                changedKeys: ["containerDefinitions"],
                replaceKeys: ["containerDefinitions"],
                deleteBeforeReplace: false,
            },
            { op: "update", type: AWS.service, name: "webstack-nginx", changedKeys: ["taskDefinition"] },
        ]);
        expect(plan.counts).toEqual({ create: 0, delete: 0, update: 2, replace: 1, same: 85 });
        const td = (ev: Evaluation) => ev.resources.find((r) => r.name === "webstack-nginx" && r.type === AWS.taskDefinition)!;
        // The per-replica weight reaches nginx through its discovery sidecar's config, which renders every task's server line.
        const weightOf = (ev: Evaluation) => {
            const defs = JSON.parse(td(ev).inputs.containerDefinitions as string) as {
                name: string;
                environment: { name: string; value: string }[];
            }[];
            const config = defs.find((d) => d.name === "discovery")!.environment.find((e) => e.name === "WEBSTACK_DISCOVERY_CONFIG")!.value;
            return (JSON.parse(config) as { services: { name: string; weight: number }[] }).services.find((x) => x.name === "application1")!
                .weight;
        };
        expect([weightOf(base), weightOf(reweighted)]).toEqual([3, 5]);
        expect(td(reweighted).state.arn).not.toBe(td(base).state.arn);
        expect(formatPlan(plan)).toBe(
            [
                "~ update aws:cloudwatch/dashboard:Dashboard webstack-dashboard [dashboardBody]",
                "+- replace aws:ecs/taskDefinition:TaskDefinition webstack-nginx [containerDefinitions] (create before delete)",
                "~ update aws:ecs/service:Service webstack-nginx [taskDefinition]",
                "0 to create, 2 to update, 1 to replace, 0 to delete, 85 unchanged",
            ].join("\n"),
        );
    });
});

describe("one execution role per ECS service (issue 18 finding 5): the stack's former single role moves to the first app service", () => {
    // The stack as deployed before: one component `webstack-execution` (its Role and RolePolicy of the same
    // name), used by every task definition. Built from today's evaluation by giving application1's role
    // back its former URNs and dropping the other two roles, which did not exist.
    const formerUrn = (urn: string) => urn.replace(/webstack-application1-execution$/, "webstack-execution");
    const former = (ev: Evaluation): Evaluation => ({
        resources: ev.resources
            .filter((r) => !/webstack-(application2|nginx)-execution$/.test(r.name))
            .map((r) => (r.name === "webstack-application1-execution" ? { ...r, name: "webstack-execution", urn: formerUrn(r.urn) } : r)),
    });

    test("the role and its policy are found under their former names: updated in place, never deleted or re-created", () => {
        const plan = planDiff(former(base), base);
        const execution = plan.steps.filter((s) => s.name.endsWith("-execution"));
        expect(execution.map((s) => `${s.op} ${s.type} ${s.name}`).sort()).toEqual([
            `create ${AWS.role} webstack-application2-execution`,
            `create ${AWS.role} webstack-nginx-execution`,
            `create ${AWS.rolePolicy} webstack-application2-execution`,
            `create ${AWS.rolePolicy} webstack-nginx-execution`,
        ]);
        expect(plan.counts.delete).toBe(0);
    });

    test("the aliases are declared: application1's role and policy name their former URNs, the others none", () => {
        const of = (type: string, name: string) => base.resources.find((r) => r.type === type && r.name === name)!;
        for (const type of [AWS.role, AWS.rolePolicy]) {
            const r = of(type, "webstack-application1-execution");
            expect(r.aliasUrns).toEqual([formerUrn(r.urn)]);
            expect(of(type, "webstack-nginx-execution").aliasUrns).toEqual([]);
        }
    });
});
