// The aws stack's operations (docs/aws-operations.md), under the mock runtime: metric filters on nginx's
// JSON log, alarms that all notify one SNS topic, the dashboard, app secrets and their IAM scope, ECS Exec,
// Fargate Spot, and the platform. One decision per test.
import * as fs from "fs";
import * as path from "path";
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { AWS, DOCKER } from "../../evaluation/resourceTypes";
import { NGINX_CONF_ENV } from "../../lib/runtime";
import { metricFilterSpecs } from "../../lib/aws/operations";
import { one } from "../support/graph";

const REGION = { "aws:region": "us-east-1" };
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/db-password";
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:webstack/api-token-AbC123";
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const CONFIGURED = {
    target: "aws",
    ...REGION,
    aws: { alarmEmail: "ops@example.com", serverErrorAlarmPercent: 2, exec: true },
    services: [
        { name: "application1", weight: 3, secrets: { DB_PASSWORD: SSM, API_TOKEN: SM }, secretsKmsKeyArns: [KMS] },
        { name: "application2", weight: 1, capacity: "spot" },
    ],
};

let ev: Evaluation;
let cf: Evaluation;
beforeAll(async () => {
    ev = await evaluate({ target: "aws", ...REGION });
    cf = await evaluate(CONFIGURED);
}, 90_000);

const ofType = (e: Evaluation, type: string) => e.resources.filter((r) => r.type === type);
const containerOf = (e: Evaluation, service: string) =>
    (JSON.parse(one(e, AWS.taskDefinition, `webstack-${service}`).inputs.containerDefinitions as string) as Record<string, unknown>[])[0];
const policyOf = (e: Evaluation, name: string) =>
    JSON.parse(one(e, AWS.rolePolicy, name).inputs.policy as string) as {
        Statement: { Sid?: string; Action: unknown; Resource: unknown }[];
    };

describe("metrics from nginx's log", () => {
    test("nginx on aws logs JSON lines", () => {
        const env = containerOf(ev, "nginx").environment as { name: string; value: string }[];
        const conf = env.find((e) => e.name === NGINX_CONF_ENV)!.value;
        expect(conf).toContain("log_format upstreamjson escape=json");
        expect(conf).toMatch(/access_log \/dev\/stdout upstreamjson /);
    });

    test("every metric filter of metricFilterSpecs reads nginx's log group and writes the stack's namespace", () => {
        const filters = ofType(ev, AWS.logMetricFilter);
        const byName = (pairs: [string, unknown][]) => Object.fromEntries(pairs.sort(([a], [b]) => a.localeCompare(b)));
        expect(byName(filters.map((f) => [f.inputs.name as string, f.inputs.pattern]))).toEqual(
            byName(metricFilterSpecs(["application1", "application2"]).map((s) => [s.name, s.pattern])),
        );
        const nginxGroup = (ev.outputs!.logGroups as Record<string, string>).nginx;
        for (const f of filters) {
            expect(f.inputs.logGroupName).toBe(nginxGroup);
            expect((f.inputs.metricTransformation as { namespace: string }).namespace).toBe("Webstack/webstack-dev");
        }
    });
});

describe("discovery's state", () => {
    test("its metric filters read nginx's log group, and the stale-discovery alarm reads their metric in the stack's namespace", () => {
        const nginxGroup = (ev.outputs!.logGroups as Record<string, string>).nginx;
        const filters = ofType(ev, AWS.logMetricFilter).filter((f) => (f.inputs.name as string).startsWith("discovery-"));
        expect(filters.map((f) => [f.inputs.name, f.inputs.logGroupName]).sort()).toEqual([
            ["discovery-consecutive-errors", nginxGroup],
            ["discovery-failed-calls", nginxGroup],
            ["discovery-instances", nginxGroup],
            ["discovery-last-success-age", nginxGroup],
        ]);
        const alarm = one(ev, AWS.metricAlarm, "webstack-alarms-discovery-stale");
        expect(alarm.inputs.metricQueries).toEqual([
            {
                id: "m1",
                returnData: true,
                metric: {
                    namespace: "Webstack/webstack-dev",
                    metricName: "DiscoveryLastSuccessAge",
                    dimensions: {},
                    stat: "Maximum",
                    period: 60,
                },
            },
        ]);
    });
});

