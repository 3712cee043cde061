// The nginx task of the aws target with its Cloud Map discovery sidecar, run on the real engine against
// moto's Cloud Map (test/engine/cloudMap*.test.ts). Containers come from the ECS container definitions
// the program declares (components/aws/containers.ts) with every field applied as declared; the test
// plays ECS's part: it registers each app task in Cloud Map once its health check passes, and on a stop
// deregisters it first, then stops it with the definition's stopTimeout (the app's lame duck runs).
// What stands in: the awslogs driver (json-file), the task volume (a Docker volume), the task's
// network namespace (nginx and the sidecar share only the volume, which is all they share on ECS too).
import * as path from "path";
import {
    CreatePrivateDnsNamespaceCommand,
    CreateServiceCommand,
    DeregisterInstanceCommand,
    ListNamespacesCommand,
    RegisterInstanceCommand,
    ServiceDiscoveryClient,
} from "@aws-sdk/client-servicediscovery";
import { ContainerSpec } from "../../components/aws/containers";
import { call, cli, createContainer, docker, inspectContainer, sleep } from "../../replay/docker";
import { bundleDiscovery } from "../../discovery/bundle";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { ROOT } from "./engine";

export const NODE_BASE = process.env.WEBSTACK_NODE_BASE ?? "webstack-offline/node:forky";
export const MOTO_IMAGE = process.env.WEBSTACK_MOTO_IMAGE ?? "webstack-offline/moto:forky";

/** Builds app, nginx and discovery (bundled first) on the offline bases; returns their tags. */
export async function buildImages(prefix: string): Promise<{ app: string; nginx: string; discovery: string }> {
    bundleDiscovery(ROOT);
    const tags = { app: `${prefix}-app:local`, nginx: `${prefix}-nginx:local`, discovery: `${prefix}-discovery:local` };
    const build = (tag: string, context: string, base: string) =>
        cli(
            ["build", "-q", "--network", "none", "--tag", tag, "--build-arg", `BASE_IMAGE=${base}`, path.join(ROOT, context)],
            // No buildx on these machines: the classic builder (see scripts/engine.sh).
            { env: { DOCKER_BUILDKIT: "0" }, timeoutMs: 600_000 },
        );
    await build(tags.app, "app", OFFLINE_BASES.appBaseImage);
    await build(tags.nginx, "nginx", OFFLINE_BASES.nginxBaseImage);
    await build(tags.discovery, "discovery", NODE_BASE);
    return tags;
}

export interface RunOptions {
    readonly name: string;
    readonly image: string;
    readonly network: string;
    readonly labels: Readonly<Record<string, string>>;
    /** Environment added to the definition's (test-only settings: endpoint, dummy credentials). */
    readonly extraEnv?: Readonly<Record<string, string>>;
    /** containerPort -> host port on 127.0.0.1. */
    readonly hostPorts?: Readonly<Record<number, number>>;
    /** Task volume name -> Docker volume. */
    readonly volumes?: Readonly<Record<string, string>>;
    /**
     * "probe": the declared health check is not run by Docker; the caller probes the same path over HTTP
     * (probeHealthy). For the app's many tasks: a python interpreter per task every 5 s is more CPU than
     * this 2-core machine has with 48 tasks (load average above 400 seen). Default "declared".
     */
    readonly health?: "declared" | "probe";
}

/** The container-definition keys the engine suites apply (the image is given apart); any other key fails a test. */
export const APPLIED_DEFINITION_KEYS: readonly string[] = [
    "name",
    "essential",
    "portMappings",
    "environment",
    "secrets",
    "user",
    "readonlyRootFilesystem",
    "linuxParameters",
    "mountPoints",
    "healthCheck",
    "logConfiguration",
    "stopTimeout",
];

/** A test's own bridge network with a fixed subnet (a stack's VPC CIDR), labelled for teardown. */
export async function createTestNetwork(name: string, labels: Readonly<Record<string, string>>, subnet: string): Promise<void> {
    await call(
        "create network",
        docker.createNetwork({
            Name: name,
            Driver: "bridge",
            Labels: { ...labels },
            CheckDuplicate: true,
            IPAM: { Config: [{ Subnet: subnet }] },
        }),
    );
}

