// The ECS task definitions the program declares for the aws target, run unchanged on the real Docker
// engine: each container definition's image, command, environment, user, ports, health check,
// read-only root and capabilities are applied as declared, `desiredCount` containers per ECS
// service. Docker network aliases stand in for the Cloud Map names (<service>.<namespace>), and nginx
// finds its resolver the way it does on Fargate: the entrypoint reads /etc/resolv.conf.
// What cannot run here: the awslogs driver (no CloudWatch; containers log to json-file instead), the
// push to ECR (no registry; the images are built locally and the mocked digests substituted with the
// local image IDs), the NLB (each nginx task gets host ports on 127.0.0.1 instead: its plain port, and
// its load-balancer port, which takes a PROXY v2 header as the NLB sends it). The Docker network gets the
// stack's VPC CIDR, so connections through a host port come from an address inside the VPC, as the NLB's do.
import { selfSignedPem } from "../support/pem";
import * as http2 from "http2";
import * as net from "net";
import * as path from "path";
import * as tls from "tls";
import { DeclaredResource, Evaluation, evaluate } from "../../e2e/evaluate";
import { ContainerInfo, call, cli, createContainer, docker, exec, inspectContainer, logs, sleep, within } from "../../e2e/docker";
import { teardown, waitHealthy } from "../../e2e/replay";
import { OFFLINE_BASES } from "../../e2e/stackFile";
import { LoadLoop, compareShares, formatReport, parseUpstreamLog, sendRequests, worstDeltaPp } from "../../e2e/traffic";
import { appStopTiming } from "../../components/aws/timing";
import { DEFAULT_NGINX } from "../../lib/defaults";
import { BusyCore } from "../support/busyCore";
import { ROOT, describeEngine } from "../support/engine";
import {
    NGINX_PORT,
    NGINX_PROXY_PROTOCOL_PORT,
    NGINX_PROXY_TLS_PORT,
    NGINX_PROXY_TLS_TERMINATED_PORT,
    NGINX_RUN_CONF,
    NGINX_TLS_KEY_ENV,
} from "../../lib/runtime";
import { JSON_LOG_FIELDS } from "../../nginx/render";
import { metricFilterSpecs } from "../../lib/operations";
import { matchesFilter, selectField } from "../../lib/logFilter";

jest.setTimeout(600_000);

const STACK = "e2e-ecs";
const PORT = 18085;
const NETWORK = `webstack-${STACK}`;
const LABELS = { "webstack.project": "webstack", "webstack.stack": STACK };
/** The stack's VPC CIDR, given to the Docker network too: nginx trusts PROXY headers from inside it. */
const VPC_CIDR = "10.231.0.0/16";
/** Host ports of the nginx tasks' load-balancer (PROXY protocol) port start here. */
const PROXY_PORT = PORT + 100;
// application2 has 2 tasks: nginx must see both addresses behind its one name for the shares to hold
// (expected 3x1 : 1x2 = 60 % : 40 %).
const CONFIG = {
    target: "aws",
    "aws:region": "us-east-1",
    aws: { vpcCidr: VPC_CIDR },
    ...OFFLINE_BASES,
    services: [
        { name: "application1", weight: 3, replicas: 1, workers: 2 },
        { name: "application2", weight: 1, replicas: 2, workers: 2 },
    ],
};

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";

/** The subset of an ECS container definition this file applies; any other key fails the test. */
interface ContainerDefinition {
    name: string;
    image: string;
    essential?: boolean;
    command?: string[];
    entryPoint?: string[];
    portMappings?: { containerPort: number; hostPort?: number; protocol?: string }[];
    environment?: { name: string; value: string }[];
    secrets?: { name: string; valueFrom: string }[];
    user?: string;
    readonlyRootFilesystem?: boolean;
    linuxParameters?: {
        capabilities?: { add?: string[]; drop?: string[] };
        tmpfs?: { containerPath: string; size: number; mountOptions?: string[] }[];
    };
    healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    logConfiguration?: { logDriver: string; options: Record<string, string> };
    stopTimeout?: number;
}
const KNOWN = [
    "name",
    "image",
    "essential",
    "command",
    "entryPoint",
    "portMappings",
    "environment",
    "secrets",
    "user",
    "readonlyRootFilesystem",
    "linuxParameters",
    "healthCheck",
    "logConfiguration",
    "stopTimeout",
];

/** One ECS service of the evaluation, as it would run: its container definition, task count and DNS name. */
interface Task {
    readonly service: string;
    readonly def: ContainerDefinition;
    readonly desiredCount: number;
    /** <name>.<namespace> for app services (Cloud Map); undefined for nginx. */
    readonly dnsName?: string;
    /** Container port registered in the load balancer (nginx). */
    readonly lbPort?: number;
    /** Every container port registered in a target group (nginx). */
    readonly lbPorts: readonly number[];
    /** The `secrets` entries resolved as ECS would at task start: name -> value of the JSON key. */
    readonly secretEnv: readonly string[];
}