describe("alarms", () => {
    const alarms = (e: Evaluation) => ofType(e, AWS.metricAlarm);
    const alarm = (e: Evaluation, suffix: string) => one(e, AWS.metricAlarm, `webstack-alarms-${suffix}`);
    type Query = { id: string; expression?: string; returnData?: boolean; metric?: { dimensions: Record<string, string> } };

    test("every alarm notifies the stack's one SNS topic, on alarm and on recovery", () => {
        const [topic] = ofType(ev, AWS.snsTopic);
        expect(alarms(ev)).toHaveLength(3 + 3 * 3);
        for (const a of alarms(ev)) {
            expect([a.inputs.alarmActions, a.inputs.okActions]).toEqual([[topic.state.arn], [topic.state.arn]]);
        }
        expect(ev.outputs!.alarmTopicArn).toBe(topic.state.arn);
    });

    test("no email subscription unless webstack:aws.alarmEmail; then one, to the topic", () => {
        expect(ofType(ev, AWS.snsSubscription)).toEqual([]);
        const [sub] = ofType(cf, AWS.snsSubscription);
        expect([sub.inputs.protocol, sub.inputs.endpoint, sub.inputs.topic]).toEqual([
            "email",
            "ops@example.com",
            cf.outputs!.alarmTopicArn,
        ]);
    });

    test("the NLB alarm's dimensions are the declared NLB's and target group's ARN suffixes", () => {
        const dims = (alarm(ev, "nlb-unhealthy-hosts").inputs.metricQueries as Query[])[0].metric!.dimensions;
        expect(dims).toEqual({
            LoadBalancer: one(ev, AWS.loadBalancer, "webstack-lb").state.arnSuffix,
            TargetGroup: one(ev, AWS.targetGroup, "webstack-lb").state.arnSuffix,
        });
    });

    test("ECS alarms name the declared cluster and each ECS service, nginx included", () => {
        const serviceNames = ev.outputs!.serviceNames as Record<string, string>;
        for (const [key, ecsName] of Object.entries(serviceNames)) {
            for (const kind of ["cpu", "memory", "below-desired"]) {
                const q = (alarm(ev, `${key}-${kind}`).inputs.metricQueries as Query[])[0];
                expect(q.metric!.dimensions).toEqual({ ClusterName: ev.outputs!.clusterName, ServiceName: ecsName });
            }
        }
    });

    test("the 5xx alarm compares the expression (only it returns data) with webstack:aws.serverErrorAlarmPercent", () => {
        const threshold = (e: Evaluation) => alarm(e, "5xx-rate").inputs.threshold;
        expect([threshold(ev), threshold(cf)]).toEqual([1, 2]);
        const returning = (alarm(ev, "5xx-rate").inputs.metricQueries as Query[]).filter((q) => q.returnData);
        expect(returning.map((q) => q.expression)).toEqual(["100 * FILL(errors, 0) / requests"]);
    });

    test("Container Insights disabled: no below-desired alarms", async () => {
        const off = await evaluate({ target: "aws", ...REGION, aws: { containerInsights: "disabled" } });
        expect(
            alarms(off)
                .map((a) => a.name)
                .filter((n) => n.endsWith("below-desired")),
        ).toEqual([]);
        expect(alarms(off)).toHaveLength(3 + 3 * 2);
    });
});

describe("dashboard", () => {
    test("its URL is an output, and its body names the declared NLB", () => {
        const d = one(ev, AWS.dashboard, "webstack-dashboard");
        expect(ev.outputs!.dashboardUrl).toBe(
            `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/${d.inputs.dashboardName as string}`,
        );
        expect(d.inputs.dashboardBody as string).toContain(JSON.stringify(one(ev, AWS.loadBalancer, "webstack-lb").state.arnSuffix));
    });
});

describe("app secrets", () => {
    test("services[].secrets become the container definition's secrets, sorted by name; a service without has none", () => {
        expect(containerOf(cf, "application1").secrets).toEqual([
            { name: "API_TOKEN", valueFrom: SM },
            { name: "DB_PASSWORD", valueFrom: SSM },
        ]);
        expect(containerOf(cf, "application2").secrets).toBeUndefined();
    });

    test("application1's own execution role may read exactly its ARNs, decrypt with exactly its key, only through SSM / Secrets Manager", () => {
        const extra = policyOf(cf, "webstack-application1-execution").Statement.filter((s) =>
            ["ReadParameters", "ReadSecrets", "DecryptSecrets"].includes(s.Sid!),
        );
        expect(extra).toEqual([
            { Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: [SSM] },
            { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SM] },
            {
                Sid: "DecryptSecrets",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: [KMS],
                Condition: {
                    StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"] },
                },
            },
        ]);
        expect(JSON.stringify(extra)).not.toContain("*");
    });

    test("issue 18 finding 5: application2's and nginx's roles read none of application1's secrets", () => {
        for (const role of ["webstack-application2-execution", "webstack-nginx-execution"]) {
            expect([role, policyOf(cf, role).Statement.map((s) => s.Sid)]).toEqual([role, ["PullImages", "RegistryLogin", "WriteLogs"]]);
            expect(JSON.stringify(policyOf(cf, role))).not.toContain(SSM);
        }
    });

    test("without secrets no execution role reads any", () => {
        for (const role of ofType(ev, AWS.rolePolicy).filter((r) => r.name.endsWith("-execution"))) {
            expect([role.name, policyOf(ev, role.name).Statement.map((s) => s.Sid)]).toEqual([
                role.name,
                ["PullImages", "RegistryLogin", "WriteLogs"],
            ]);
        }
    });
});

