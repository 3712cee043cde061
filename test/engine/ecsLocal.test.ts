// The ECS task definitions the program declares for the aws target, run unchanged on the real Docker
// engine: every container definition of a task (nginx's task: nginx and its Cloud Map discovery sidecar)
// with its image, command, environment, user, ports, mount points, health check, read-only root and
// capabilities applied as declared, `desiredCount` tasks per ECS service, and the task definition's
// volumes. Cloud Map is moto's (webstack-offline/moto:forky, one per describe block), driven through the
// real AWS SDK: the test plays ECS's part, registering each app task once its health check passes and,
// on a stop, deregistering it before SIGTERM. nginx learns the tasks as on Fargate: its sidecar reads the
// Cloud Map API and publishes one server line per task into the task volume (docs/aws-discovery.md).
// What cannot run here: the awslogs driver (no CloudWatch; containers log to json-file instead), the
// push to ECR (no registry; the images are built locally and the mocked digests substituted with the
// local image IDs), the NLB (each nginx task gets host ports on 127.0.0.1 instead: its plain port, and
// its load-balancer port, which takes a PROXY v2 header as the NLB sends it), Fargate's task storage (a
// Docker volume per task stands in for a task volume). The Docker network gets the stack's VPC CIDR, so
// connections through a host port come from an address inside the VPC, as the NLB's do.
import { selfSignedPem } from "../support/pem";
import * as http2 from "http2";
import * as net from "net";
import * as path from "path";
import * as tls from "tls";
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { ContainerInfo, call, cli, createContainer, docker, exec, inspectContainer, logs, sleep, within } from "../../replay/docker";
import { teardown, waitHealthy } from "../../replay/replay";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { LoadLoop, compareShares, formatReport, parseUpstreamLog, sendRequests, worstDeltaPp } from "../../traffic/traffic";
import { apiStalenessSec, appStopTiming } from "../../components/aws/timing";
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import { BusyCore } from "../support/busyCore";
import { APPLIED_DEFINITION_KEYS, CloudMap, NODE_BASE, createTestNetwork, startMoto } from "../support/cloudMapStack";
import { ROOT, describeEngine } from "../support/engine";
import {
    APP_PORT,
    DISCOVERY_CONFIG_ENV,
    DISCOVERY_DIR,
    DISCOVERY_TEST_ENDPOINT_ENV,
    DiscoveryConfig,
    NGINX_PORT,
    NGINX_PROXY_PROTOCOL_PORT,
    NGINX_PROXY_TLS_PORT,
    NGINX_PROXY_TLS_TERMINATED_PORT,
    NGINX_RUN_CONF,
    NGINX_TLS_KEY_ENV,
    NGINX_UPSTREAM_DIR,
} from "../../lib/runtime";
import { JSON_LOG_FIELDS } from "../../nginx/render";
import { metricFilterSpecs } from "../../lib/aws/operations";
import { matchesFilter, selectField } from "../../lib/aws/logFilter";

jest.setTimeout(600_000);

const STACK = "e2e-ecs";
const PORT = 18085;
const NETWORK = `webstack-${STACK}`;
const LABELS = { "webstack.project": "webstack", "webstack.stack": STACK };
/** The stack's VPC CIDR, given to the Docker network too: nginx trusts PROXY headers from inside it. */
const VPC_CIDR = "10.231.0.0/16";
/** Host ports of the nginx tasks' load-balancer (PROXY protocol) port start here. */
const PROXY_PORT = PORT + 100;
/** moto's Cloud Map, for the test's own SDK calls (ECS's part); the sidecars reach it on the network. */
const MOTO = `webstack-${STACK}-moto`;
const MOTO_HOST_PORT = PORT + 50;
// application2 has 2 tasks: nginx must have a server line for each for the shares to hold
// (expected 3x1 : 1x2 = 60 % : 40 %).
const CONFIG = {
    target: "aws",
    "aws:region": "us-east-1",
    // The discovery image on the offline node base (no registry here).
    aws: { vpcCidr: VPC_CIDR, discoveryBaseImage: NODE_BASE },
    ...OFFLINE_BASES,
    services: [
        { name: "application1", weight: 3, replicas: 1, workers: 2 },
        { name: "application2", weight: 1, replicas: 2, workers: 2 },
    ],
};

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const CLOUD_MAP_SERVICE = "aws:servicediscovery/service:Service";
const CLOUD_MAP_NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace";

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
    mountPoints?: { sourceVolume: string; containerPath: string; readOnly?: boolean }[];
    healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    logConfiguration?: { logDriver: string; options: Record<string, string> };
    stopTimeout?: number;
}
const KNOWN = [...APPLIED_DEFINITION_KEYS, "image", "command", "entryPoint"];

/** One container of a task: its definition, and its `secrets` resolved as ECS would at task start (NAME=value). */
interface Container {
    readonly def: ContainerDefinition;
    readonly secretEnv: readonly string[];
}

