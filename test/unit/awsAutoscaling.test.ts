// Autoscaling on the aws target, under the mock runtime: what is declared, and that a later `pulumi up`
// leaves an autoscaled service's live task count alone (e2e/plan.ts honours ignoreChanges as the engine does).
import { Evaluation, evaluate } from "../../e2e/evaluate";
import { planDiff } from "../../e2e/plan";
import { AWS } from "../../e2e/resourceTypes";
import { TRACKED_METRICS } from "../../components/aws/autoscaling";

const TARGET = AWS.scalingTarget;
const POLICY = AWS.scalingPolicy;

const config = (app2: Record<string, unknown>, app1Replicas = 1) => ({
    target: "aws",
    "aws:region": "us-east-1",
    services: [
        { name: "application1", weight: 3, replicas: app1Replicas, workers: 6 },
        { name: "application2", weight: 1, replicas: 2, autoscaling: { min: 2, max: 6 }, ...app2 },
    ],
    aws: { nginxAutoscaling: { min: 2, max: 4, cpuPercent: 50 } },
});

let base: Evaluation;
let rescaled: Evaluation;
let fixedScaled: Evaluation;
let widened: Evaluation;
beforeAll(async () => {
    base = await evaluate(config({}));
    rescaled = await evaluate(config({ replicas: 4 }));
    fixedScaled = await evaluate(config({}, 2));
    widened = await evaluate(config({ autoscaling: { min: 2, max: 500 } }));
}, 90_000);

const find = (ev: Evaluation, type: string, name: string) => {
    const r = ev.resources.find((x) => x.type === type && x.name === name);
    if (!r) {
        throw new Error(`no ${type} ${name}; have ${ev.resources.filter((x) => x.type === type).map((x) => x.name)}`);
    }
    return r;
};

describe("declared", () => {
    test("the evaluations succeed", () => {
        for (const ev of [base, rescaled, fixedScaled, widened]) {
            expect(ev.error).toBeUndefined();
        }
    });

    test("a scalable target per autoscaled service (application2, nginx), created after its ECS service", () => {
        const targets = base.resources.filter((r) => r.type === TARGET);
        expect(targets.map((t) => [t.name, t.inputs.resourceId, t.inputs.minCapacity, t.inputs.maxCapacity])).toEqual([
            ["webstack-application2-scaling", "service/webstack-dev/application2", 2, 6],
            ["webstack-nginx-scaling", "service/webstack-dev/nginx", 2, 4],
        ]);
        const service = find(base, AWS.service, "webstack-application2");
        expect(find(base, TARGET, "webstack-application2-scaling").dependencies).toContain(service.urn);
    });

    test("target tracking on CPU (60% by default, 50% for nginx as configured), out after 60 s, in after 300 s", () => {
        const policies = base.resources.filter((r) => r.type === POLICY);
        expect(policies.map((p) => [p.name, p.inputs.policyType, p.inputs.targetTrackingScalingPolicyConfiguration])).toEqual([
            [
                "webstack-application2-scaling-cpu",
                "TargetTrackingScaling",
                {
                    predefinedMetricSpecification: { predefinedMetricType: TRACKED_METRICS.cpuPercent },
                    targetValue: 60,
                    scaleOutCooldown: 60,
                    scaleInCooldown: 300,
                },
            ],
            [
                "webstack-nginx-scaling-cpu",
                "TargetTrackingScaling",
                {
                    predefinedMetricSpecification: { predefinedMetricType: TRACKED_METRICS.cpuPercent },
                    targetValue: 50,
                    scaleOutCooldown: 60,
                    scaleInCooldown: 300,
                },
            ],
        ]);
    });

    test("autoscaled ECS services ignore later desiredCount changes; fixed ones do not", () => {
        const ignored = (name: string) => find(base, AWS.service, name).ignoreChanges;
        expect([ignored("webstack-application2"), ignored("webstack-nginx"), ignored("webstack-application1")]).toEqual([
            ["desiredCount"],
            ["desiredCount"],
            [],
        ]);
    });

    test("deploy bounds: ECS's 200% / 100% for every service, at 2..6 tasks as at 2..500 (no longer bent to 8 DNS answers)", () => {
        const bounds = (ev: Evaluation, name: string) => {
            const i = find(ev, AWS.service, name).inputs;
            return [i.deploymentMaximumPercent, i.deploymentMinimumHealthyPercent];
        };
        expect(bounds(base, "webstack-application2")).toEqual([200, 100]);
        expect(bounds(base, "webstack-application1")).toEqual([200, 100]);
        expect(bounds(base, "webstack-nginx")).toEqual([200, 100]);
        expect(bounds(widened, "webstack-application2")).toEqual([200, 100]);
        // pulumi up waits for a deploy at the top of the range: one step of a full new set, or a rollback (deployWait.ts).
        expect(find(base, AWS.service, "webstack-application2").customTimeouts).toEqual({ create: "6m", update: "6m" });
    });

    test("upstreams give each share as a range while application2 floats in 2..6", () => {
        expect(base.outputs!.upstreams).toEqual({
            application1: { weight: 3, replicas: 1, expectedShare: 0.6, replicasRange: [1, 1], shareRange: [0.3333, 0.6] },
            application2: { weight: 1, replicas: 2, expectedShare: 0.4, replicasRange: [2, 6], shareRange: [0.4, 0.6667] },
        });
    });
});

describe("plans", () => {
    test("replicas 2 -> 4 of the autoscaled application2: no step touches desiredCount (autoscaling keeps the live count)", () => {
        const before = find(base, AWS.service, "webstack-application2").inputs.desiredCount;
        const after = find(rescaled, AWS.service, "webstack-application2").inputs.desiredCount;
        expect([before, after]).toEqual([2, 4]);
        expect(planDiff(base, rescaled).steps).toEqual([]);
    });

    test("the same change of a fixed service does update its desiredCount (and the dashboard's expected shares)", () => {
        expect(planDiff(base, fixedScaled).steps).toEqual([
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            { op: "update", type: AWS.service, name: "webstack-application1", changedKeys: ["desiredCount"] },
        ]);
    });

    test("max 6 -> 500: the target's maxCapacity and the dashboard's share range change, in place; the deploy bounds do not", () => {
        expect(widened.error).toBeUndefined();
        expect(planDiff(base, widened).steps).toEqual([
            { op: "update", type: AWS.dashboard, name: "webstack-dashboard", changedKeys: ["dashboardBody"] },
            { op: "update", type: TARGET, name: "webstack-application2-scaling", changedKeys: ["maxCapacity"] },
        ]);
    });
});