function tasksOf(ev: Evaluation): Task[] {
    const byType = (type: string) => ev.resources.filter((r) => r.type === type);
    return byType(SERVICE)
        .map((svc) => {
            const i = svc.inputs as Record<string, never>;
            const td = byType(TD).find((t) => t.state.arn === i.taskDefinition) as DeclaredResource;
            const defs = JSON.parse(td.inputs.containerDefinitions as string) as ContainerDefinition[];
            expect(defs).toHaveLength(1);
            let dnsName: string | undefined;
            const registry = i.serviceRegistries as { registryArn: string } | undefined;
            if (registry) {
                const discovery = byType("aws:servicediscovery/service:Service").find((d) => d.state.arn === registry.registryArn)!;
                const namespaceId = (discovery.inputs.dnsConfig as { namespaceId: string }).namespaceId;
                const namespace = byType("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").find((n) => n.id === namespaceId)!;
                dnsName = `${discovery.inputs.name}.${namespace.inputs.name}`;
            }
            const lbs = (i.loadBalancers as { containerPort: number }[] | undefined) ?? [];
            return {
                service: String(i.name),
                def: defs[0],
                desiredCount: Number(i.desiredCount),
                dnsName,
                lbPort: lbs[0]?.containerPort,
                lbPorts: lbs.map((l) => l.containerPort),
                secretEnv: (defs[0].secrets ?? []).map((x) => `${x.name}=${secretValue(ev, x.valueFrom)}`),
            };
        })
        .sort((a, b) => a.service.localeCompare(b.service));
}

/**
 * What ECS puts in a `secrets` variable: valueFrom is <secret ARN>:<JSON key>::, read from the value the
 * evaluation declared for that secret (the mock runtime holds it; Secrets Manager would).
 */
