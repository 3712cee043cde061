// The default aws stack, evaluated once under the mock runtime. Each test checks one decision: who may
// talk to whom, what waits for what, what IAM allows, how services roll out, and that the containers
// run as on local Docker. Field-by-field inputs are the components' business (awsFargateService.test.ts).
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { MOCK_ACCOUNT } from "../../evaluation/awsMocks";
import { AWS, DOCKER } from "../../evaluation/resourceTypes";
import { APP_CONTAINER, NGINX_CONTAINER } from "../../components/aws/containers";
import { APP_TMPFS, NGINX_TMPFS, NGINX_USER, dockerTmpfsOptions } from "../../lib/runtime";
import { FORMER_TYPES } from "../../components/aws/fargateService";
import {
    appStopTiming,
    cloudMapTtlSec,
    maxResolverValidSec,
    nginxHealthCheckGracePeriodSec,
    nginxStopTimeoutSec,
} from "../../components/aws/timing";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { APP_PORT, APP_USER, NGINX_CONF_ENV, NGINX_PROXY_PROTOCOL_PORT, NGINX_UPSTREAM_DIR } from "../../lib/runtime";
import { upstreamZoneKiB } from "../../nginx/render";
import { computeUpstreams } from "../../lib/upstreams";
import { one } from "../support/graph";

const FARGATE_SERVICE = "webstack:aws:FargateService";
const APPS = DEFAULT_SERVICES.map((s) => s.name);
const ALL_SERVICES = [...APPS, "nginx"];

let ev: Evaluation;
let local: Evaluation;
beforeAll(async () => {
    ev = await evaluate({ target: "aws", "aws:region": "us-east-1" });
    local = await evaluate({});
}, 60_000);

const r = (type: string, name: string) => one(ev, type, name);
const ofType = (type: string) => ev.resources.filter((x) => x.type === type);
const ecsService = (service: string) => r(AWS.service, `webstack-${service}`);
const container = (service: string) =>
    (JSON.parse(r(AWS.taskDefinition, `webstack-${service}`).inputs.containerDefinitions as string) as Record<string, unknown>[])[0];
const sgName = (id: unknown) =>
    ofType(AWS.securityGroup)
        .find((g) => g.id === id)
        ?.name.replace("webstack-sg-", "");

describe("what is declared", () => {
    test("the program succeeds, with one FargateService per app service and one for nginx", () => {
        expect(ev.error).toBeUndefined();
        expect(
            ev.resources
                .filter((x) => x.type === FARGATE_SERVICE)
                .map((x) => x.name)
                .sort(),
        ).toEqual(ALL_SERVICES.map((s) => `webstack-${s}`).sort());
    });

    test("an aws stack declares no Docker container; a local stack declares no aws resource", () => {
        expect(ofType(DOCKER.container)).toEqual([]);
        expect(local.resources.filter((x) => x.type.startsWith("aws:") || x.type.startsWith("webstack:aws:"))).toEqual([]);
    });

    test("an nginx valid= that no Fargate stopTimeout can outlast fails before anything is declared", async () => {
        const tooLong = await evaluate({
            target: "aws",
            "aws:region": "us-east-1",
            nginx: { resolverValidSec: maxResolverValidSec() + 1 },
        });
        expect(tooLong.error?.message).toMatch(/^webstack:nginx\.resolverValidSec: got \d+;/);
        expect(tooLong.resources).toEqual([]);
    });

    test("every custom resource is a child of a webstack component and named after it", () => {
        const byUrn = new Map(ev.resources.map((x) => [x.urn, x]));
        for (const res of ev.resources.filter((x) => x.custom)) {
            const parent = byUrn.get(res.parent);
            expect(parent?.type).toMatch(/^webstack:(aws:|image:BuiltImage$)/);
            expect(res.name.startsWith(parent!.name)).toBe(true);
        }
    });
});

describe("outputs to operate the stack by", () => {
    test("the URL is the NLB's DNS name on port 80 (no port in the URL), and the shares are the local stack's", () => {
        const dns = r(AWS.loadBalancer, "webstack-lb").state.dnsName as string;
        expect(ev.outputs).toMatchObject({ url: `http://${dns}/`, upstreams: computeUpstreams(DEFAULT_SERVICES) });
        expect(ev.outputs!.upstreams).toEqual(local.outputs!.upstreams);
    });

    test("clusterName, serviceNames and logGroups name the declared cluster, ECS services and log groups", () => {
        expect(ev.outputs!.clusterName).toBe(r(AWS.cluster, "webstack-cluster").state.name);
        expect(ev.outputs!.serviceNames).toEqual(Object.fromEntries(ALL_SERVICES.map((s) => [s, ecsService(s).state.name])));
        expect(ev.outputs!.logGroups).toEqual(
            Object.fromEntries(ALL_SERVICES.map((s) => [s, r(AWS.logGroup, `webstack-logs-${s}`).inputs.name])),
        );
    });
});

