// Issue 20 rows 1-10, one decision per test, each on the evaluation that shows it (the matrix in
// awsMatrix.test.ts checks the same invariants over every triple of switch values).
import * as fs from "fs";
import * as path from "path";
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { planDiff } from "../../replay/plan";
import { AWS } from "../../evaluation/resourceTypes";
import { one } from "../support/graph";
import { CERT_ARN, SM_ARN, SSM_ARN } from "../support/awsSwitches";

// No stack traces: nothing here reads one, and they are most of an evaluation's cost (awsMatrix.test.ts).
Error.stackTraceLimit = 0;

const BASE = { target: "aws", "aws:region": "us-east-1" };
const TWO = (first: Record<string, unknown> = {}) => [{ name: "application1", weight: 3, ...first }, { name: "application2" }];

let byDefault: Evaluation;
let bare: Evaluation;
let full: Evaluation;
let spot: Evaluation;
let acm: Evaluation;
beforeAll(async () => {
    byDefault = await evaluate(BASE);
    bare = await evaluate({ ...BASE, aws: { egress: "endpoints" } });
    full = await evaluate({
        ...BASE,
        aws: { egress: "endpoints", exec: true },
        tls: { mode: "self-signed" },
        services: TWO({ secrets: { DB: SSM_ARN } }),
    });
    spot = await evaluate({ ...BASE, aws: { platform: "linux/arm64" }, services: TWO({ capacity: "spot" }) });
    acm = await evaluate({ ...BASE, aws: { certificateArn: CERT_ARN } });
}, 180_000);

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const sgName = (ev: Evaluation, id: unknown) => ofType(ev, AWS.securityGroup).find((g) => g.id === id)!.name;
/** Interface endpoint -> the task groups its security group admits on 443, as "<endpoint>: <group>, ...". */
function admitted(ev: Evaluation): string[] {
    return ofType(ev, AWS.vpcEndpoint)
        .filter((e) => e.inputs.vpcEndpointType === "Interface")
        .map((e) => {
            const groups = e.inputs.securityGroupIds as string[];
            const from = ofType(ev, AWS.securityGroupIngress)
                .filter((r) => groups.includes(r.inputs.securityGroupId as string))
                .map((r) => sgName(ev, r.inputs.referencedSecurityGroupId).replace("webstack-sg-", ""))
                .sort();
            return `${String(e.inputs.serviceName).replace("com.amazonaws.us-east-1.", "")}: ${from.join(", ")}`;
        })
        .sort();
}

describe("rows 1-3 and issue 19: interface endpoints only when some task calls the service, admitting exactly those tasks", () => {
    test("endpoints egress, no TLS, no secrets, no exec: ECR, Logs, and nginx's Cloud Map discovery only", () => {
        expect(admitted(bare)).toEqual(["data-servicediscovery: nginx", "ecr.api: app, nginx", "ecr.dkr: app, nginx", "logs: app, nginx"]);
    });

    test("TLS at nginx, an SSM secret on an app service, exec: secretsmanager for nginx, ssm for the apps, ssmmessages for both", () => {
        expect(admitted(full)).toEqual([
            "data-servicediscovery: nginx",
            "ecr.api: app, nginx",
            "ecr.dkr: app, nginx",
            "logs: app, nginx",
            "secretsmanager: nginx",
            "ssm: app",
            "ssmmessages: app, nginx",
        ]);
    });

    test("each further endpoint has a group of its own, with private DNS (the SDKs' default host names reach it)", () => {
        const optional = ofType(full, AWS.vpcEndpoint).filter((e) =>
            /secretsmanager|ssm|data-servicediscovery/.test(String(e.inputs.serviceName)),
        );
        expect(new Set(optional.map((e) => (e.inputs.securityGroupIds as string[])[0])).size).toBe(optional.length);
        expect(optional.every((e) => e.inputs.privateDnsEnabled === true)).toBe(true);
    });

    test("a Secrets Manager app secret adds the apps to the secretsmanager endpoint", async () => {
        const ev = await evaluate({
            ...BASE,
            aws: { egress: "endpoints" },
            tls: { mode: "self-signed" },
            services: TWO({ secrets: { T: SM_ARN } }),
        });
        expect(admitted(ev)).toContain("secretsmanager: app, nginx");
    }, 60_000);

    test("NAT egress: no further endpoint at all", () => {
        expect(ofType(byDefault, AWS.vpcEndpoint)).toEqual([]);
    });
});

describe("row 4: nginx's root is writable with ECS Exec, and only then", () => {
    const nginxDef = (ev: Evaluation) =>
        (
            JSON.parse(one(ev, AWS.taskDefinition, "webstack-nginx").inputs.containerDefinitions as string) as {
                readonlyRootFilesystem: boolean;
            }[]
        )[0];
    test("exec on: writable; off: read-only", () => {
        expect([nginxDef(full).readonlyRootFilesystem, nginxDef(byDefault).readonlyRootFilesystem]).toEqual([false, true]);
    });
});