function secretValue(ev: Evaluation, valueFrom: string): string {
    const m = /^(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:[^:]+):([^:]+)::$/.exec(valueFrom);
    if (!m) {
        throw new Error(`unsupported valueFrom ${valueFrom}`);
    }
    const secret = ev.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret" && r.state.arn === m[1])!;
    const version = ev.resources.find(
        (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.inputs.secretId === secret.id,
    )!;
    const wrapped = version.inputs.secretString as { value?: string } | string;
    return (JSON.parse(typeof wrapped === "string" ? wrapped : wrapped.value!) as Record<string, string>)[m[2]];
}

/** Builds the declared images (our Dockerfiles on the offline bases); returns mocked repoDigest -> local image ID. */
async function buildImages(ev: Evaluation): Promise<Map<string, string>> {
    const refs = new Map<string, string>();
    const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"];
    for (const img of ev.resources.filter((r) => r.type === "docker:index/image:Image")) {
        const b = img.inputs.build as { context: string; dockerfile: string; args: Record<string, string>; platform: string };
        if (b.platform !== `linux/${arch}`) {
            throw new Error(`${img.name} is declared for ${b.platform}; this engine runs linux/${arch} and has no emulation`);
        }
        const tag = `webstack-${STACK}-${b.context}:local`;
        const args = ["build", "--tag", tag, "--file", path.join(ROOT, b.dockerfile), "--platform", b.platform, "--network", "none"];
        for (const [k, v] of Object.entries(b.args)) {
            args.push("--build-arg", `${k}=${v}`);
        }
        // No buildx on these machines: the classic builder (see scripts/engine.sh).
        await cli([...args, path.join(ROOT, b.context)], { env: { DOCKER_BUILDKIT: "0" } });
        refs.set(img.state.repoDigest as string, (await cli(["image", "inspect", "--format", "{{.Id}}", tag])).trim());
    }
    return refs;
}

/** Creates and starts one container from an ECS container definition, applying every field it declares. */
async function runDefinition(
    task: Task,
    replica: number,
    imageId: string,
    hostPorts: Readonly<Record<number, number>> = {},
): Promise<string> {
    const d = task.def;
    const unknown = Object.keys(d).filter((k) => !KNOWN.includes(k));
    if (unknown.length > 0) {
        throw new Error(`container definition of ${task.service} declares ${unknown.join(", ")}, which this test does not apply`);
    }
    const lp = d.linuxParameters ?? {};
    const extra = Object.keys(lp).filter((k) => k !== "capabilities" && k !== "tmpfs");
    if (extra.length > 0) {
        throw new Error(`linuxParameters.${extra[0]} of ${task.service} is not applied by this test`);
    }
    const s = (sec: number) => sec * 1e9;
    const ports = d.portMappings ?? [];
    const name = `webstack-${STACK}-${task.service}-${replica}`;
    const body = {
        Hostname: name,
        Image: imageId,
        Cmd: d.command,
        Entrypoint: d.entryPoint,
        // ECS sets `secrets` as environment variables too (read from Secrets Manager at task start).
        Env: [...(d.environment ?? []).map((e) => `${e.name}=${e.value}`), ...task.secretEnv],
        User: d.user,
        Labels: { ...LABELS, "webstack.service": task.service },
        ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.containerPort}/${p.protocol ?? "tcp"}`, {}])),
        StopTimeout: d.stopTimeout,
        Healthcheck: d.healthCheck
            ? {
                  Test: d.healthCheck.command,
                  Interval: s(d.healthCheck.interval),
                  Timeout: s(d.healthCheck.timeout),
                  Retries: d.healthCheck.retries,
                  StartPeriod: s(d.healthCheck.startPeriod),
              }
            : undefined,
        HostConfig: {
            ReadonlyRootfs: d.readonlyRootFilesystem ?? false,
            CapAdd: lp.capabilities?.add,
            CapDrop: lp.capabilities?.drop,
            Tmpfs: Object.fromEntries(
                (lp.tmpfs ?? []).map((t) => [t.containerPath, [...(t.mountOptions ?? []), `size=${t.size}m`].join(",")]),
            ),
            // The awslogs driver needs CloudWatch; locally the engine's json-file stands in.
            LogConfig: { Type: "json-file", Config: {} },
            PortBindings: Object.fromEntries(
                ports
                    .filter((p) => hostPorts[p.containerPort] !== undefined)
                    .map((p) => [
                        `${p.containerPort}/${p.protocol ?? "tcp"}`,
                        [{ HostIp: "127.0.0.1", HostPort: String(hostPorts[p.containerPort]) }],
                    ]),
            ),
            NetworkMode: NETWORK,
        },
        // The Cloud Map name of the service, resolved by Docker's embedded DNS to every replica.
        NetworkingConfig: { EndpointsConfig: { [NETWORK]: { Aliases: task.dnsName ? [task.dnsName] : [] } } },
    };
    const id = await createContainer(name, body);
    await call(`start ${name}`, docker.getContainer(id).start());
    return name;
}

describeEngine("ECS task definitions on the real engine (aws target, run locally)", () => {
    let ev: Evaluation;
    let tasks: Task[];
    let refs: Map<string, string>;
    const containers = new Map<string, string[]>();
    const nginxUrls: string[] = [];
    const proxyPorts: number[] = [];

    beforeAll(async () => {
        ev = await evaluate(CONFIG, { stack: STACK });
        if (ev.error) {
            throw ev.error;
        }
        tasks = tasksOf(ev);
        await teardown("webstack", STACK);
        refs = await buildImages(ev);
        await call(
            "create network",
            docker.createNetwork({
                Name: NETWORK,
                Driver: "bridge",
                Labels: LABELS,
                CheckDuplicate: true,
                IPAM: { Config: [{ Subnet: VPC_CIDR }] },
            }),
        );
        let port = PORT;
        // App services first, as ECS would have them registered before nginx gets traffic.
        for (const task of [...tasks].sort((a, b) => Number(a.lbPort !== undefined) - Number(b.lbPort !== undefined))) {
            const names: string[] = [];
            for (let i = 1; i <= task.desiredCount; i++) {
                if (task.lbPort === undefined) {
                    names.push(await runDefinition(task, i, refs.get(task.def.image)!));
                    continue;
                }
                const hostPort = port++;
                const proxyPort = PROXY_PORT + proxyPorts.length;
                names.push(await runDefinition(task, i, refs.get(task.def.image)!, { [NGINX_PORT]: hostPort, [task.lbPort]: proxyPort }));
                nginxUrls.push(`http://127.0.0.1:${hostPort}/`);
                proxyPorts.push(proxyPort);
            }
            containers.set(task.service, names);
        }
    });
    afterAll(async () => {
        await teardown("webstack", STACK);
    });

    test("the evaluation declares 3 ECS services: 2 app services with Cloud Map names, nginx behind the load balancer", () => {
        expect(tasks.map((t) => [t.service, t.desiredCount, t.dnsName, t.lbPort])).toEqual([
            ["application1", 1, "application1.webstack-e2e-ecs.internal", undefined],
            ["application2", 2, "application2.webstack-e2e-ecs.internal", undefined],
            ["nginx", 2, undefined, NGINX_PROXY_PROTOCOL_PORT],
        ]);
        // Every task image is one of the two builds, by its (mocked) registry digest.
        for (const t of tasks) {
            expect(t.def.image).toMatch(/^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/webstack-e2e-ecs\/(app|nginx)@sha256:[0-9a-f]{64}$/);
            expect(refs.has(t.def.image)).toBe(true);
        }
    });

    test("health checks pass: every container of every task is healthy, with the declared check", async () => {
        const all = [...containers.values()].flat();
        expect(all).toHaveLength(5);
        for (const name of all) {
            const info = await waitHealthy({ type: "container", name }, name, 90_000);
            expect([name, info.State.Health?.Status]).toEqual([name, "healthy"]);
        }
    });

    test("each container runs its definition unchanged: image, command, environment, user, port, health check, root", async () => {
        for (const t of tasks) {
            const image = await call("inspect image", docker.getImage(refs.get(t.def.image)!).inspect());
            for (const name of containers.get(t.service)!) {
                const info: ContainerInfo = await inspectContainer(name);
                const hc = info.Config.Healthcheck as unknown as {
                    Test: string[];
                    Interval: number;
                    Timeout: number;
                    Retries: number;
                    StartPeriod: number;
                };
                const cfg = info.Config as unknown as { Cmd: string[]; Entrypoint: string[] | null; ExposedPorts: Record<string, unknown> };
                expect(info.Image).toBe(refs.get(t.def.image));
                // No command or entry point declared: the image's own run (gunicorn; the nginx entrypoint).
                expect(t.def.command).toBeUndefined();
                expect(t.def.entryPoint).toBeUndefined();
                expect([cfg.Cmd, cfg.Entrypoint]).toEqual([image.Config.Cmd, image.Config.Entrypoint]);
                expect(info.Config.Env).toEqual(expect.arrayContaining(t.def.environment!.map((e) => `${e.name}=${e.value}`)));
                expect(info.Config.User).toBe(t.def.user ?? "");
                // Docker adds the image's EXPOSE (nginx/Dockerfile exposes the local TLS port); ECS's awsvpc ignores EXPOSE.
                expect(Object.keys(cfg.ExposedPorts)).toEqual(
                    expect.arrayContaining(t.def.portMappings!.map((p) => `${p.containerPort}/tcp`)),
                );
                expect(hc).toEqual({
                    Test: t.def.healthCheck!.command,
                    Interval: t.def.healthCheck!.interval * 1e9,
                    Timeout: t.def.healthCheck!.timeout * 1e9,
                    Retries: t.def.healthCheck!.retries,
                    StartPeriod: t.def.healthCheck!.startPeriod * 1e9,
                });
                expect(info.HostConfig.ReadonlyRootfs).toBe(t.def.readonlyRootFilesystem);
                expect(info.HostConfig.CapDrop ?? null).toEqual(t.def.linuxParameters?.capabilities?.drop ?? null);
                expect((info.Config as unknown as { StopTimeout?: number }).StopTimeout).toBe(t.def.stopTimeout);
            }
        }
        expect(tasks.find((t) => t.service === "nginx")!.def.entryPoint).toBeUndefined();
        const app = await inspectContainer("webstack-e2e-ecs-application1-1");
        expect((app.Config as unknown as { Cmd: string[] }).Cmd).toEqual(["gunicorn", "--config", "/app/gunicorn.conf.py", "wsgi"]);
        // The definition's tmpfs (Fargate mounts them since January 2026), applied as declared.
        const declaredTmpfs = tasks.find((t) => t.service === "application1")!.def.linuxParameters?.tmpfs ?? [];
        expect(declaredTmpfs.map((t) => t.containerPath)).toEqual(["/tmp"]);
        expect(Object.keys((app.HostConfig.Tmpfs as Record<string, string> | null) ?? {})).toEqual(["/tmp"]);
    });

    test("nginx: uid 101, read-only root, writes only to its tmpfs mounts, no effective capabilities", async () => {
        const def = tasks.find((t) => t.service === "nginx")!.def;
        const mounts = (def.linuxParameters?.tmpfs ?? []).map((t) => t.containerPath);
        expect(mounts.length).toBeGreaterThan(0);
        for (const name of containers.get("nginx")!) {
            expect((await exec(name, ["id", "-u"])).trim()).toBe("101");
            await expect(exec(name, ["sh", "-c", "echo x > /etc/nginx/probe"])).rejects.toThrow(/Read-only file system/);
            for (const dir of mounts) {
                await exec(name, ["sh", "-c", `echo x > ${dir}/probe && rm ${dir}/probe`]);
            }
            const procMounts = await exec(name, ["cat", "/proc/mounts"]);
            for (const dir of mounts) {
                expect(procMounts).toMatch(new RegExp(`^tmpfs ${dir} tmpfs `, "m"));
            }
            // nginx's master (PID 1 after the entrypoint's exec) holds no capability at all.
            expect(await exec(name, ["sh", "-c", "grep ^CapEff /proc/1/status"])).toMatch(/^CapEff:\s+0{16}$/m);
        }
    });

    test("the app: uid 10001, read-only root, a writable but noexec /tmp tmpfs, writable /dev/shm (Gunicorn's heartbeat)", async () => {
        for (const name of [...containers.get("application1")!, ...containers.get("application2")!]) {
            expect((await exec(name, ["id", "-u"])).trim()).toBe("10001");
            await expect(exec(name, ["sh", "-c", "echo x > /app/probe"])).rejects.toThrow(/Read-only file system/);
            await exec(name, ["sh", "-c", "printf '#!/bin/sh\\n' > /tmp/probe && chmod +x /tmp/probe"]);
            await expect(exec(name, ["sh", "-c", "/tmp/probe"])).rejects.toThrow(/Permission denied/);
            await exec(name, ["sh", "-c", "echo x > /dev/shm/probe"]);
            // One (unlinked) heartbeat file per Gunicorn worker in /dev/shm (worker_tmp_dir), held open by
            // the worker and the master.
            const heartbeats = await exec(name, [
                "sh",
                "-c",
                "ls -l /proc/[0-9]*/fd 2>/dev/null | grep -o '/dev/shm/wgunicorn-[^ ]*' | sort -u | wc -l",
            ]);
            expect(Number(heartbeats.trim())).toBe(2);
        }
    });

    test("nginx: the Cloud Map names with their weights, and the resolver the entrypoint read from /etc/resolv.conf", async () => {
        for (const name of containers.get("nginx")!) {
            const resolvConf = await exec(name, ["cat", "/etc/resolv.conf"]);
            const nameservers = [...resolvConf.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]);
            expect(nameservers).toEqual(["127.0.0.11"]);
            const conf = await exec(name, ["cat", NGINX_RUN_CONF]);
            expect(conf).toContain(`    resolver ${nameservers.join(" ")} valid=5s ipv6=off;\n`);
            // The Cloud Map names with their weights (any further server parameters are the renderer's).
            expect(conf).toMatch(/^ {8}server application1\.webstack-e2e-ecs\.internal:8000 weight=3 (\S+ )*resolve;$/m);
            expect(conf).toMatch(/^ {8}server application2\.webstack-e2e-ecs\.internal:8000 weight=1 (\S+ )*resolve;$/m);
            const declared = tasks
                .find((t) => t.service === "nginx")!
                .def.environment!.find((e) => e.name === "WEBSTACK_NGINX_CONF")!.value;
            expect(conf).toBe(`${declared.replace("${NGINX_LOCAL_RESOLVERS}", nameservers.join(" "))}\n`);
            expect((await logs(name)).includes(`webstack-entrypoint: wrote ${NGINX_RUN_CONF} (resolvers: 127.0.0.11)`)).toBe(true);
        }
        // Each Cloud Map name resolves to every task of its service.
        const addresses = (await exec(containers.get("nginx")![0], ["getent", "ahostsv4", "application2.webstack-e2e-ecs.internal"]))
            .split("\n")
            .filter((l) => l.includes("STREAM"))
            .map((l) => l.split(/\s+/)[0])
            .sort();
        const expected = await Promise.all(
            containers.get("application2")!.map(async (n) => (await inspectContainer(n)).NetworkSettings.Networks[NETWORK].IPAddress),
        );
        expect(addresses).toEqual(expected.sort());
    });

    test("weighted traffic through both nginx tasks: 1200 requests, each service within 2 pp of its expected share", async () => {
        const since = Math.floor(Date.now() / 1000) - 1;
        const replies = (await Promise.all(nginxUrls.map((url) => sendRequests(url, 600, 4)))).flat();
        expect(nginxUrls).toHaveLength(2);
        expect(replies).toHaveLength(1200);
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        const rows = compareShares(
            ev.outputs!.upstreams as Record<string, { expectedShare: number }>,
            replies.map((r) => r.service!),
        );
        console.log(`ECS task definitions, run locally:\n${formatReport(rows)}`);
        expect(rows.map((r) => [r.service, r.expected])).toEqual([
            ["application1", 0.6],
            ["application2", 0.4],
        ]);
        expect(worstDeltaPp(rows)).toBeLessThanOrEqual(2);
        // Both application2 tasks answered, and nginx's upstreamlog names only app task addresses.
        const answering = new Set(replies.map((r) => r.container));
        for (const name of [...containers.get("application1")!, ...containers.get("application2")!]) {
            expect(answering.has(name)).toBe(true);
        }
        await sleep(1500); // the access log is buffered with flush=1s
        const appIps = new Set(
            await Promise.all(
                [...containers.get("application1")!, ...containers.get("application2")!].map(
                    async (n) => `${(await inspectContainer(n)).NetworkSettings.Networks[NETWORK].IPAddress}:8000`,
                ),
            ),
        );
        const lines = (await Promise.all(containers.get("nginx")!.map(async (n) => parseUpstreamLog(await logs(n, since))))).flat();
        expect(lines.length).toBeGreaterThanOrEqual(1200);
        expect(lines.filter((l) => !appIps.has(l.answeredBy))).toEqual([]);
    });
    test("client address: a PROXY v2 header on the load-balancer port shows its source on the page and in nginx's log", async () => {
        const since = Math.floor(Date.now() / 1000) - 1;
        // nginx answers only the stack's names (nginx/serverNames.ts): here the load balancer's DNS name.
        const host = nlbDnsName(ev);
        const viaNlb = await Promise.all(proxyPorts.map((p) => rawRequest(p, `GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`, "203.0.113.7")));
        for (const reply of viaNlb) {
            expect(reply).toMatch(/^HTTP\/1\.1 200 /);
            expect(reply).toContain("<p>client 203.0.113.7 via http</p>");
        }
        // The NLB's health checks carry a LOCAL header (no client address): answered too.
        expect(await rawRequest(proxyPorts[0], "GET /nginx-healthz HTTP/1.0\r\n\r\n", "local")).toMatch(/^HTTP\/1\.1 200 /);
        // Without a header the port answers nothing: nobody inside the VPC can skip the load balancer's word.
        expect(await rawRequest(proxyPorts[0], "GET / HTTP/1.0\r\n\r\n", "none")).toBe("");
        await sleep(1500); // the access log is buffered with flush=1s
        const logged = (await Promise.all(containers.get("nginx")!.map((n) => logs(n, since)))).join("\n");
        // nginx on aws logs JSON (CloudWatch metric filters read it): the client is its own field.
        const viaClient = logged
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as Record<string, unknown>)
            .filter((o) => o.client === "203.0.113.7" && o.request === "GET / HTTP/1.0" && o.status === 200 && o.svc !== "");
        expect(viaClient).toHaveLength(proxyPorts.length);
        expect(logged).toContain("broken header");
    });

    test("nginx's JSON log, as CloudWatch gets it: the metric filters count each service's requests, 5xx and request time", async () => {
        // `since` has 1 s resolution: let the previous test's lines age past it first.
        await sleep(2500);
        const since = Math.floor(Date.now() / 1000) - 1;
        const replies = await sendRequests(nginxUrls[0], 300, 4);
        // Two answers nginx makes itself, with no service: a 404 from the app has one; an HTTP/2.0 request line on
        // an HTTP/1 port gets nginx's own 5xx (505), which only the stack-wide 5xx filter may count.
        const unsupported = await rawRequest(proxyPorts[0], `GET / HTTP/2.0\r\nHost: ${nlbDnsName(ev)}\r\n\r\n`, "203.0.113.7");
        await sleep(1500); // the access log is buffered with flush=1s
        const nginx0 = containers.get("nginx")![0];
        const lines = (await logs(nginx0, since)).split("\n").filter((l) => l.startsWith("{"));
        // Every access line is one JSON object: the declared keys in order, status and rt numbers.
        const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const o of parsed) {
            expect(Object.keys(o)).toEqual(JSON_LOG_FIELDS.map(([k]) => k));
            expect([typeof o.status, typeof o.rt]).toEqual(["number", "number"]);
        }
        // The same lines still read as the article's upstreamlog (npm run traffic -- --from-log).
        expect(parseUpstreamLog(lines.join("\n")).length).toBe(replies.length);
        const served = (svc: string) => replies.filter((r) => r.service === svc).length;
        const fivexx = parsed.filter((o) => (o.status as number) >= 500).length;
        console.log(`nginx JSON log: ${lines.length} lines, ${fivexx} 5xx (${unsupported.split("\r\n")[0]})`);
        expect(unsupported).toMatch(/^HTTP\/1\.1 5\d\d /);
        expect(fivexx).toBe(1);
        const expected: Record<string, number> = {
            "application1-requests": served("application1"),
            "application1-5xx": 0,
            "application1-rt": served("application1"),
            "application2-requests": served("application2"),
            "application2-5xx": 0,
            "application2-rt": served("application2"),
            "all-requests": replies.length + 1,
            "all-5xx": 1,
            // The discovery sidecar's filters read only its status lines, never an access log line.
            "discovery-instances": 0,
            "discovery-failed-calls": 0,
            "discovery-consecutive-errors": 0,
            "discovery-last-success-age": 0,
        };
        const specs = metricFilterSpecs(["application1", "application2"]);
        const counted = Object.fromEntries(specs.map((f) => [f.name, lines.filter((l) => matchesFilter(f.pattern, l)).length]));
        expect(counted).toEqual(expected);
        expect(served("application1") + served("application2")).toBe(300);
        // The latency filters publish $.rt: a number of seconds on every line they match.
        for (const f of specs.filter((x) => x.value === "$.rt")) {
            const values = lines.filter((l) => matchesFilter(f.pattern, l)).map((l) => selectField(JSON.parse(l), f.value));
            expect(values.every((v) => typeof v === "number" && v >= 0 && v < 10)).toBe(true);
        }
        // No real app answered 5xx here; the same real line with a 502 status is what the per-service 5xx filter counts.
        const answered = lines.find((l) => matchesFilter(specs[0].pattern, l))!;
        const as502 = JSON.stringify({ ...JSON.parse(answered), status: 502 });
        expect([matchesFilter(specs[1].pattern, answered), matchesFilter(specs[1].pattern, as502)]).toEqual([false, true]);
    });

    // Last: it stops a task. On ECS, Cloud Map deregisters a task before SIGTERM, and nginx may still send
    // to it for the TTL plus its own valid=; the lame duck keeps it answering that long. Locally Docker's
    // DNS keeps listing it, so nginx keeps sending throughout: every request must still succeed.
    test("lame duck: a stopping app task answers for its lame duck, then drains and exits, with 0 failed requests under load", async () => {
        const timing = appStopTiming(DEFAULT_NGINX);
        const victim = containers.get("application2")![0];
        const busy = new BusyCore(timing.stopTimeoutSec + 30);
        const load = new LoadLoop(nginxUrls[0], 4, timing.stopTimeoutSec + 30);
        try {
            await sleep(2000);
            const sigterm = Date.now();
            // docker stop sends the image's stop signal (SIGTERM) and waits up to the task's stopTimeout, as ECS does.
            await call(
                "stop",
                docker.getContainer(victim).stop({ t: timing.stopTimeoutSec, ...within((timing.stopTimeoutSec + 30) * 1000) }),
            );
            const stoppedMs = Date.now() - sigterm;
            await sleep(2000);
            const replies = await load.stop();
            const fromVictim = replies.filter((r) => r.container === victim && r.at > sigterm).map((r) => r.at - sigterm);
            const info = await inspectContainer(victim);
            console.log(
                `lame duck ${timing.lameDuckSec}s: ${replies.length} requests, ${load.failures.length} failed; ` +
                    `the stopping task answered ${fromVictim.length} of them, the last ${Math.max(0, ...fromVictim)} ms after SIGTERM; exited after ${stoppedMs} ms`,
            );
            expect(load.failures).toEqual([]);
            expect(replies.length).toBeGreaterThanOrEqual(2000);
            // It served on through the lame duck, then left on its own (exit 0, not SIGKILL's 137) before stopTimeout.
            expect(Math.max(...fromVictim)).toBeGreaterThanOrEqual((timing.lameDuckSec - 1) * 1000);
            expect(stoppedMs).toBeGreaterThanOrEqual(timing.lameDuckSec * 1000);
            expect(stoppedMs).toBeLessThan(timing.stopTimeoutSec * 1000);
            expect(info.State.ExitCode).toBe(0);
        } finally {
            busy.stop();
            await load.stop();
        }
    });
});