describe("a stack deployed before FargateService keeps its live services", () => {
    test("app services are aliased to webstack:aws:AppService and nginx to webstack:aws:Nginx", () => {
        const aliases = Object.fromEntries(ev.resources.filter((x) => x.type === FARGATE_SERVICE).map((x) => [x.name, x.aliasTypes]));
        expect(aliases).toEqual({
            ...Object.fromEntries(APPS.map((s) => [`webstack-${s}`, [FORMER_TYPES.app]])),
            "webstack-nginx": [FORMER_TYPES.nginx],
        });
        expect(FORMER_TYPES).toEqual({ app: "webstack:aws:AppService", nginx: "webstack:aws:Nginx" });
    });

    test("their children keep their names, so the engine's inherited aliases find the old URNs", () => {
        for (const service of ALL_SERVICES) {
            const parent = r(FARGATE_SERVICE, `webstack-${service}`);
            const children = ev.resources.filter((x) => x.parent === parent.urn);
            expect(new Set(children.map((c) => c.name))).toEqual(new Set([`webstack-${service}`]));
        }
    });
});

describe("security groups refer to each other", () => {
    test("internet -> NLB -> nginx -> app, each hop allowed by a group reference, plus HTTPS out to AWS", () => {
        const peer = (i: DeclaredResource["inputs"]) =>
            i.referencedSecurityGroupId ? `sg:${sgName(i.referencedSecurityGroupId)}` : `cidr:${i.cidrIpv4 as string}`;
        const rules = [...ofType(AWS.securityGroupIngress), ...ofType(AWS.securityGroupEgress)]
            .map(
                (x) =>
                    `${sgName(x.inputs.securityGroupId)} ${x.type === AWS.securityGroupIngress ? "in from" : "out to"} ${peer(x.inputs)} ${x.inputs.fromPort}`,
            )
            .sort();
        expect(rules).toEqual([
            `app in from sg:nginx ${APP_PORT}`,
            "app out to cidr:0.0.0.0/0 443",
            `nginx in from sg:nlb ${NGINX_PROXY_PROTOCOL_PORT}`,
            "nginx out to cidr:0.0.0.0/0 443",
            `nginx out to sg:app ${APP_PORT}`,
            "nlb in from cidr:0.0.0.0/0 80",
            `nlb out to sg:nginx ${NGINX_PROXY_PROTOCOL_PORT}`,
        ]);
    });

    test("each task and the NLB sit in their own group", () => {
        const groupsOf = (x: DeclaredResource) =>
            (x.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups.map(sgName);
        expect(Object.fromEntries(ALL_SERVICES.map((s) => [s, groupsOf(ecsService(s))]))).toEqual(
            Object.fromEntries(ALL_SERVICES.map((s) => [s, [s === "nginx" ? "nginx" : "app"]])),
        );
        expect((r(AWS.loadBalancer, "webstack-lb").inputs.securityGroups as string[]).map(sgName)).toEqual(["nlb"]);
    });
});

describe("what waits for what", () => {
    const deps = (x: DeclaredResource) => x.dependencies;

    test("no task starts before the private subnets' NAT route exists", () => {
        for (const s of ALL_SERVICES) {
            expect(deps(ecsService(s))).toContain(r(AWS.route, "webstack-network-private-nat").urn);
        }
    });

    test("no task starts before its own execution role's policy exists", () => {
        for (const s of ALL_SERVICES) {
            expect(deps(ecsService(s))).toContain(r(AWS.rolePolicy, `webstack-${s}-execution`).urn);
        }
    });

    test("the nginx service is created after the listener (ECS refuses a target group without one)", () => {
        expect(deps(ecsService("nginx"))).toContain(r(AWS.listener, "webstack-lb").urn);
    });

    test("the internet-facing NLB is created after the internet gateway, the public route and the public subnets' associations", () => {
        expect(deps(r(AWS.loadBalancer, "webstack-lb"))).toEqual(
            expect.arrayContaining([
                r(AWS.internetGateway, "webstack-network-igw").urn,
                r(AWS.route, "webstack-network-public-internet").urn,
                r(AWS.routeTableAssociation, "webstack-network-public-1").urn,
                r(AWS.routeTableAssociation, "webstack-network-public-2").urn,
            ]),
        );
    });
});

describe("IAM: each ECS service's execution role can do what starting its tasks needs, nothing more", () => {
    const role = (s: string) => r(AWS.role, `webstack-${s}-execution`);
    const policy = (s: string) =>
        JSON.parse(r(AWS.rolePolicy, `webstack-${s}-execution`).inputs.policy as string) as { Statement: Record<string, unknown>[] };
    const statement = (s: string, sid: string) => policy(s).Statement.find((x) => x.Sid === sid)!;

    test("one role per ECS service, each used by exactly that service's task definition", () => {
        for (const s of ALL_SERVICES) {
            expect([s, r(AWS.taskDefinition, `webstack-${s}`).inputs.executionRoleArn]).toEqual([s, role(s).state.arn]);
        }
    });

    test("only ECS tasks may assume it, only for the stack's own account (aws:SourceAccount) and from ECS in its region (aws:SourceArn)", () => {
        for (const s of ALL_SERVICES) {
            const trust = JSON.parse(role(s).inputs.assumeRolePolicy as string) as { Statement: Record<string, unknown>[] };
            expect(trust.Statement).toEqual([
                expect.objectContaining({
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
                        ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${MOCK_ACCOUNT}:*` },
                    },
                }),
            ]);
        }
    });

    test("each pulls from exactly its own repository", () => {
        for (const s of APPS) {
            expect(statement(s, "PullImages").Resource).toEqual([r(AWS.repository, "webstack-app").state.arn]);
        }
        // nginx's task runs nginx and its Cloud Map discovery sidecar, each from its own repository.
        expect(statement("nginx", "PullImages").Resource).toEqual([
            r(AWS.repository, "webstack-nginx").state.arn,
            r(AWS.repository, "webstack-discovery").state.arn,
        ]);
    });

    test("each writes exactly its own log group", () => {
        for (const s of ALL_SERVICES) {
            expect(statement(s, "WriteLogs").Resource).toEqual([`${r(AWS.logGroup, `webstack-logs-${s}`).state.arn as string}:*`]);
        }
    });

    test("no managed policy on any role, and no task role for the app (it calls no AWS API); nginx's is its own", () => {
        for (const s of ALL_SERVICES) {
            expect(role(s).inputs.managedPolicyArns).toBeUndefined();
        }
        for (const td of ofType(AWS.taskDefinition).filter((t) => t.name !== "webstack-nginx")) {
            expect([td.name, td.inputs.taskRoleArn]).toEqual([td.name, undefined]);
        }
        expect(r(AWS.taskDefinition, "webstack-nginx").inputs.taskRoleArn).toBe(r(AWS.role, "webstack-nginx-task").state.arn);
    });
});

describe("rollout", () => {
    test("every service rolls without dropping below its count, rolls back on failure, and pulumi up waits for it", () => {
        for (const s of ALL_SERVICES) {
            expect(ecsService(s).inputs).toMatchObject({
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                waitForSteadyState: true,
            });
        }
    });

    test("every task runs in the private subnets without a public IP", () => {
        const privateSubnets = [r(AWS.subnet, "webstack-network-private-1").id, r(AWS.subnet, "webstack-network-private-2").id];
        for (const s of ALL_SERVICES) {
            expect(ecsService(s).inputs.networkConfiguration).toMatchObject({ subnets: privateSubnets, assignPublicIp: false });
        }
    });

    test("app services are found through Cloud Map, with the TTL chosen with nginx's valid=", () => {
        for (const s of APPS) {
            const discovery = r(AWS.discoveryService, `webstack-${s}`);
            expect(discovery.inputs.dnsConfig).toMatchObject({
                dnsRecords: [{ type: "A", ttl: cloudMapTtlSec(DEFAULT_NGINX) }],
                routingPolicy: "MULTIVALUE",
            });
            expect(ecsService(s).inputs.serviceRegistries).toEqual({ registryArn: discovery.state.arn });
        }
    });

    test("nginx is found through the NLB's target group, with a grace period that covers its first health checks", () => {
        expect(ecsService("nginx").inputs).toMatchObject({
            loadBalancers: [
                {
                    targetGroupArn: r(AWS.targetGroup, "webstack-lb").state.arn,
                    containerName: NGINX_CONTAINER,
                    containerPort: NGINX_PROXY_PROTOCOL_PORT,
                },
            ],
            healthCheckGracePeriodSeconds: nginxHealthCheckGracePeriodSec(),
        });
    });

    test("tasks run the images just pushed, by digest", () => {
        expect(container("application1").image).toBe(r(DOCKER.image, "webstack-app-image").state.repoDigest);
        expect(container("nginx").image).toBe(r(DOCKER.image, "webstack-nginx-image").state.repoDigest);
        expect(container("nginx").image).toMatch(/@sha256:[0-9a-f]{64}$/);
    });
});

describe("containers run as on local Docker", () => {
    const localApp = () => {
        const app1 = local.resources.filter(
            (r) =>
                r.type === DOCKER.container &&
                (r.inputs.labels as { label: string; value: string }[]).some((l) => l.value === "application1"),
        );
        expect(app1).toHaveLength(1);
        return app1[0].inputs;
    };

    test("the app runs non-root (locally a uid of its own per replica, in the same group), on a read-only root, with every capability dropped", () => {
        expect(container("application1")).toMatchObject({
            name: APP_CONTAINER,
            user: APP_USER,
            readonlyRootFilesystem: true,
            linuxParameters: { capabilities: { drop: ["ALL"] } },
        });
        expect(localApp()).toMatchObject({
            user: expect.stringMatching(new RegExp(`^\\d+:${APP_USER.split(":")[1]}$`)),
            readOnly: true,
            capabilities: { drops: ["ALL"] },
        });
    });

    test("nginx runs as its non-root user, on a read-only root, with every capability dropped, as locally", () => {
        expect(container("nginx")).toMatchObject({
            name: NGINX_CONTAINER,
            user: NGINX_USER,
            readonlyRootFilesystem: true,
            linuxParameters: { capabilities: { drop: ["ALL"] } },
        });
        const localNginx = local.resources.find(
            (x) => x.type === DOCKER.container && x.inputs.readOnly === true && x.inputs.user === NGINX_USER,
        );
        expect(localNginx?.inputs).toMatchObject({ user: NGINX_USER, readOnly: true, capabilities: { drops: ["ALL"] } });
    });

    test("what nginx writes goes to the same tmpfs mounts as locally (Fargate mounts linuxParameters.tmpfs since 2026-01-06)", () => {
        const tmpfs = (container("nginx").linuxParameters as { tmpfs: { containerPath: string; size: number; mountOptions: string[] }[] })
            .tmpfs;
        expect(tmpfs).toEqual(
            NGINX_TMPFS.map((t) => ({ containerPath: t.containerPath, size: t.sizeMiB, mountOptions: [...t.mountOptions] })),
        );
        const localNginx = local.resources.find(
            (x) => x.type === DOCKER.container && x.inputs.readOnly === true && x.inputs.user === NGINX_USER,
        )!;
        for (const t of NGINX_TMPFS) {
            expect((localNginx.inputs.tmpfs as Record<string, string>)[t.containerPath]).toBe(dockerTmpfsOptions(t));
        }
    });

    test("the app's writable /tmp is the same tmpfs on both targets", () => {
        const tmpfs = (container("application1").linuxParameters as { tmpfs: unknown[] }).tmpfs;
        expect(tmpfs).toEqual([
            { containerPath: APP_TMPFS.containerPath, size: APP_TMPFS.sizeMiB, mountOptions: [...APP_TMPFS.mountOptions] },
        ]);
        expect(localApp().tmpfs).toEqual({ [APP_TMPFS.containerPath]: dockerTmpfsOptions(APP_TMPFS) });
    });

    test("the app gets the same environment as the local container, but for the lame duck Cloud Map needs", () => {
        const env = (container("application1").environment as { name: string; value: string }[]).map((e) => `${e.name}=${e.value}`);
        const lameDuck = (e: string) => e.startsWith("WEBSTACK_LAME_DUCK_SEC=");
        expect(env.filter((e) => !lameDuck(e)).sort()).toEqual([...(localApp().envs as string[])].filter((e) => !lameDuck(e)).sort());
        expect(env).toContain(`WEBSTACK_LAME_DUCK_SEC=${appStopTiming(DEFAULT_NGINX).lameDuckSec}`);
        expect(localApp().envs).toContain("WEBSTACK_LAME_DUCK_SEC=0");
    });

    test("stop timeouts come from the rollout relations (timing.ts)", () => {
        expect(container("application1").stopTimeout).toBe(appStopTiming(DEFAULT_NGINX).stopTimeoutSec);
        expect(container("nginx").stopTimeout).toBe(nginxStopTimeoutSec());
    });

    test("nginx's upstream includes each service's per-task server lines from the discovery sidecar, not the Cloud Map DNS names", () => {
        const conf = (container("nginx").environment as { name: string; value: string }[]).find((e) => e.name === NGINX_CONF_ENV)!.value;
        for (const s of DEFAULT_SERVICES) {
            expect(conf).toContain(`        include ${NGINX_UPSTREAM_DIR}/${s.name}.conf;\n`);
            expect(conf).not.toContain(`server ${s.name}.webstack-dev.internal:${APP_PORT}`);
        }
        // The zone holds every instance Cloud Map can list for each service (2 × 1,000 servers).
        expect(conf).toContain(`zone webstack_app ${upstreamZoneKiB(2000)}k;`);
    });
});