/** moto's server on the test network, published on 127.0.0.1:hostPort; returns once it answers. */
export async function startMoto(name: string, stack: string, network: string, hostPort: number): Promise<void> {
    // prettier-ignore
    await cli(["run", "-d", "--name", name, "--label", "webstack.project=webstack", "--label", `webstack.stack=${stack}`, "--network", network, "-p", `127.0.0.1:${hostPort}:5000`, MOTO_IMAGE]);
    await waitAnswers(`http://127.0.0.1:${hostPort}/`);
}

/** Creates and starts a container from an ECS container definition, applying every field it declares. */
export async function runDefinition(spec: ContainerSpec, o: RunOptions): Promise<string> {
    const unknown = Object.keys(spec).filter((k) => !APPLIED_DEFINITION_KEYS.includes(k));
    if (unknown.length > 0 || spec.secrets) {
        throw new Error(
            `${spec.name} declares ${[...unknown, ...(spec.secrets ? ["secrets"] : [])].join(", ")}, which this runner does not apply`,
        );
    }
    const s = (sec: number) => sec * 1e9;
    const lp = spec.linuxParameters ?? {};
    const body = {
        Hostname: o.name,
        Image: o.image,
        Env: [...spec.environment.map((e) => `${e.name}=${e.value}`), ...Object.entries(o.extraEnv ?? {}).map(([k, v]) => `${k}=${v}`)],
        User: spec.user,
        Labels: { ...o.labels },
        StopTimeout: spec.stopTimeout,
        Healthcheck:
            o.health === "probe"
                ? { Test: ["NONE"] }
                : {
                      Test: spec.healthCheck.command,
                      Interval: s(spec.healthCheck.interval),
                      Timeout: s(spec.healthCheck.timeout),
                      Retries: spec.healthCheck.retries,
                      StartPeriod: s(spec.healthCheck.startPeriod),
                  },
        ExposedPorts: Object.fromEntries(spec.portMappings.map((p) => [`${p.containerPort}/tcp`, {}])),
        HostConfig: {
            ReadonlyRootfs: spec.readonlyRootFilesystem,
            CapDrop: lp.capabilities?.drop,
            Tmpfs: Object.fromEntries((lp.tmpfs ?? []).map((t) => [t.containerPath, [...t.mountOptions, `size=${t.size}m`].join(",")])),
            Binds: (spec.mountPoints ?? []).map((m) => `${o.volumes![m.sourceVolume]}:${m.containerPath}:${m.readOnly ? "ro" : "rw"}`),
            LogConfig: { Type: "json-file", Config: {} },
            PortBindings: Object.fromEntries(
                Object.entries(o.hostPorts ?? {}).map(([c, h]) => [`${c}/tcp`, [{ HostIp: "127.0.0.1", HostPort: String(h) }]]),
            ),
            NetworkMode: o.network,
        },
    };
    const id = await createContainer(o.name, body);
    await call(`start ${o.name}`, docker.getContainer(id).start());
    return o.name;
}

/**
 * Waits until a container's health check passes (an "unhealthy" on a loaded machine may still turn healthy,
 * as ECS keeps checking too); returns its address on `network`.
 */
export async function healthyAddress(name: string, network: string, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const info = await inspectContainer(name);
        if (info.State.Health?.Status === "healthy") {
            return info.NetworkSettings.Networks[network].IPAddress;
        }
        if (!info.State.Running || Date.now() > deadline) {
            // Still "unhealthy" at the deadline, or exited.
            throw new Error(`${name} is not healthy (${info.State.Status}, ${info.State.Health?.Status})`);
        }
        await sleep(250);
    }
}

/** ECS's part for a task whose check the caller runs: GET http://<ip>:<port><path> until 200; returns the IP. */
export async function probeHealthy(name: string, network: string, port: number, pathname: string, timeoutMs = 120_000): Promise<string> {
    const ip = (await inspectContainer(name)).NetworkSettings.Networks[network].IPAddress;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const status = await fetch(`http://${ip}:${port}${pathname}`, { signal: AbortSignal.timeout(3000) }).then(
            (r) => r.status,
            () => 0,
        );
        if (status === 200) {
            return ip;
        }
        await sleep(250);
    }
    throw new Error(`${name} (${ip}) did not answer ${pathname} with 200 within ${timeoutMs / 1000} s`);
}