/** Host ports of the TLS suites' single nginx task, per container port. */
const TLS_HOST_PORT_BASE = PORT + 200;
const TLS_STACK_CONFIG = {
    target: "aws",
    "aws:region": "us-east-1",
    ...OFFLINE_BASES,
    services: [{ name: "application1", weight: 1, replicas: 1, workers: 1 }],
};
const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab";

/**
 * Runs every ECS service of an evaluation on the engine (apps first), one nginx task with a host port per
 * container port. Returns container port -> host port of that nginx task, and its container name.
 */
async function runStack(ev: Evaluation): Promise<{ hostPort: Map<number, number>; nginx: string }> {
    const tasks = tasksOf(ev);
    await teardown("webstack", STACK);
    const refs = await buildImages(ev);
    await call(
        "create network",
        docker.createNetwork({
            Name: NETWORK,
            Driver: "bridge",
            Labels: LABELS,
            CheckDuplicate: true,
            IPAM: { Config: [{ Subnet: VPC_CIDR }] },
        }),
    );
    const hostPort = new Map<number, number>();
    const started: string[] = [];
    for (const task of [...tasks].sort((a, b) => Number(a.lbPorts.length > 0) - Number(b.lbPorts.length > 0))) {
        if (task.lbPorts.length === 0) {
            for (let i = 1; i <= task.desiredCount; i++) {
                started.push(await runDefinition(task, i, refs.get(task.def.image)!));
            }
            continue;
        }
        expect(task.desiredCount).toBe(1);
        (task.def.portMappings ?? []).forEach((p, i) => hostPort.set(p.containerPort, TLS_HOST_PORT_BASE + i));
        started.push(await runDefinition(task, 1, refs.get(task.def.image)!, Object.fromEntries(hostPort)));
    }
    for (const name of started) {
        await waitHealthy({ type: "container", name }, name, 90_000);
    }
    return { hostPort, nginx: started[started.length - 1] };
}