/** One ECS service of the evaluation, as it would run: its task's containers and volumes, task count, Cloud Map name. */
interface Task {
    readonly service: string;
    /** The task definition's containers, in declared order. */
    readonly containers: readonly Container[];
    /** The first (main) container's definition: nginx, or the app. */
    readonly def: ContainerDefinition;
    /** The task definition's volumes (by name: Fargate task storage; any other volume key fails the test). */
    readonly volumes: readonly string[];
    readonly desiredCount: number;
    /** <name>.<namespace> for app services (Cloud Map); undefined for nginx. */
    readonly dnsName?: string;
    /** The Cloud Map service the ECS service registers its tasks in (app services). */
    readonly cloudMapService?: string;
    /** Container port registered in the load balancer (nginx). */
    readonly lbPort?: number;
    /** Every container port registered in a target group (nginx). */
    readonly lbPorts: readonly number[];
}

function tasksOf(ev: Evaluation): Task[] {
    const byType = (type: string) => ev.resources.filter((r) => r.type === type);
    return byType(SERVICE)
        .map((svc) => {
            const i = svc.inputs as Record<string, never>;
            const service = String(i.name);
            const td = byType(TD).find((t) => t.state.arn === i.taskDefinition) as DeclaredResource;
            const defs = JSON.parse(td.inputs.containerDefinitions as string) as ContainerDefinition[];
            const volumes = ((td.inputs.volumes as Record<string, unknown>[] | undefined) ?? []).map((v) => {
                // A volume with a name only is Fargate's ephemeral task storage, which a Docker volume stands in for.
                const extra = Object.keys(v).filter((k) => k !== "name");
                if (extra.length > 0) {
                    throw new Error(`volume ${String(v.name)} of ${service} declares ${extra.join(", ")}, which this test does not apply`);
                }
                return String(v.name);
            });
            let dnsName: string | undefined;
            let cloudMapService: string | undefined;
            const registry = i.serviceRegistries as { registryArn: string } | undefined;
            if (registry) {
                const discovery = byType(CLOUD_MAP_SERVICE).find((d) => d.state.arn === registry.registryArn)!;
                const namespaceId = (discovery.inputs.dnsConfig as { namespaceId: string }).namespaceId;
                const namespace = byType(CLOUD_MAP_NAMESPACE).find((n) => n.id === namespaceId)!;
                cloudMapService = String(discovery.inputs.name);
                dnsName = `${cloudMapService}.${namespace.inputs.name}`;
            }
            const lbs = (i.loadBalancers as { containerPort: number }[] | undefined) ?? [];
            return {
                service,
                containers: defs.map((def) => ({
                    def,
                    secretEnv: (def.secrets ?? []).map((x) => `${x.name}=${secretValue(ev, x.valueFrom)}`),
                })),
                def: defs[0],
                volumes,
                desiredCount: Number(i.desiredCount),
                dnsName,
                cloudMapService,
                lbPort: lbs[0]?.containerPort,
                lbPorts: lbs.map((l) => l.containerPort),
            };
        })
        .sort((a, b) => a.service.localeCompare(b.service));
}

/** The Cloud Map namespace and services the evaluation declares (moto gets exactly these). */
function cloudMapOf(ev: Evaluation): { namespace: string; services: string[] } {
    const namespaces = ev.resources.filter((r) => r.type === CLOUD_MAP_NAMESPACE);
    expect(namespaces).toHaveLength(1);
    const services = ev.resources.filter((r) => r.type === CLOUD_MAP_SERVICE);
    for (const s of services) {
        expect((s.inputs.dnsConfig as { namespaceId: string }).namespaceId).toBe(namespaces[0].id);
    }
    return { namespace: String(namespaces[0].inputs.name), services: services.map((s) => String(s.inputs.name)) };
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

/** Where one container of a task runs. */
interface Placement {
    readonly name: string;
    readonly imageId: string;
    /** Task volume name -> the Docker volume standing in for it (one per task). */
    readonly volumes: Readonly<Record<string, string>>;
    /** containerPort -> host port on 127.0.0.1 (the main container only). */
    readonly hostPorts?: Readonly<Record<number, number>>;
    /** The task's main container, whose network namespace this one joins (every container but the first). */
    readonly netnsOf?: string;
    /** Test-only environment added to the definition's (the sidecar's moto endpoint and dummy credentials). */
    readonly extraEnv?: Readonly<Record<string, string>>;
}

/** Creates and starts one container from an ECS container definition, applying every field it declares. */
async function runDefinition(task: Task, c: Container, o: Placement): Promise<string> {
    const d = c.def;
    const unknown = Object.keys(d).filter((k) => !KNOWN.includes(k));
    if (unknown.length > 0) {
        throw new Error(`container definition ${d.name} of ${task.service} declares ${unknown.join(", ")}, which this test does not apply`);
    }
    const lp = d.linuxParameters ?? {};
    const extra = Object.keys(lp).filter((k) => k !== "capabilities" && k !== "tmpfs");
    if (extra.length > 0) {
        throw new Error(`linuxParameters.${extra[0]} of ${task.service}/${d.name} is not applied by this test`);
    }
    const ports = d.portMappings ?? [];
    if (o.netnsOf !== undefined && ports.length > 0) {
        // awsvpc: a second container's ports are in the task's one namespace; host ports bind only on the first here.
        throw new Error(`${task.service}/${d.name} maps ports but is not the task's first container; this test does not apply that`);
    }
    const mounts = d.mountPoints ?? [];
    const undeclared = mounts.filter((m) => !task.volumes.includes(m.sourceVolume));
    if (undeclared.length > 0) {
        throw new Error(`${task.service}/${d.name} mounts ${undeclared[0].sourceVolume}, which its task definition does not declare`);
    }
    const s = (sec: number) => sec * 1e9;
    const body = {
        // Docker refuses a hostname for a container that joins another's network namespace (it shares that one's).
        ...(o.netnsOf === undefined ? { Hostname: o.name } : {}),
        Image: o.imageId,
        Cmd: d.command,
        Entrypoint: d.entryPoint,
        // ECS sets `secrets` as environment variables too (read from Secrets Manager at task start).
        Env: [
            ...(d.environment ?? []).map((e) => `${e.name}=${e.value}`),
            ...c.secretEnv,
            ...Object.entries(o.extraEnv ?? {}).map(([k, v]) => `${k}=${v}`),
        ],
        User: d.user,
        Labels: { ...LABELS, "webstack.service": task.service, "webstack.container": d.name },
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
            Binds: mounts.map((m) => `${o.volumes[m.sourceVolume]}:${m.containerPath}:${m.readOnly ? "ro" : "rw"}`),
            // The awslogs driver needs CloudWatch; locally the engine's json-file stands in.
            LogConfig: { Type: "json-file", Config: {} },
            PortBindings: Object.fromEntries(
                ports
                    .filter((p) => o.hostPorts?.[p.containerPort] !== undefined)
                    .map((p) => [
                        `${p.containerPort}/${p.protocol ?? "tcp"}`,
                        [{ HostIp: "127.0.0.1", HostPort: String(o.hostPorts![p.containerPort]) }],
                    ]),
            ),
            // awsvpc: every container of a task shares one network namespace (localhost, the task's address).
            NetworkMode: o.netnsOf === undefined ? NETWORK : `container:${o.netnsOf}`,
        },
    };
    const id = await createContainer(o.name, body);
    await call(`start ${o.name}`, docker.getContainer(id).start());
    return o.name;
}