describe("rows 5 and 6: Spot without forceNewDeployment; a capacity switch is a new ECS service next to the old", () => {
    const services = (ev: Evaluation) =>
        ofType(ev, AWS.service)
            .map((s) => `${s.name} -> ${String(s.inputs.name)}`)
            .sort();

    test("row 5: no ECS service sends forceNewDeployment (the provider would send it on every UpdateService)", async () => {
        const x86 = await evaluate({ ...BASE, services: TWO({ capacity: "spot" }) });
        for (const ev of [x86, spot, full, byDefault]) {
            expect(
                ofType(ev, AWS.service).map((s) => [
                    "forceNewDeployment" in s.inputs,
                    s.inputs.launchType ?? s.inputs.capacityProviderStrategies,
                ]),
            ).toStrictEqual([
                [false, ev === byDefault || ev === full ? "FARGATE" : [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]],
                [false, "FARGATE"],
                [false, "FARGATE"],
            ]);
        }
    }, 60_000);

    test("row 6: a Spot service has its own logical and ECS name", () => {
        expect(services(spot)).toEqual([
            "webstack-application1-spot -> application1-spot",
            "webstack-application2 -> application2",
            "webstack-nginx -> nginx",
        ]);
    });

    test("row 6: fargate -> spot plans a create and a delete of differently named services, never a replacement", async () => {
        const onDemand = await evaluate({ ...BASE, aws: { platform: "linux/arm64" }, services: TWO() });
        for (const plan of [planDiff(onDemand, spot), planDiff(spot, onDemand)]) {
            const ecs = plan.steps
                .filter((s) => s.type === AWS.service)
                .map((s) => `${s.op} ${s.name}`)
                .sort();
            expect(ecs.every((s) => !s.startsWith("replace"))).toBe(true);
            expect(ecs.filter((s) => /^(create|delete)/.test(s))).toHaveLength(2);
        }
        expect(
            planDiff(onDemand, spot)
                .steps.filter((s) => s.type === AWS.service)
                .map((s) => `${s.op} ${s.name}`)
                .sort(),
        ).toEqual(["create webstack-application1-spot", "delete webstack-application1"]);
    }, 60_000);
});

describe("row 7: Spot with arm64", () => {
    test("evaluates: an ARM64 task on FARGATE_SPOT", () => {
        expect(spot.error).toBeUndefined();
        const td = one(spot, AWS.taskDefinition, "webstack-application1");
        expect((td.inputs.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture).toBe("ARM64");
        expect(one(spot, AWS.service, "webstack-application1-spot").inputs.capacityProviderStrategies).toEqual([
            { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 },
        ]);
    });
});

describe("row 8: the 443 target group is watched like port 80's", () => {
    const tgOf = (ev: Evaluation, port: number): DeclaredResource => {
        const listener = ofType(ev, AWS.listener).find((l) => l.inputs.port === port)!;
        const arn = (listener.inputs.defaultActions as { targetGroupArn: string }[])[0].targetGroupArn;
        return ofType(ev, AWS.targetGroup).find((t) => t.state.arn === arn)!;
    };
    const alarmGroups = (ev: Evaluation) =>
        ofType(ev, AWS.metricAlarm)
            .filter((a) => String(a.inputs.name).includes("nlb-unhealthy-hosts"))
            .map((a) => [
                a.inputs.name,
                (a.inputs.metricQueries as { metric: { dimensions: { TargetGroup: string } } }[])[0].metric.dimensions.TargetGroup,
            ]);

    test("an unhealthy-hosts alarm per target group: port 80's keeps its name, 443's is -443", () => {
        expect(alarmGroups(acm)).toEqual([
            ["webstack-dev-nlb-unhealthy-hosts", tgOf(acm, 80).state.arnSuffix],
            ["webstack-dev-nlb-unhealthy-hosts-443", tgOf(acm, 443).state.arnSuffix],
        ]);
        expect(alarmGroups(byDefault)).toEqual([["webstack-dev-nlb-unhealthy-hosts", tgOf(byDefault, 80).state.arnSuffix]]);
    });

    test("the dashboard shows both target groups' health", () => {
        const body = one(acm, AWS.dashboard, "webstack-dashboard").inputs.dashboardBody as string;
        expect(body).toContain(JSON.stringify(tgOf(acm, 443).state.arnSuffix));
        expect(body).toContain(JSON.stringify(tgOf(acm, 80).state.arnSuffix));
    });
});

describe("row 9: the docs state what the default stack declares", () => {
    test("docs/aws.md gives the default stack's resource and component counts", () => {
        const doc = fs.readFileSync(path.join(__dirname, "../../docs/aws.md"), "utf8");
        const custom = byDefault.resources.filter((r) => r.custom).length;
        const components = byDefault.resources.length - custom;
        expect(doc).toContain(`the program declares ${custom} resources (${custom + components} with its ${components}`);
        expect(doc).toContain(`pulumi preview                           # ${custom} resources to create`);
    });
});

describe("row 10: a stack name too long for the Cloud Map namespace's DNS label is refused", () => {
    test("the error names the stack, the label, the limit and the fix; nothing is declared", async () => {
        const stack = "s".repeat(60);
        const ev = await evaluate(BASE, { stack });
        expect(ev.error?.message).toContain(
            `stack name: got "${stack}"; with project "webstack" it makes the Cloud Map namespace "webstack-${stack}.internal", whose first label has 69 characters; a DNS label takes at most 63. Fix: use a stack name of at most 54 characters: pulumi stack rename <shorter name>`,
        );
        expect(ev.resources).toEqual([]);
    }, 60_000);

    test("a 54-character stack name fits", async () => {
        const ev = await evaluate(BASE, { stack: "s".repeat(54) });
        expect(ev.error).toBeUndefined();
    }, 60_000);
});