describeEngine("ECS task definitions with an ACM certificate: the scheme crosses the NLB's TLS listener", () => {
    let ev: Evaluation;
    let hostPort: Map<number, number>;
    beforeAll(async () => {
        ev = await evaluate(
            { ...TLS_STACK_CONFIG, aws: { vpcCidr: VPC_CIDR, certificateArn: ACM_ARN, nginxDesiredCount: 1, nginxAutoscaling: false } },
            { stack: STACK },
        );
        if (ev.error) {
            throw ev.error;
        }
        ({ hostPort } = await runStack(ev));
    });
    afterAll(async () => {
        await teardown("webstack", STACK);
    });

    test("nginx's task maps exactly its health port and its two target groups' ports, and registers in both groups", () => {
        const nginx = tasksOf(ev).find((t) => t.lbPorts.length > 0)!;
        expect([...hostPort.keys()]).toEqual([NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT, NGINX_PROXY_TLS_TERMINATED_PORT]);
        expect(nginx.lbPorts).toEqual([NGINX_PROXY_PROTOCOL_PORT, NGINX_PROXY_TLS_TERMINATED_PORT]);
    });

    test("PROXY v2 on 8082 (the TLS listener's port): the app gets X-Forwarded-Proto https and says 'via https'; HSTS is sent", async () => {
        const reply = await rawRequest(
            hostPort.get(NGINX_PROXY_TLS_TERMINATED_PORT)!,
            `GET / HTTP/1.0\r\nHost: ${nlbDnsName(ev)}\r\n\r\n`,
            "203.0.113.9",
        );
        expect(reply).toMatch(/^HTTP\/1\.1 200 /);
        expect(reply).toContain("<p>client 203.0.113.9 via https</p>");
        expect(reply).toMatch(/^Strict-Transport-Security: max-age=\d+\r$/m);
    });

    test("PROXY v2 on 8081 (port 80's): 301 to https://<host>/... without a port; nginx's health path still answers 200", async () => {
        const port = hostPort.get(NGINX_PROXY_PROTOCOL_PORT)!;
        // With a certificate by ARN the stack's only name is the load balancer's (nginx/serverNames.ts).
        const reply = await rawRequest(port, `GET /a/b?c=1 HTTP/1.0\r\nHost: ${nlbDnsName(ev)}\r\n\r\n`, "203.0.113.9");
        expect(reply).toMatch(/^HTTP\/1\.1 301 /);
        expect(reply).toContain(`\r\nLocation: https://${nlbDnsName(ev)}/a/b?c=1\r\n`);
        // Any other Host is refused, with no Location (issue 18, finding 7).
        expect(await rawRequest(port, "GET / HTTP/1.0\r\nHost: evil.example\r\n\r\n", "203.0.113.9")).toMatch(/^HTTP\/1\.1 421 /);
        expect(await rawRequest(port, "GET /nginx-healthz HTTP/1.0\r\n\r\n", "local")).toMatch(/^HTTP\/1\.1 200 /);
    });

    // The TLS listener's ALPN (HTTP2Preferred) lets a client choose h2, and the NLB then passes h2 frames in
    // clear text to 8082: nginx must answer both HTTP/1.1 (above) and h2 with prior knowledge there.
    test("PROXY v2 then h2 in clear text on 8082 (what the NLB passes on after ALPN chose h2) is answered", async () => {
        const reply = await h2cRequest(hostPort.get(NGINX_PROXY_TLS_TERMINATED_PORT)!, "203.0.113.9", nlbDnsName(ev));
        expect(reply.status).toBe(200);
        expect(reply.body).toContain("via https");
    });
});