/** Runs `fn` over `items` with at most `limit` at a time; after a failure no new item starts (nothing is left running unseen). */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    let failed = false;
    await Promise.all(
        Array.from({ length: Math.min(limit, items.length) }, async () => {
            while (next < items.length && !failed) {
                const i = next++;
                try {
                    out[i] = await fn(items[i]);
                } catch (e) {
                    failed = true;
                    throw e;
                }
            }
        }),
    );
    return out;
}

/**
 * Cloud Map as ECS uses it, through the real SDK against moto: a private DNS namespace, one service per
 * app service (A records, custom health), one instance per task with its IPv4 address.
 */
export class CloudMap {
    readonly client: ServiceDiscoveryClient;
    private readonly serviceIds = new Map<string, string>();

    constructor(
        endpoint: string,
        readonly namespace: string,
    ) {
        this.client = new ServiceDiscoveryClient({
            endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "test", secretAccessKey: "test" },
            // moto serves every operation on one host: no `data-` prefix (../shared/offline-docker-notes.md).
            disableHostPrefix: true,
        });
    }

    /** Namespace and services (again after a moto restart: its state is in memory only). */
    async create(services: readonly string[]): Promise<void> {
        await this.client.send(new CreatePrivateDnsNamespaceCommand({ Name: this.namespace, Vpc: "vpc-0123456789abcdef0" }));
        const ns = (await this.client.send(new ListNamespacesCommand({}))).Namespaces!.find((n) => n.Name === this.namespace)!;
        for (const name of services) {
            const r = await this.client.send(
                new CreateServiceCommand({
                    Name: name,
                    NamespaceId: ns.Id,
                    DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: [{ Type: "A", TTL: 5 }] },
                    HealthCheckCustomConfig: {},
                }),
            );
            this.serviceIds.set(name, r.Service!.Id!);
        }
    }

    async register(service: string, taskId: string, ip: string): Promise<void> {
        await this.client.send(
            new RegisterInstanceCommand({
                ServiceId: this.serviceIds.get(service)!,
                InstanceId: taskId,
                Attributes: { AWS_INSTANCE_IPV4: ip },
            }),
        );
    }

    async deregister(service: string, taskId: string): Promise<void> {
        await this.client.send(new DeregisterInstanceCommand({ ServiceId: this.serviceIds.get(service)!, InstanceId: taskId }));
    }
}

/** Waits until `url` answers (any HTTP status) or the deadline passes. */
export async function waitAnswers(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const ok = await fetch(url).then(
            () => true,
            () => false,
        );
        if (ok) {
            return;
        }
        await sleep(250);
    }
    throw new Error(`${url} does not answer`);
}

/**
 * A throttling front for moto (which never throttles): a tiny node HTTP proxy, run as a container from the
 * node base, that answers the next N calls with ThrottlingException (HTTP 400, the awsJson1_1 error shape
 * Cloud Map uses) and forwards the rest; it keeps a log of every call for the back-off checks. `hold`
 * drops every call while moto is put back after a restart (moto keeps its state in memory only; Cloud Map's
 * survives an outage, so the refill must not be seen half done).
 */
export const THROTTLE_PROXY = `
const http = require("http");
let throttle = 0;
let hold = false;
const calls = [];
http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
        if (req.url.startsWith("/__throttle")) {
            throttle = Number(new URL(req.url, "http://x").searchParams.get("n"));
            res.end("ok");
            return;
        }
        if (req.url.startsWith("/__hold")) {
            hold = new URL(req.url, "http://x").searchParams.get("on") === "1";
            res.end("ok");
            return;
        }
        if (req.url.startsWith("/__calls")) {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(calls));
            return;
        }
        const target = String(req.headers["x-amz-target"] || "").split(".").pop();
        const throttled = throttle > 0;
        calls.push({ at: Date.now(), target, throttled, held: hold });
        if (hold) {
            req.socket.destroy();
            return;
        }
        if (throttled) {
            throttle--;
            res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "ThrottlingException" });
            res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
            return;
        }
        const up = http.request({ host: process.env.UPSTREAM, port: 5000, method: req.method, path: req.url, headers: req.headers }, (r) => {
            res.writeHead(r.statusCode, r.headers);
            r.pipe(res);
        });
        // moto down: the caller sees its connection dropped, as with an unreachable endpoint.
        up.on("error", () => req.socket.destroy());
        up.end(Buffer.concat(chunks));
    });
}).listen(5000);
`;