describe("ECS Exec", () => {
    test("exec: every ECS service has enableExecuteCommand; app tasks get the exec role, whose policy is the ssmmessages channels", () => {
        const [role] = ofType(cf, AWS.role).filter((r) => r.name === "webstack-task");
        for (const s of ofType(cf, AWS.service)) {
            expect([s.name, s.inputs.enableExecuteCommand]).toEqual([s.name, true]);
        }
        for (const td of ofType(cf, AWS.taskDefinition).filter((t) => t.name !== "webstack-nginx")) {
            expect(td.inputs.taskRoleArn).toBe(role.state.arn);
        }
        expect(policyOf(cf, "webstack-task").Statement.map((s) => s.Action)).toEqual([
            [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
        ]);
    });

    test("exec: nginx's own role adds the ssmmessages channels to its discovery statement", () => {
        expect(one(cf, AWS.taskDefinition, "webstack-nginx").inputs.taskRoleArn).toBe(one(cf, AWS.role, "webstack-nginx-task").state.arn);
        expect(policyOf(cf, "webstack-nginx-task").Statement.map((s) => s.Sid)).toEqual(["DiscoverAppTasks", "EcsExec"]);
    });

    test("exec: tasks start only after their task role's policy exists", () => {
        const policy = one(cf, AWS.rolePolicy, "webstack-task");
        for (const s of ofType(cf, AWS.service).filter((x) => x.name !== "webstack-nginx")) {
            expect(s.dependencies).toContain(policy.urn);
        }
        expect(one(cf, AWS.service, "webstack-nginx").dependencies).toContain(one(cf, AWS.rolePolicy, "webstack-nginx-task").urn);
    });

    test("exec: the app's root file system is writable (ECS Exec's agent writes into it); off, it stays read-only", () => {
        expect([containerOf(cf, "application1").readonlyRootFilesystem, containerOf(ev, "application1").readonlyRootFilesystem]).toEqual([
            false,
            true,
        ]);
    });

    test("by default: no exec role, nginx's role only discovers, no enableExecuteCommand", () => {
        expect(ofType(ev, AWS.role).map((r) => r.name)).toEqual([
            "webstack-application1-execution",
            "webstack-application2-execution",
            "webstack-nginx-execution",
            "webstack-nginx-task",
        ]);
        expect(policyOf(ev, "webstack-nginx-task").Statement.map((s) => s.Sid)).toEqual(["DiscoverAppTasks"]);
        expect(ofType(ev, AWS.service).map((s) => s.inputs.enableExecuteCommand)).toEqual([undefined, undefined, undefined]);
    });
});

describe("capacity", () => {
    const svc = (e: Evaluation, name: string) => one(e, AWS.service, `webstack-${name}`);
    const placement = (s: DeclaredResource) => [s.inputs.launchType, s.inputs.capacityProviderStrategies, s.inputs.forceNewDeployment];

    test("spot: the FARGATE_SPOT capacity provider, never forceNewDeployment (issue 20 row 5); fargate keeps launch type FARGATE; nginx always FARGATE", () => {
        expect(placement(svc(cf, "application2-spot"))).toEqual([
            undefined,
            [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
            undefined,
        ]);
        expect(svc(cf, "application2-spot").inputs.name).toBe("application2-spot");
        expect(placement(svc(cf, "application1"))).toEqual(["FARGATE", undefined, undefined]);
        expect(placement(svc(cf, "nginx"))).toEqual(["FARGATE", undefined, undefined]);
    });

    test("the cluster offers FARGATE and FARGATE_SPOT, and a Spot service starts after that", () => {
        const providers = one(cf, AWS.clusterCapacityProviders, "webstack-cluster");
        expect(providers.inputs.capacityProviders).toEqual(["FARGATE", "FARGATE_SPOT"]);
        expect(providers.inputs.clusterName).toBe(cf.outputs!.clusterName);
        expect(svc(cf, "application2-spot").dependencies).toContain(providers.urn);
    });

    test("bad capacity is an error naming the key", async () => {
        const bad = await evaluate({ target: "aws", ...REGION, services: [{ name: "a", capacity: "FARGATE_SPOT" }] });
        expect(bad.error?.message).toContain(
            "webstack:services[0].capacity: got \"FARGATE_SPOT\"; must be fargate (on-demand) or spot (Fargate Spot: about 70 % cheaper, tasks may be stopped with a 2-minute warning). Fix: pulumi config set --path 'webstack:services[0].capacity' spot",
        );
        expect(bad.resources).toEqual([]);
    });
});

describe("platform", () => {
    test("the default builds its three images (app, nginx, discovery) for linux/amd64 and runs X86_64 tasks", () => {
        expect(ofType(ev, DOCKER.image).map((i) => (i.inputs.build as { platform: string }).platform)).toEqual([
            "linux/amd64",
            "linux/amd64",
            "linux/amd64",
        ]);
        expect(
            new Set(ofType(ev, AWS.taskDefinition).map((t) => (t.inputs.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture)),
        ).toEqual(new Set(["X86_64"]));
    });

    test("neither Dockerfile pins an architecture: the declared platform alone picks it", () => {
        for (const dockerfile of ["app/Dockerfile", "nginx/Dockerfile"]) {
            const text = fs.readFileSync(path.join(__dirname, "../..", dockerfile), "utf8");
            expect([dockerfile, text.match(/--platform|amd64|arm64|x86_64|aarch64/gi)]).toEqual([dockerfile, null]);
        }
    });
});