describeEngine("ECS task definitions with webstack:tls: nginx terminates TLS after the NLB's PROXY header", () => {
    let ev: Evaluation;
    let hostPort: Map<number, number>;
    let nginx: string;
    let pem: { cert: string; key: string };
    beforeAll(async () => {
        pem = selfSignedPem("app.example.test");
        ev = await evaluate(
            {
                ...TLS_STACK_CONFIG,
                aws: { vpcCidr: VPC_CIDR, nginxDesiredCount: 1, nginxAutoscaling: false },
                tls: { mode: "provided", certificate: pem.cert, key: pem.key },
            },
            { stack: STACK, secretKeys: ["tls"] },
        );
        if (ev.error) {
            throw ev.error;
        }
        ({ hostPort, nginx } = await runStack(ev));
    });
    afterAll(async () => {
        await teardown("webstack", STACK);
    });

    test("PROXY v2 then TLS on 8444: the configured certificate verifies, h2 is negotiated, and the app says 'via https'", async () => {
        const reply = await tlsRequest(hostPort.get(NGINX_PROXY_TLS_PORT)!, "203.0.113.9", pem.cert, "app.example.test");
        expect(reply.alpn).toBe("h2");
        expect(reply.status).toBe(200);
        expect(reply.body).toContain("<p>client 203.0.113.9 via https</p>");
    });

    test("PROXY v2 on 8081 (port 80's): 301 to https", async () => {
        const reply = await rawRequest(
            hostPort.get(NGINX_PROXY_PROTOCOL_PORT)!,
            "GET / HTTP/1.0\r\nHost: app.example.test\r\n\r\n",
            "203.0.113.9",
        );
        expect(reply).toMatch(/^HTTP\/1\.1 301 /);
        expect(reply).toMatch(/^Location: https:\/\/app\.example\.test\/\r$/m);
    });

    test("the key arrives only through `secrets`: not in the task definition, not in nginx's environment, a 0600 file of nginx's user on tmpfs", async () => {
        const keyLine = pem.key.split("\n")[1];
        const td = ev.resources.find((r) => r.type === TD && r.name === "webstack-nginx")!;
        expect(td.inputs.containerDefinitions as string).not.toContain(keyLine);
        const environ = await exec(nginx, ["sh", "-c", "tr '\\0' '\\n' < /proc/1/environ"]);
        expect(environ).not.toContain(NGINX_TLS_KEY_ENV);
        expect(environ).not.toContain(keyLine);
        const keyFile = (
            await exec(nginx, ["sh", "-c", "ls -d /run/webstack/tls/key.pem && stat -c %a:%u /run/webstack/tls/key.pem"])
        ).trim();
        expect(keyFile.split("\n")[1]).toBe("600:101");
    });
});

