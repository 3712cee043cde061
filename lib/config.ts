// The typed stack config: parsed and validated in one place, before any resource is declared.
import { Problems, intIn, isRecord, oneOf, setCommand, suggest, unknownKeys } from "./validate";
import { AwsConfig, parseAwsConfig } from "./awsConfig";

/** One weighted app service: `replicas` containers (or ECS tasks) of the same Gunicorn app. */
export interface ServiceSpec {
    /** DNS label; the network alias (local) or Cloud Map name (aws) nginx resolves. */
    readonly name: string;
    /** nginx upstream weight of each replica, 1..100. */
    readonly weight: number;
    /** Containers / tasks, 0..50; 0 keeps the service declared but sends it no traffic. */
    readonly replicas: number;
    /** Gunicorn worker processes per replica, 1..64. */
    readonly workers: number;
    /** Threads per Gunicorn gthread worker, 1..64. Default 4. */
    readonly threads: number;
    /** Fargate task CPU units (aws only). Default 256. */
    readonly cpu: number;
    /** Fargate task memory in MiB (aws only). Default 512. */
    readonly memoryMiB: number;
}

/** nginx tuning; every field has a measured default (see README, Performance). */
export interface NginxTuning {
    /** `worker_processes`; "auto" = one per core. Default "auto". */
    readonly workerProcesses: number | "auto";
    /** `worker_connections` per worker. Default 4096. */
    readonly workerConnections: number;
    /** Idle keep-alive connections each worker keeps to the upstream. Default 32. */
    readonly upstreamKeepalive: number;
    /** How long an idle upstream connection is kept, seconds. Default 60. */
    readonly upstreamKeepaliveTimeoutSec: number;
    /** How long a DNS answer for a service name is trusted, seconds. Default 5. */
    readonly resolverValidSec: number;
    /** Access log buffer in KiB; 0 writes each line at once. Default 64. */
    readonly accessLogBufferKiB: number;
    /** Longest a buffered log line waits, seconds. Default 1. */
    readonly accessLogFlushSec: number;
    /** Connect timeout to a replica before trying the next, seconds. Default 1. */
    readonly proxyConnectTimeoutSec: number;
    /** How long a replica that failed is skipped before nginx tries it again, seconds. Default 2. */
    readonly failTimeoutSec: number;
    /** `proxy_buffering`. Default true. */
    readonly proxyBuffering: boolean;
}

export type Target = "local" | "aws";

/** The whole validated stack config. */
export interface StackConfig {
    /** Where the stack goes. Default "local". */
    readonly target: Target;
    /** The weighted app services. Default: the article's application1 (3) and application2 (1). */
    readonly services: readonly ServiceSpec[];
    /** nginx's published host port (local) or listener port (aws). Default 8080. */
    readonly httpPort: number;
    /** Host address nginx's port binds on (local). Default 127.0.0.1. */
    readonly bindAddress: string;
    /** Base image of app/Dockerfile. Default python:3.13-slim. */
    readonly appBaseImage: string;
    /** Base image of nginx/Dockerfile (nginx >= 1.27.3 for `resolve`). Default nginx:1.28. */
    readonly nginxBaseImage: string;
    /** nginx tuning. */
    readonly nginx: NginxTuning;
    /** AWS settings; present only when target is "aws". */
    readonly aws?: AwsConfig;
}

export const DEFAULT_SERVICES: readonly ServiceSpec[] = [
    { name: "application1", weight: 3, replicas: 1, workers: 6, threads: 4, cpu: 256, memoryMiB: 512 },
    { name: "application2", weight: 1, replicas: 1, workers: 3, threads: 4, cpu: 256, memoryMiB: 512 },
];

export const DEFAULT_NGINX: NginxTuning = {
    workerProcesses: "auto",
    workerConnections: 4096,
    upstreamKeepalive: 32,
    upstreamKeepaliveTimeoutSec: 60,
    resolverValidSec: 5,
    accessLogBufferKiB: 64,
    accessLogFlushSec: 1,
    proxyConnectTimeoutSec: 1,
    failTimeoutSec: 2,
    proxyBuffering: true,
};

export const LIMITS = { weight: 100, replicas: 50, workers: 64, threads: 64, services: 20 } as const;

/** Every top-level key this program reads (without the `webstack:` namespace). */
export const CONFIG_KEYS = ["target", "services", "httpPort", "bindAddress", "appBaseImage", "nginxBaseImage", "nginx", "aws"] as const;

const SERVICE_KEYS = ["name", "weight", "replicas", "workers", "threads", "cpu", "memoryMiB"] as const;
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const IMAGE_REF = /^[a-z0-9]+([._/:@-][a-zA-Z0-9_.-]+)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Provider settings the program reads from outside the webstack namespace. */
export interface ProviderConfig {
    /** `aws:region`; required when target is aws. */
    readonly awsRegion?: string;
}

