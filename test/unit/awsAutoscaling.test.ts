// Autoscaling on the aws target, under the mock runtime: what is declared, and that a later `pulumi up`
// leaves an autoscaled service's live task count alone (replay/plan.ts honours ignoreChanges as the engine does).
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { planDiff } from "../../replay/plan";
import { AWS } from "../../evaluation/resourceTypes";
import { TRACKED_METRICS } from "../../components/aws/autoscaling";
import { appCpuAtMax, nginxAutoscalingFor } from "../../lib/aws/autoscaling";

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

describe("nginx scales with the app tier by default", () => {
    const app = (replicas: number, max?: number, cpu = 256) => ({ replicas, cpu, ...(max ? { autoscaling: { min: 1, max } } : {}) });
    const sized = (
        services: ReturnType<typeof app>[],
        extra: Partial<{ nginxCpu: number; nginxDesiredCount: number; tlsAtNginx: boolean }> = {},
    ) => nginxAutoscalingFor({ services, nginxCpu: 256, nginxDesiredCount: 2, tlsAtNginx: false, ...extra });

    test.each([
        // app services, nginx extras, expected max: ceil(Σ most tasks × cpu × ratio / nginxCpu), at least 2 × min, at most 50
        ["the default stack (1 + 1 task)", [app(1), app(1)], {}, 4],
        ["40 app tasks of 0.25 vCPU", [app(20), app(2, 20)], {}, 10],
        ["the same behind nginx's own TLS (3x the CPU per request)", [app(20), app(2, 20)], { tlsAtNginx: true }, 30],
        ["the same with 1 vCPU nginx tasks", [app(20), app(2, 20)], { nginxCpu: 1024 }, 4],
        ["100 app tasks of 1 vCPU", [app(100, undefined, 1024)], { nginxCpu: 1024 }, 25],
        ["500 app tasks: capped at nginx's 50", [app(1, 500)], {}, 50],
        ["a larger nginxDesiredCount is always inside the range", [app(1)], { nginxDesiredCount: 7 }, 7],
    ])("%s", (_label, services, extra, max) => {
        expect(sized(services, extra)).toEqual({ min: 2, max, cpuPercent: 60 });
    });

    test("the app tier's CPU counts every service at its most tasks (autoscaling.max, else replicas)", () => {
        expect(appCpuAtMax([app(3), app(1, 10, 512)])).toBe(3 * 256 + 10 * 512);
    });

    let defaults: Evaluation;
    let off: Evaluation;
    let bigTier: Evaluation;
    let oneNginx: Evaluation;
    beforeAll(async () => {
        const stack = (extra: Record<string, unknown>) => ({ target: "aws", "aws:region": "us-east-1", ...extra });
        defaults = await evaluate(stack({}));
        off = await evaluate(stack({ aws: { nginxAutoscaling: false, nginxDesiredCount: 3 } }));
        bigTier = await evaluate(stack({ services: [{ name: "application1", replicas: 60, autoscaling: { min: 10, max: 200 } }] }));
        oneNginx = await evaluate(stack({ aws: { nginxDesiredCount: 1 } }));
    }, 90_000);

    test("with no nginxAutoscaling: a scalable target on nginx, 2..4 for the default stack, CPU at 60 %, autoscaling owns the count", () => {
        expect(defaults.error).toBeUndefined();
        const t = find(defaults, TARGET, "webstack-nginx-scaling");
        expect([t.inputs.resourceId, t.inputs.minCapacity, t.inputs.maxCapacity]).toEqual(["service/webstack-dev/nginx", 2, 4]);
        expect(find(defaults, POLICY, "webstack-nginx-scaling-cpu").inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({
            targetValue: 60,
        });
        expect(find(defaults, AWS.service, "webstack-nginx").ignoreChanges).toEqual(["desiredCount"]);
    });

    test("sized from the app tier: 200 app tasks of 0.25 vCPU give nginx up to 50", () => {
        expect(find(bigTier, TARGET, "webstack-nginx-scaling").inputs.maxCapacity).toBe(50);
    });

    test("nginxAutoscaling: false keeps a fixed nginxDesiredCount, owned by the stack", () => {
        expect(off.error).toBeUndefined();
        expect(off.resources.filter((r) => r.type === TARGET).map((r) => r.name)).toEqual([]);
        const nginx = find(off, AWS.service, "webstack-nginx");
        expect([nginx.inputs.desiredCount, nginx.ignoreChanges]).toEqual([3, []]);
    });

    test("nginxDesiredCount 1 starts at the default range's min of 2 (one task per AZ)", () => {
        expect(find(oneNginx, AWS.service, "webstack-nginx").inputs.desiredCount).toBe(2);
    });

    test("an explicit nginxAutoscaling overrides the default", () => {
        const t = find(base, TARGET, "webstack-nginx-scaling");
        expect([t.inputs.minCapacity, t.inputs.maxCapacity]).toEqual([2, 4]);
        expect(find(base, POLICY, "webstack-nginx-scaling-cpu").inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({
            targetValue: 50,
        });
    });
});