/** A PROXY protocol v2 header as the NLB sends it: PROXY from `source` (IPv4), LOCAL (a health check), or none. */
function proxyHeader(source: string, destPort = NGINX_PROXY_PROTOCOL_PORT): Buffer {
    const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
    if (source === "none") {
        return Buffer.alloc(0);
    }
    if (source === "local") {
        return Buffer.concat([signature, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
    }
    const ip = (a: string) => Buffer.from(a.split(".").map(Number));
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(40000, 0);
    ports.writeUInt16BE(destPort, 2);
    // Version 2, command PROXY; TCP over IPv4; 12 bytes of addresses and ports.
    return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00, 0x0c]), ip(source), ip("10.231.0.10"), ports]);
}

/** A TCP connection to a host port that has sent a PROXY v2 header, ready for what follows it. */
function proxiedSocket(port: number, source: string): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(proxyHeader(source), () => resolve(socket)));
        socket.once("error", reject);
    });
}

/** GET / over TLS after a PROXY v2 header, verifying the server against `ca`; h2 if the server agrees. */
async function tlsRequest(
    port: number,
    source: string,
    ca: string,
    servername: string,
): Promise<{ alpn: string; status: number; body: string }> {
    const socket = await proxiedSocket(port, source);
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const t = tls.connect({ socket, ca, servername, ALPNProtocols: ["h2", "http/1.1"] }, () => resolve(t));
        t.once("error", reject);
    });
    const alpn = String(secure.alpnProtocol);
    if (alpn !== "h2") {
        secure.destroy();
        return { alpn, status: 0, body: "" };
    }
    const reply = await h2Get(`https://${servername}`, () => secure);
    return { alpn, ...reply };
}