/**
 * Parses raw stack config (keys without namespace, values as Pulumi passes them: strings, with
 * structured values as JSON) into a StackConfig, or throws ConfigError listing every problem.
 */
export function parseStackConfig(raw: Readonly<Record<string, string | undefined>>, provider: Readonly<ProviderConfig> = {}): StackConfig {
    const p = new Problems();
    for (const key of Object.keys(raw)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            const near = suggest(CONFIG_KEYS, key);
            const hint = near ? ` (did you mean 'webstack:${near}'?)` : "";
            p.add(
                `webstack:${key}`,
                raw[key],
                `unknown config key${hint}; known keys are ${CONFIG_KEYS.join(", ")}`,
                `pulumi config rm 'webstack:${key}'`,
            );
        }
    }
    const target = parseTarget(p, raw.target);
    const services = parseServices(p, raw.services);
    const httpPort = raw.httpPort === undefined ? 8080 : intIn(p, "webstack:httpPort", raw.httpPort, 1, 65535, "a TCP port", 8080, true);
    const bindAddress = raw.bindAddress ?? "127.0.0.1";
    if (!IPV4.test(bindAddress)) {
        p.add(
            "webstack:bindAddress",
            bindAddress,
            "must be an IPv4 address (127.0.0.1 keeps nginx private to this host; 0.0.0.0 exposes it)",
            setCommand("webstack:bindAddress", "127.0.0.1"),
        );
    }
    const appBaseImage = imageRef(p, "appBaseImage", raw.appBaseImage, "python:3.13-slim");
    const nginxBaseImage = imageRef(p, "nginxBaseImage", raw.nginxBaseImage, "nginx:1.28");
    const nginx = parseNginx(p, raw.nginx);
    const aws = target === "aws" ? parseAwsConfig(p, raw.aws, services ?? [], provider.awsRegion) : undefined;
    if (target !== "aws" && raw.aws !== undefined) {
        p.add(
            "webstack:aws",
            jsonOrText(raw.aws),
            "is only read when webstack:target is aws",
            "pulumi config set webstack:target aws, or pulumi config rm webstack:aws",
        );
    }
    p.throwIfAny();
    return {
        target: target!,
        services: services!,
        httpPort: httpPort!,
        bindAddress,
        appBaseImage,
        nginxBaseImage,
        nginx: nginx!,
        ...(aws ? { aws } : {}),
    };
}

function parseTarget(p: Problems, value: string | undefined): Target | undefined {
    return oneOf<Target>(
        p,
        "webstack:target",
        value ?? "local",
        ["local", "aws"],
        "must be 'local' (Docker on this machine) or 'aws' (ECS Fargate)",
        "local",
    );
}

function parseServices(p: Problems, value: string | undefined): ServiceSpec[] | undefined {
    if (value === undefined) {
        return [...DEFAULT_SERVICES];
    }
    const list = jsonOrText(value);
    const shapeFix =
        "write it as a YAML list in Pulumi.<stack>.yaml, e.g. `services: [{name: application1, weight: 3, replicas: 1, workers: 6}]`";
    if (!Array.isArray(list)) {
        p.add("webstack:services", list, "must be a list of {name, weight, replicas, workers}", shapeFix);
        return undefined;
    }
    if (list.length === 0) {
        p.add("webstack:services", list, "must name at least one service", shapeFix);
        return undefined;
    }
    if (list.length > LIMITS.services) {
        p.add(
            "webstack:services",
            `${list.length} services`,
            `may name at most ${LIMITS.services} services`,
            "merge services or split the stack",
        );
        return undefined;
    }
    const before = p.count;
    const seen = new Set<string>();
    const services = list.map((entry, i) => parseService(p, `webstack:services[${i}]`, entry, seen));
    return p.count === before ? (services as ServiceSpec[]) : undefined;
}

function parseService(p: Problems, key: string, entry: unknown, seen: Set<string>): ServiceSpec | undefined {
    if (!isRecord(entry)) {
        p.add(
            key,
            entry,
            "must be an object {name, weight, replicas, workers}",
            `write it as e.g. {name: application1, weight: 3, replicas: 1, workers: 6}`,
        );
        return undefined;
    }
    unknownKeys(p, key, entry, SERVICE_KEYS);
    const name = entry.name;
    if (typeof name !== "string" || !DNS_LABEL.test(name)) {
        p.add(
            `${key}.name`,
            name,
            "must be a DNS label: 1-32 lowercase letters, digits or '-', starting with a letter, not ending with '-'",
            setCommand(`${key}.name`, "application1"),
        );
    } else if (seen.has(name)) {
        p.add(
            `${key}.name`,
            name,
            "is a duplicate; service names must be unique",
            `rename one of them, e.g. ${setCommand(`${key}.name`, `${name}-2`)}`,
        );
    } else {
        seen.add(name);
    }
    const weight = intIn(p, `${key}.weight`, entry.weight ?? 1, 1, LIMITS.weight, "the nginx upstream weight of each replica", 1);
    const replicas = intIn(
        p,
        `${key}.replicas`,
        entry.replicas ?? 1,
        0,
        LIMITS.replicas,
        "containers of this service; 0 keeps it declared with no traffic",
        1,
    );
    const workers = intIn(p, `${key}.workers`, entry.workers ?? 3, 1, LIMITS.workers, "Gunicorn workers per replica", 3);
    const threads = intIn(p, `${key}.threads`, entry.threads ?? 4, 1, LIMITS.threads, "threads per Gunicorn worker", 4);
    const cpu = intIn(p, `${key}.cpu`, entry.cpu ?? 256, 256, 16384, "Fargate CPU units", 256);
    const memoryMiB = intIn(p, `${key}.memoryMiB`, entry.memoryMiB ?? 512, 512, 122880, "Fargate memory in MiB", 512);
    if ([weight, replicas, workers, threads, cpu, memoryMiB].includes(undefined) || typeof name !== "string") {
        return undefined;
    }
    return { name, weight: weight!, replicas: replicas!, workers: workers!, threads: threads!, cpu: cpu!, memoryMiB: memoryMiB! };
}