/** One running task: container definition name -> container name, and the task's Docker volumes. */
interface TaskRun {
    readonly containers: Readonly<Record<string, string>>;
    readonly volumes: Readonly<Record<string, string>>;
}

/**
 * Runs one task: a Docker volume per task volume, then its containers in declared order. The first (nginx,
 * the app) is on the network; the others join its network namespace (NetworkMode container:<first>), as
 * awsvpc gives every container of a Fargate task the same one: the sidecar's calls leave from the task's
 * address, and nothing else on the network can reach it by a name or an address of its own. nginx's
 * entrypoint waits for the sidecar's first set (up to 120 s), so starting nginx first costs nothing, and
 * with a new Docker volume the sidecar's image still sets the mount point's owner (nginx's image has none
 * at that path, so its read-only mount copies nothing).
 */
async function runTask(
    task: Task,
    replica: number,
    refs: ReadonlyMap<string, string>,
    hostPorts: Readonly<Record<number, number>> = {},
    extraEnv: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Promise<TaskRun> {
    const base = `webstack-${STACK}-${task.service}-${replica}`;
    const volumes: Record<string, string> = {};
    for (const v of task.volumes) {
        volumes[v] = `${base}-${v}`;
        await call("create volume", docker.createVolume({ Name: volumes[v], Labels: LABELS }));
    }
    const containers: Record<string, string> = {};
    for (const [k, c] of task.containers.entries()) {
        containers[c.def.name] = await runDefinition(task, c, {
            name: k === 0 ? base : `${base}-${c.def.name}`,
            imageId: refs.get(c.def.image)!,
            volumes,
            ...(k === 0 ? { hostPorts } : { netnsOf: base }),
            extraEnv: extraEnv[c.def.name],
        });
    }
    return { containers, volumes };
}

/** The sidecar's test-only settings: moto's endpoint on the network (no `data-` host prefix) and dummy credentials. */
const SIDECAR_TEST_ENV = {
    discovery: { [DISCOVERY_TEST_ENDPOINT_ENV]: `http://${MOTO}:5000`, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
};

/** Everything a describe block runs: the tasks, images, Cloud Map (moto) and the running tasks per service. */
interface Stack {
    readonly tasks: Task[];
    readonly refs: Map<string, string>;
    readonly cloudMap: CloudMap;
    /** Service -> its running tasks, in replica order. */
    readonly runs: Map<string, TaskRun[]>;
    /** App container name -> its address on the network (the IPv4 registered in Cloud Map). */
    readonly appIps: Map<string, string>;
}

/**
 * Deploys an evaluation as ECS would, on the engine: the images, the network, moto with the declared Cloud Map
 * namespace and services; app tasks, each registered once healthy (instance id = container name); then nginx's
 * tasks, waited for until every container is healthy. `hostPortsOf` gives each nginx replica its host ports.
 */
async function deploy(ev: Evaluation, hostPortsOf: (task: Task, replica: number) => Record<number, number>): Promise<Stack> {
    const t0 = Date.now();
    const tasks = tasksOf(ev);
    const { namespace, services } = cloudMapOf(ev);
    await teardown("webstack", STACK);
    const refs = await buildImages(ev);
    const built = Date.now();
    await createTestNetwork(NETWORK, LABELS, VPC_CIDR);
    await startMoto(MOTO, STACK, NETWORK, MOTO_HOST_PORT);
    const cloudMap = new CloudMap(`http://127.0.0.1:${MOTO_HOST_PORT}`, namespace);
    await cloudMap.create(services);
    const runs = new Map<string, TaskRun[]>();
    const appIps = new Map<string, string>();
    // App services first, registered before nginx starts, as ECS has them before nginx gets traffic.
    const apps = tasks.filter((t) => t.lbPorts.length === 0);
    for (const task of apps) {
        const started: TaskRun[] = [];
        for (let i = 1; i <= task.desiredCount; i++) {
            started.push(await runTask(task, i, refs));
        }
        runs.set(task.service, started);
    }
    await Promise.all(
        apps.flatMap((task) =>
            runs.get(task.service)!.map(async (run) => {
                const name = run.containers[task.def.name];
                const info = await waitHealthy({ type: "container", name }, name, 90_000).catch(async (e: Error) => {
                    throw new Error(`${e.message}\n${await healthReport(name)}`);
                });
                appIps.set(name, info.NetworkSettings.Networks[NETWORK].IPAddress);
                // ECS's part: a task joins Cloud Map once its container health check passes.
                await cloudMap.register(task.cloudMapService!, name, appIps.get(name)!);
            }),
        ),
    );
    for (const task of tasks.filter((t) => t.lbPorts.length > 0)) {
        const started: TaskRun[] = [];
        for (let i = 1; i <= task.desiredCount; i++) {
            started.push(await runTask(task, i, refs, hostPortsOf(task, i), SIDECAR_TEST_ENV));
        }
        runs.set(task.service, started);
        for (const name of started.flatMap((r) => Object.values(r.containers))) {
            await waitHealthy({ type: "container", name }, name, 150_000).catch(async (e: Error) => {
                throw new Error(`${e.message}\n${await healthReport(name)}`);
            });
        }
    }
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
        `deployed in ${s(Date.now() - t0)} s: images ${s(built - t0)} s, then moto, ${appIps.size} app tasks registered, nginx tasks healthy`,
    );
    return { tasks, refs, cloudMap, runs, appIps };
}

/** Why a container is not healthy: its last health check results and the end of its log. */
async function healthReport(name: string): Promise<string> {
    const info = await inspectContainer(name);
    const checks = (info.State.Health?.Log ?? []).map((l) => `  ${l.Start} exit ${l.ExitCode}: ${l.Output.trim().slice(0, 300)}`);
    const tail = (await logs(name)).split("\n").slice(-15);
    return [`health checks of ${name}:`, ...checks, `log of ${name} (last lines):`, ...tail].join("\n");
}

/** The upstream server lines an nginx container runs with now: its installed copy of each file the config includes. */
async function installedServers(nginx: string, files: readonly string[]): Promise<Map<string, string[]>> {
    // The entrypoint swaps that folder by two renames while it installs a set: a read between them is tried again.
    for (let attempt = 1; ; attempt++) {
        try {
            const out = new Map<string, string[]>();
            for (const f of files) {
                out.set(
                    f,
                    (await exec(nginx, ["cat", f])).split("\n").filter((l) => l !== ""),
                );
            }
            return out;
        } catch (e) {
            if (attempt >= 5) {
                throw e;
            }
            await sleep(100);
        }
    }
}

/** The files the rendered config includes inside its upstream block, in order. */
function upstreamIncludes(conf: string): string[] {
    return [...conf.matchAll(/^ {8}include (\S+);$/gm)].map((m) => m[1]);
}

/** The sidecar's JSON status lines (docs/aws-discovery.md, status lines). */
async function statusLines(sidecar: string, since?: number): Promise<Record<string, unknown>[]> {
    return (await logs(sidecar, since))
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describeEngine("ECS task definitions on the real engine (aws target, run locally)", () => {
    let ev: Evaluation;
    let stack: Stack;
    let tasks: Task[];
    let refs: Map<string, string>;
    /** Service -> its tasks' main containers (nginx, app), in replica order. */
    const containers = new Map<string, string[]>();
    /** The discovery sidecar of each nginx task, in the order of containers.get("nginx"). */
    let sidecars: string[] = [];
    const nginxUrls: string[] = [];
    const proxyPorts: number[] = [];

    beforeAll(async () => {
        ev = await evaluate(CONFIG, { stack: STACK });
        if (ev.error) {
            throw ev.error;
        }
        stack = await deploy(ev, (task, replica) => {
            const hostPort = PORT + replica - 1;
            nginxUrls.push(`http://127.0.0.1:${hostPort}/`);
            proxyPorts.push(PROXY_PORT + replica - 1);
            return { [NGINX_PORT]: hostPort, [task.lbPort!]: PROXY_PORT + replica - 1 };
        });
        ({ tasks, refs } = stack);
        for (const t of tasks) {
            containers.set(
                t.service,
                stack.runs.get(t.service)!.map((r) => r.containers[t.def.name]),
            );
        }
        sidecars = stack.runs.get("nginx")!.map((r) => r.containers.discovery);
    });
    afterAll(async () => {
        stack?.cloudMap.client.destroy();
        await teardown("webstack", STACK);
    });

    /** The app tasks registered in Cloud Map now: service -> addresses. */
    const registered = (service: string) => containers.get(service)!.map((n) => stack.appIps.get(n)!);

    test("the evaluation declares 3 ECS services: 2 app services with Cloud Map names, nginx (with its discovery sidecar and volume) behind the load balancer", () => {
        expect(tasks.map((t) => [t.service, t.desiredCount, t.dnsName, t.lbPort])).toEqual([
            ["application1", 1, "application1.webstack-e2e-ecs.internal", undefined],
            ["application2", 2, "application2.webstack-e2e-ecs.internal", undefined],
            ["nginx", 2, undefined, NGINX_PROXY_PROTOCOL_PORT],
        ]);
        expect(tasks.map((t) => [t.service, t.containers.map((c) => c.def.name), t.volumes])).toEqual([
            ["application1", ["app"], []],
            ["application2", ["app"], []],
            ["nginx", ["nginx", "discovery"], ["webstack-discovery"]],
        ]);
        // Every container image is one of the three builds, by its (mocked) registry digest.
        expect(refs.size).toBe(3);
        for (const c of tasks.flatMap((t) => t.containers)) {
            expect(c.def.image).toMatch(
                new RegExp(`^\\d{12}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/webstack-e2e-ecs/${c.def.name}@sha256:[0-9a-f]{64}$`),
            );
            expect(refs.has(c.def.image)).toBe(true);
        }
        // Both containers of nginx's task are essential: a dead sidecar takes its nginx task with it.
        expect(tasks.find((t) => t.service === "nginx")!.containers.map((c) => c.def.essential)).toEqual([true, true]);
    });

    test("health checks pass: every container of every task is healthy, with the declared check", async () => {
        const all = [...stack.runs.values()].flat().flatMap((r) => Object.values(r.containers));
        expect(all).toHaveLength(7);
        for (const name of all) {
            const info = await waitHealthy({ type: "container", name }, name, 90_000);
            expect([name, info.State.Health?.Status]).toEqual([name, "healthy"]);
        }
    });

    test("each container runs its definition unchanged: image, command, environment, user, port, mounts, health check, root", async () => {
        for (const t of tasks) {
            for (const c of t.containers) {
                const image = await call("inspect image", docker.getImage(refs.get(c.def.image)!).inspect());
                for (const run of stack.runs.get(t.service)!) {
                    const name = run.containers[c.def.name];
                    const info: ContainerInfo = await inspectContainer(name);
                    const hc = info.Config.Healthcheck as unknown as {
                        Test: string[];
                        Interval: number;
                        Timeout: number;
                        Retries: number;
                        StartPeriod: number;
                    };
                    const cfg = info.Config as unknown as {
                        Cmd: string[] | null;
                        Entrypoint: string[] | null;
                        ExposedPorts: Record<string, unknown> | null;
                    };
                    expect(info.Image).toBe(refs.get(c.def.image));
                    // No command or entry point declared: the image's own run (gunicorn; the nginx entrypoint; node).
                    expect(c.def.command).toBeUndefined();
                    expect(c.def.entryPoint).toBeUndefined();
                    expect([cfg.Cmd, cfg.Entrypoint]).toEqual([image.Config.Cmd, image.Config.Entrypoint]);
                    expect(info.Config.Env).toEqual(expect.arrayContaining(c.def.environment!.map((e) => `${e.name}=${e.value}`)));
                    expect(info.Config.User).toBe(c.def.user ?? "");
                    // Docker adds the image's EXPOSE (nginx/Dockerfile exposes the local TLS port); ECS's awsvpc ignores EXPOSE.
                    expect(Object.keys(cfg.ExposedPorts ?? {})).toEqual(
                        expect.arrayContaining(c.def.portMappings!.map((p) => `${p.containerPort}/tcp`)),
                    );
                    expect(hc).toEqual({
                        Test: c.def.healthCheck!.command,
                        Interval: c.def.healthCheck!.interval * 1e9,
                        Timeout: c.def.healthCheck!.timeout * 1e9,
                        Retries: c.def.healthCheck!.retries,
                        StartPeriod: c.def.healthCheck!.startPeriod * 1e9,
                    });
                    expect(info.HostConfig.ReadonlyRootfs).toBe(c.def.readonlyRootFilesystem);
                    expect(info.HostConfig.CapDrop ?? null).toEqual(c.def.linuxParameters?.capabilities?.drop ?? null);
                    expect((info.Config as unknown as { StopTimeout?: number }).StopTimeout).toBe(c.def.stopTimeout);
                    // The task volume, as declared: this task's own Docker volume at the container path, ro or rw.
                    const mounts = (info as unknown as { Mounts: { Type: string; Name: string; Destination: string; RW: boolean }[] })
                        .Mounts;
                    expect(mounts.filter((m) => m.Type === "volume").map((m) => [m.Name, m.Destination, m.RW])).toEqual(
                        (c.def.mountPoints ?? []).map((m) => [run.volumes[m.sourceVolume], m.containerPath, !m.readOnly]),
                    );
                }
            }
        }
        expect(tasks.find((t) => t.service === "nginx")!.def.entryPoint).toBeUndefined();
        const app = await inspectContainer("webstack-e2e-ecs-application1-1");
        expect((app.Config as unknown as { Cmd: string[] }).Cmd).toEqual(["gunicorn", "--config", "/app/gunicorn.conf.py", "wsgi"]);
        // The definition's tmpfs (Fargate mounts them since January 2026), applied as declared.
        const declaredTmpfs = tasks.find((t) => t.service === "application1")!.def.linuxParameters?.tmpfs ?? [];
        expect(declaredTmpfs.map((t) => t.containerPath)).toEqual(["/tmp"]);
        expect(Object.keys((app.HostConfig.Tmpfs as Record<string, string> | null) ?? {})).toEqual(["/tmp"]);
        // nginx reads the sets, its sidecar writes them; each nginx task has its own volume.
        const nginxTask = tasks.find((t) => t.service === "nginx")!;
        expect(nginxTask.containers.map((c) => c.def.mountPoints!.map((m) => [m.sourceVolume, m.containerPath, m.readOnly]))).toEqual([
            [["webstack-discovery", DISCOVERY_DIR, true]],
            [["webstack-discovery", DISCOVERY_DIR, false]],
        ]);
        const taskVolumes = stack.runs.get("nginx")!.map((r) => r.volumes["webstack-discovery"]);
        expect(new Set(taskVolumes).size).toBe(2);
    });

    test("nginx: uid 101, read-only root, writes only to its tmpfs mounts (the task volume is read-only), no effective capabilities", async () => {
        const def = tasks.find((t) => t.service === "nginx")!.def;
        const mounts = (def.linuxParameters?.tmpfs ?? []).map((t) => t.containerPath);
        expect(mounts.length).toBeGreaterThan(0);
        for (const name of containers.get("nginx")!) {
            expect((await exec(name, ["id", "-u"])).trim()).toBe("101");
            await expect(exec(name, ["sh", "-c", "echo x > /etc/nginx/probe"])).rejects.toThrow(/Read-only file system/);
            await expect(exec(name, ["sh", "-c", `echo x > ${DISCOVERY_DIR}/probe`])).rejects.toThrow(/Read-only file system/);
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

    test("the discovery sidecar: uid 101, read-only root, writes only the task volume, no capabilities, in nginx's network namespace; healthy once it has published", async () => {
        const { namespace, services } = cloudMapOf(ev);
        const def = tasks.find((t) => t.service === "nginx")!.containers[1].def;
        for (const [k, name] of sidecars.entries()) {
            expect((await exec(name, ["id", "-u"])).trim()).toBe("101");
            await expect(exec(name, ["sh", "-c", "echo x > /opt/webstack-discovery/probe"])).rejects.toThrow(/Read-only file system/);
            await expect(exec(name, ["sh", "-c", "echo x > /tmp/probe"])).rejects.toThrow(/Read-only file system/);
            await exec(name, ["sh", "-c", `echo x > ${DISCOVERY_DIR}/probe && rm ${DISCOVERY_DIR}/probe`]);
            expect(await exec(name, ["sh", "-c", "grep ^CapEff /proc/1/status"])).toMatch(/^CapEff:\s+0{16}$/m);
            // The task's one network namespace: the sidecar sees nginx's address.
            const nginx = await inspectContainer(containers.get("nginx")![k]);
            expect(await exec(name, ["cat", "/proc/net/fib_trie"])).toContain(nginx.NetworkSettings.Networks[NETWORK].IPAddress);
            // It was told the namespace and services the evaluation declares in Cloud Map.
            const config = JSON.parse(def.environment!.find((e) => e.name === DISCOVERY_CONFIG_ENV)!.value) as DiscoveryConfig;
            expect([config.namespace, config.services.map((s) => s.name)]).toEqual([namespace, services]);
            // Published: a current set, its first status line counts every registered task.
            expect((await exec(name, ["readlink", `${DISCOVERY_DIR}/current`])).trim()).toMatch(/^gen-\d+$/);
            const ok = (await statusLines(name)).find((l) => l.event === "discovery" && l.ok === true)!;
            expect(ok).toMatchObject({ instances: 3, services: 2, consecutiveErrors: 0 });
            expect((await inspectContainer(name)).State.Health?.Status).toBe("healthy");
        }
        // The declared check, run in the sidecar's image: it fails before a first publish (the image's empty
        // mount point has no `current`) and passes once a set is current.
        const check = def.healthCheck!.command;
        expect(check[0]).toBe("CMD");
        const script = `"$@"; echo "before:$?"; mkdir ${DISCOVERY_DIR}/gen-1 && ln -s gen-1 ${DISCOVERY_DIR}/current && "$@"; echo "after:$?"`;
        // prettier-ignore
        const out = await cli(["run", "--rm", "--name", `webstack-${STACK}-discovery-check`, "--label", "webstack.project=webstack", "--label", `webstack.stack=${STACK}`, "--network", "none", "--user", def.user!, "--entrypoint", "sh", refs.get(def.image)!, "-c", script, "sh", ...check.slice(1)]);
        expect(out).toBe("before:1\nafter:0\n");
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

    test("nginx: the declared config includes each service's upstream file; nginx runs one server line per registered task, with its per-replica weight", async () => {
        const declared = tasks.find((t) => t.service === "nginx")!.def.environment!.find((e) => e.name === "WEBSTACK_NGINX_CONF")!.value;
        const files = upstreamIncludes(declared);
        expect(files).toEqual([`${NGINX_UPSTREAM_DIR}/application1.conf`, `${NGINX_UPSTREAM_DIR}/application2.conf`]);
        // No server of the app services is resolved by DNS (8 records at most): every one comes from the sidecar.
        expect(declared).not.toMatch(/^ +server .* resolve;$/m);
        for (const name of containers.get("nginx")!) {
            const resolvConf = await exec(name, ["cat", "/etc/resolv.conf"]);
            const nameservers = [...resolvConf.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]);
            expect(nameservers).toEqual(["127.0.0.11"]);
            const conf = await exec(name, ["cat", NGINX_RUN_CONF]);
            expect(conf).toBe(`${declared.replace("${NGINX_LOCAL_RESOLVERS}", nameservers.join(" "))}\n`);
            const log = await logs(name);
            expect(log.includes(`webstack-entrypoint: wrote ${NGINX_RUN_CONF} (resolvers: 127.0.0.11)`)).toBe(true);
            expect(log).toMatch(/webstack-entrypoint: installed upstream set gen-\d+ from Cloud Map discovery/);
            const installed = await installedServers(name, files);
            for (const [k, s] of CONFIG.services.entries()) {
                // The sidecar's comment line, then one server line per task.
                const [comment, ...lines] = installed.get(files[k])!;
                expect(comment).toBe(
                    `# ${s.name}: ${registered(s.name).length} healthy tasks from Cloud Map, weight ${s.weight} each (webstack discovery)`,
                );
                const servers = lines.map((l) => /^ {8}server (\S+):(\d+) weight=(\d+)((?: \S+)*);$/.exec(l));
                expect(servers.every((m) => m !== null)).toBe(true);
                expect(servers.map((m) => m![1]).sort()).toEqual(registered(s.name).sort());
                // Per-replica weight on every line (a service's share is weight x tasks); nothing resolved, no backup.
                expect([...new Set(servers.map((m) => `${m![2]} ${m![3]}`))]).toEqual([`${APP_PORT} ${s.weight}`]);
                expect(servers.filter((m) => / (resolve|backup)\b/.test(m![4]))).toEqual([]);
            }
        }
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
        const appIps = new Set([...stack.appIps.values()].map((ip) => `${ip}:${APP_PORT}`));
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
        // The sidecar's status lines go to the same log group (stream prefix `discovery`), so every filter reads
        // them too: the request filters count none of them; the discovery filters count exactly theirs.
        const status = (await logs(sidecars[0])).split("\n").filter((l) => l.startsWith("{"));
        const kinds = status.map((l) => JSON.parse(l) as { event: string; ok?: boolean; service?: string; instances?: number });
        const onStatus = Object.fromEntries(specs.map((f) => [f.name, status.filter((l) => matchesFilter(f.pattern, l)).length]));
        const summaries = kinds.filter((o) => o.event === "discovery").length;
        expect(onStatus).toEqual({
            ...Object.fromEntries(Object.keys(expected).map((k) => [k, 0])),
            "discovery-instances": kinds.filter((o) => o.event === "discovery.service").length,
            "discovery-failed-calls": kinds.filter((o) => o.event === "discovery" && o.ok === false).length,
            "discovery-consecutive-errors": summaries,
            "discovery-last-success-age": summaries,
        });
        // What discovery-instances publishes per service (its dimension): the tasks registered in Cloud Map.
        const instancesFilter = specs.find((f) => f.name === "discovery-instances")!;
        const published = new Map(
            status
                .filter((l) => matchesFilter(instancesFilter.pattern, l))
                .map((l) => [selectField(JSON.parse(l), "$.service"), selectField(JSON.parse(l), instancesFilter.value!)]),
        );
        expect(Object.fromEntries(published)).toEqual({ application1: 1, application2: 2 });
    });

    // Last: it stops a task as ECS does: Cloud Map deregistration first, then SIGTERM with the definition's
    // stopTimeout. nginx keeps sending to the task until its sidecar's next publish is installed (poll,
    // coalescing, nginx -t + reload: apiStalenessSec); the lame duck keeps the task answering longer than
    // that, so every request must still succeed.
    test("lame duck: a stopping app task answers until nginx drops it, then drains and exits, with 0 failed requests under load", async () => {
        const timing = appStopTiming(DEFAULT_NGINX);
        const victim = containers.get("application2")![0];
        const victimIp = stack.appIps.get(victim)!;
        const files = upstreamIncludes(await exec(containers.get("nginx")![0], ["cat", NGINX_RUN_CONF]));
        const busy = new BusyCore(timing.stopTimeoutSec + 30);
        const load = new LoadLoop(nginxUrls[0], 4, timing.stopTimeoutSec + 30);
        try {
            await sleep(2000);
            const deregistered = Date.now();
            await stack.cloudMap.deregister(tasks.find((t) => t.service === "application2")!.cloudMapService!, victim);
            const sigterm = Date.now();
            // docker stop sends the image's stop signal (SIGTERM) and waits up to the task's stopTimeout, as ECS does.
            // Held as a settled value: a failed stop must not go unhandled while the test sleeps.
            const stopping = call(
                "stop",
                docker.getContainer(victim).stop({ t: timing.stopTimeoutSec, ...within((timing.stopTimeoutSec + 30) * 1000) }),
            ).then(
                () => undefined,
                (e: unknown) => e,
            );
            // Near its lame duck's end, long after nginx dropped it, the task still answers a request of its own.
            await sleep((timing.lameDuckSec - 2) * 1000);
            const lateStatus = await fetch(`http://${victimIp}:${APP_PORT}/`, { signal: AbortSignal.timeout(5000) }).then(
                (r) => r.status,
                () => 0,
            );
            const lateMs = Date.now() - sigterm;
            const stopError = await stopping;
            if (stopError) {
                throw stopError;
            }
            const stoppedMs = Date.now() - sigterm;
            await sleep(2000);
            const replies = await load.stop();
            const fromVictim = replies.filter((r) => r.container === victim && r.at > sigterm).map((r) => r.at - sigterm);
            const lastServedMs = Math.max(0, ...fromVictim);
            const info = await inspectContainer(victim);
            console.log(
                `lame duck ${timing.lameDuckSec}s: ${replies.length} requests, ${load.failures.length} failed; ` +
                    `the stopping task answered ${fromVictim.length} of them after SIGTERM (SIGTERM ${sigterm - deregistered} ms after deregistration), ` +
                    `the last ${lastServedMs} ms after SIGTERM; a direct request ${lateMs} ms after SIGTERM got ${lateStatus}; exited after ${stoppedMs} ms`,
            );
            expect(load.failures).toEqual([]);
            expect(replies.length).toBeGreaterThanOrEqual(2000);
            // nginx stopped sending to it within the API path's staleness (poll, coalescing, reload), inside the
            // lame duck, during which the task still served.
            expect(lastServedMs).toBeLessThan(apiStalenessSec() * 1000);
            expect(apiStalenessSec()).toBeLessThan(timing.lameDuckSec);
            expect([lateStatus, lateMs < timing.lameDuckSec * 1000]).toEqual([200, true]);
            // Both nginx tasks dropped its server line; application2 keeps its other task.
            for (const name of containers.get("nginx")!) {
                const servers = (await installedServers(name, files)).get(files[1])!.filter((l) => /^\s+server /.test(l));
                expect(servers.some((l) => l.includes(` ${victimIp}:`))).toBe(false);
                expect(servers).toHaveLength(1);
            }
            // It kept running through the lame duck, then left on its own (exit 0, not SIGKILL's 137) before stopTimeout.
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
const TLS_AWS = { vpcCidr: VPC_CIDR, discoveryBaseImage: NODE_BASE, nginxDesiredCount: 1, nginxAutoscaling: false };
const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab";

/**
 * Deploys an evaluation with one nginx task (and its sidecar), a host port per nginx container port. Returns
 * container port -> host port of that nginx task, its container name, and the stack (for its Cloud Map client).
 */
async function runStack(ev: Evaluation): Promise<{ hostPort: Map<number, number>; nginx: string; stack: Stack }> {
    const hostPort = new Map<number, number>();
    const stack = await deploy(ev, (task) => {
        expect(task.desiredCount).toBe(1);
        (task.def.portMappings ?? []).forEach((p, i) => hostPort.set(p.containerPort, TLS_HOST_PORT_BASE + i));
        return Object.fromEntries(hostPort);
    });
    const nginxTask = stack.tasks.find((t) => t.lbPorts.length > 0)!;
    return { hostPort, nginx: stack.runs.get(nginxTask.service)![0].containers[nginxTask.def.name], stack };
}

describeEngine("ECS task definitions with an ACM certificate: the scheme crosses the NLB's TLS listener", () => {
    let ev: Evaluation;
    let hostPort: Map<number, number>;
    let stack: Stack | undefined;
    beforeAll(async () => {
        ev = await evaluate({ ...TLS_STACK_CONFIG, aws: { ...TLS_AWS, certificateArn: ACM_ARN } }, { stack: STACK });
        if (ev.error) {
            throw ev.error;
        }
        ({ hostPort, stack } = await runStack(ev));
    });
    afterAll(async () => {
        stack?.cloudMap.client.destroy();
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
    let stack: Stack | undefined;
    beforeAll(async () => {
        pem = selfSignedPem("app.example.test");
        ev = await evaluate(
            {
                ...TLS_STACK_CONFIG,
                aws: TLS_AWS,
                tls: { mode: "provided", certificate: pem.cert, key: pem.key },
            },
            { stack: STACK, secretKeys: ["tls"] },
        );
        if (ev.error) {
            throw ev.error;
        }
        ({ hostPort, nginx, stack } = await runStack(ev));
    });
    afterAll(async () => {
        stack?.cloudMap.client.destroy();
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