/** GET / as HTTP/2 in clear text (prior knowledge) after a PROXY v2 header. */
async function h2cRequest(port: number, source: string, host: string): Promise<{ status: number; body: string }> {
    const socket = await proxiedSocket(port, source);
    return h2Get(`http://${host}`, () => socket);
}

/** The load balancer's DNS name as the mocks give it: the one name nginx answers on a stack without a domain. */
function nlbDnsName(ev: Evaluation): string {
    return String(ev.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!.state.dnsName);
}

function h2Get(authority: string, connection: () => net.Socket | tls.TLSSocket): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const session = http2.connect(authority, { createConnection: connection });
        session.on("error", reject);
        session.setTimeout(10_000, () => session.destroy(new Error(`no HTTP/2 reply from ${authority} within 10 s`)));
        const req = session.request({ ":path": "/" });
        let status = 0;
        const chunks: Buffer[] = [];
        req.on("response", (h) => (status = Number(h[":status"])));
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("error", reject);
        req.on("end", () => {
            session.close();
            resolve({ status, body: Buffer.concat(chunks).toString("utf8") });
        });
        req.end();
    });
}

/**
 * One request over a raw TCP connection to a host port, preceded by a PROXY protocol v2 header as the NLB
 * sends it: PROXY from `source` (an IPv4 address), or LOCAL (a health check), or none. Returns what came back.
 */
async function rawRequest(port: number, request: string, source: string): Promise<string> {
    const header = proxyHeader(source);
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        // No half-close: the published port's proxy would drop the reply; HTTP/1.0 has nginx close after it.
        const socket = net.connect(port, "127.0.0.1", () => socket.write(Buffer.concat([header, Buffer.from(request)])));
        socket.setTimeout(10_000, () => socket.destroy(new Error(`no reply from 127.0.0.1:${port} within 10 s`)));
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("error", reject);
        socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
}