const NGINX_KEYS = Object.keys(DEFAULT_NGINX);

function parseNginx(p: Problems, value: string | undefined): NginxTuning | undefined {
    if (value === undefined) {
        return DEFAULT_NGINX;
    }
    const obj = jsonOrText(value);
    if (!isRecord(obj)) {
        p.add(
            "webstack:nginx",
            obj,
            "must be an object of nginx tuning keys",
            `write it as e.g. nginx: {workerConnections: 4096}; keys: ${NGINX_KEYS.join(", ")}`,
        );
        return undefined;
    }
    unknownKeys(p, "webstack:nginx", obj, NGINX_KEYS);
    const d = DEFAULT_NGINX;
    const k = (name: string) => `webstack:nginx.${name}`;
    const wp = obj.workerProcesses ?? d.workerProcesses;
    const workerProcesses = wp === "auto" ? "auto" : intIn(p, k("workerProcesses"), wp, 1, 64, 'nginx worker processes, or "auto"', 2);
    const bool = obj.proxyBuffering ?? d.proxyBuffering;
    if (typeof bool !== "boolean") {
        p.add(k("proxyBuffering"), bool, "must be true or false", setCommand(k("proxyBuffering"), "true"));
    }
    const tuning = {
        workerProcesses,
        workerConnections: intIn(
            p,
            k("workerConnections"),
            obj.workerConnections ?? d.workerConnections,
            64,
            65536,
            "connections per nginx worker",
            4096,
        ),
        upstreamKeepalive: intIn(
            p,
            k("upstreamKeepalive"),
            obj.upstreamKeepalive ?? d.upstreamKeepalive,
            0,
            1024,
            "idle upstream connections per worker; 0 disables",
            32,
        ),
        upstreamKeepaliveTimeoutSec: intIn(
            p,
            k("upstreamKeepaliveTimeoutSec"),
            obj.upstreamKeepaliveTimeoutSec ?? d.upstreamKeepaliveTimeoutSec,
            1,
            3600,
            "seconds",
            60,
        ),
        resolverValidSec: intIn(
            p,
            k("resolverValidSec"),
            obj.resolverValidSec ?? d.resolverValidSec,
            1,
            300,
            "seconds a DNS answer is trusted",
            5,
        ),
        accessLogBufferKiB: intIn(
            p,
            k("accessLogBufferKiB"),
            obj.accessLogBufferKiB ?? d.accessLogBufferKiB,
            0,
            1024,
            "KiB; 0 = unbuffered",
            64,
        ),
        accessLogFlushSec: intIn(p, k("accessLogFlushSec"), obj.accessLogFlushSec ?? d.accessLogFlushSec, 1, 60, "seconds", 1),
        proxyConnectTimeoutSec: intIn(
            p,
            k("proxyConnectTimeoutSec"),
            obj.proxyConnectTimeoutSec ?? d.proxyConnectTimeoutSec,
            1,
            60,
            "seconds",
            1,
        ),
        failTimeoutSec: intIn(
            p,
            k("failTimeoutSec"),
            obj.failTimeoutSec ?? d.failTimeoutSec,
            1,
            300,
            "seconds a failed replica is skipped",
            2,
        ),
        proxyBuffering: bool,
    };
    return Object.values(tuning).includes(undefined) ? undefined : (tuning as NginxTuning);
}

function imageRef(p: Problems, key: string, value: string | undefined, fallback: string): string {
    const ref = value ?? fallback;
    if (!IMAGE_REF.test(ref)) {
        p.add(`webstack:${key}`, ref, "must be an image reference like repo/name:tag", setCommand(`webstack:${key}`, fallback));
    }
    return ref;
}

/** Pulumi hands structured config over as JSON text; a plain scalar stays a string. */
export function jsonOrText(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

// Re-exported so callers need one import for the error type.
export { ConfigError, show } from "./validate";
