// The typed stack config: parsed and validated in one place, before any resource is declared. The result
// is a LocalStackConfig or an AwsStackConfig; a key that only means something on the other target is an
// error that names the key, the target and the fix.
import { parseAutoscaling } from "../aws/autoscaling";
import { existsSync } from "fs";
import { availableParallelism } from "os";
import { isAbsolute, join } from "path";
import { checkFargateSize, checkRegion, parseAwsConfig } from "../aws/config";
import { DEFAULT_SERVICES, FARGATE_SERVICE_DEFAULTS, LIMITS, NGINX_SERVICE_NAME, SERVICE_DEFAULTS, STACK_DEFAULTS } from "./defaults";
import { parseNginxTuning } from "./nginxTuning";
import { ConfigKeys, parseAwsSecrets, parseCapacity, parseSecretConfig, secretConfigReferences } from "./secrets";
import { checkPorts, parseHsts, parseTls } from "./tls";
import { checkAwsImages } from "../aws/images";
import { AWS_MAX_TASKS_PER_SERVICE, AWS_MAX_TASKS_REASON } from "../aws/rollout";
import type { AwsServiceSpec, LocalServiceSpec, StackConfig, Target } from "./types";
import { LOCAL_HOSTNAME_MAX, isStackNetworkName, localHostnameLengths } from "../local/names";
import { defaultCpu, defaultMemoryMiB, parseLocalLimits } from "../local/limits";
import {
    IMAGE_REF,
    Problems,
    Secrecy,
    bool,
    intIn,
    isRecord,
    jsonOrText,
    keyName,
    oneOf,
    setCommand,
    suggest,
    unknownKeys,
} from "./validate";

/** Every top-level key this program reads (without the `webstack:` namespace). */
export const CONFIG_KEYS = [
    "target",
    "services",
    "httpPort",
    "httpsPort",
    "bindAddress",
    "appBaseImage",
    "nginxBaseImage",
    "nginx",
    "tls",
    "hstsMaxAgeSec",
    "aws",
] as const;

/** Keys that mean something on one target only, and what they are for there. */
const TARGET_ONLY: Readonly<Record<string, { target: Target; meaning: string }>> = {
    bindAddress: { target: "local", meaning: "the host address nginx's port binds on" },
    httpPort: { target: "local", meaning: "nginx's published HTTP port; on aws the load balancer listens on 80 and 443" },
    httpsPort: { target: "local", meaning: "nginx's published HTTPS port; on aws the load balancer listens on 443" },
    aws: { target: "aws", meaning: "AWS settings" },
    autoscaling: { target: "aws", meaning: "Application Auto Scaling of the ECS service; locally, set replicas" },
    capacity: { target: "aws", meaning: "the Fargate capacity provider (fargate or spot)" },
    secrets: { target: "aws", meaning: "SSM / Secrets Manager ARNs for the task; locally, use secretConfig" },
    secretsKmsKeyArns: { target: "aws", meaning: "KMS keys the execution role may decrypt the secrets with" },
    secretConfig: { target: "local", meaning: "Pulumi secret config read into the container; on aws, use secrets" },
};
const AWS_ONLY_SERVICE_KEYS = ["autoscaling", "capacity", "secrets", "secretsKmsKeyArns"] as const;

const SERVICE_KEYS = [
    "name",
    "weight",
    "replicas",
    "workers",
    "threads",
    "backup",
    "app",
    "image",
    "cpu",
    "memoryMiB",
    "autoscaling",
    "capacity",
    "secrets",
    "secretsKmsKeyArns",
    "secretConfig",
] as const;
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Provider settings the program reads from outside the webstack namespace. */
export interface ProviderConfig {
    /** `aws:region`; required when target is aws. */
    readonly awsRegion?: string;
    /** Folder `services[].app` build contexts are relative to. Default the working directory (Pulumi runs the program there). */
    readonly projectRoot?: string;
    /** Keys (without namespace) Pulumi holds as secrets; a provided TLS key must be one. Default none. */
    readonly secretKeys?: ReadonlySet<string>;
    /** Every set config key of any namespace, fully qualified, and whether it is a secret (services[].secretConfig). Default: the webstack keys of `raw` with secretKeys. */
    readonly configKeys?: ConfigKeys;
    /** The Pulumi project name (the local target's Docker names start with `<project>-<stack>`). Default "webstack". */
    readonly project?: string;
    /** The Pulumi stack name. Default "dev". */
    readonly stack?: string;
    /** CPUs of the Docker host (local: the bound of services[].cpu and its default). Default this machine's. */
    readonly hostCpus?: number;
}

/**
 * Parses raw stack config (keys without namespace, values as Pulumi passes them: strings, with
 * structured values as JSON) into a StackConfig, or throws ConfigError listing every problem.
 */
export function parseStackConfig(
    given: Readonly<Record<string, string | undefined>>,
    provider: Readonly<ProviderConfig> = {},
): StackConfig {
    const p = new Problems(secrecyOf(given, provider.secretKeys));
    const raw = withoutNulls(p, given);
    const prefix = `${provider.project ?? "webstack"}-${provider.stack ?? "dev"}`;
    // A project key a service's secretConfig names is that secret's home, not a typo.
    const secretHomes = secretConfigReferences(raw.services === undefined ? undefined : jsonOrText(raw.services));
    const configKeys: ConfigKeys =
        provider.configKeys ?? new Map(Object.keys(raw).map((k) => [`webstack:${k}`, provider.secretKeys?.has(k) ?? false]));
    for (const key of Object.keys(raw)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key) && !secretHomes.has(key)) {
            const near = suggest(CONFIG_KEYS, key);
            const hint = near ? ` (did you mean 'webstack:${near}'?)` : "";
            p.add(
                `webstack:${keyName(key)}`,
                raw[key],
                `unknown config key${hint}; known keys are ${CONFIG_KEYS.join(", ")}`,
                `pulumi config rm 'webstack:${keyName(key)}'`,
            );
        }
    }
    const target = oneOf<Target>(
        p,
        "webstack:target",
        raw.target ?? STACK_DEFAULTS.target,
        ["local", "aws"],
        "must be 'local' (Docker on this machine) or 'aws' (ECS Fargate)",
        "local",
    );
    if (target === "aws") {
        checkRegion(p, provider.awsRegion);
    }
    const hostCpus = provider.hostCpus ?? availableParallelism();
    const services = parseServices(p, raw.services, target, provider.projectRoot ?? process.cwd(), configKeys, prefix, hostCpus);
    const port = (key: "httpPort" | "httpsPort") =>
        raw[key] === undefined
            ? STACK_DEFAULTS[key]
            : intIn(p, `webstack:${key}`, raw[key], 1, 65535, "a TCP port", STACK_DEFAULTS[key], true);
    const httpPort = port("httpPort");
    const httpsPort = port("httpsPort");
    const tls = parseTls(p, raw.tls, provider.secretKeys?.has("tls") ?? false);
    const hsts = (tlsOn: boolean) => parseHsts(p, raw.hstsMaxAgeSec, tlsOn, tls?.mode === "self-signed");
    const appBaseImage = imageRef(p, "appBaseImage", raw.appBaseImage, STACK_DEFAULTS.appBaseImage);
    const nginxBaseImage = imageRef(p, "nginxBaseImage", raw.nginxBaseImage, STACK_DEFAULTS.nginxBaseImage);
    const nginx = parseNginxTuning(p, raw.nginx);
    for (const key of ["bindAddress", "httpPort", "httpsPort", "aws"]) {
        if (target && raw[key] !== undefined) {
            wrongTarget(p, `webstack:${key}`, key, jsonOrText(raw[key]!), target);
        }
    }
    if (target === "aws") {
        const aws = parseAwsConfig(p, raw.aws, provider.awsRegion);
        if (tls && aws?.certificate) {
            p.add(
                "webstack:tls",
                tls.mode,
                `and webstack:aws.${aws.certificate.kind === "arn" ? "certificateArn" : "domain"} both ask for TLS: nginx's certificate, or the load balancer's`,
                "pulumi config rm webstack:tls (the load balancer terminates TLS), or remove the aws certificate",
            );
        }
        if (aws) {
            checkAwsImages(p, services, aws);
        }
        const hstsMaxAgeSec = hsts(tls !== undefined || aws?.certificate !== undefined);
        p.throwIfAny();
        const common = { appBaseImage, nginxBaseImage, nginx: nginx!, hstsMaxAgeSec: hstsMaxAgeSec!, ...(tls ? { tls } : {}) };
        return { target, services: services as AwsServiceSpec[], aws: aws!, ...common };
    }
    const bindAddress = raw.bindAddress ?? STACK_DEFAULTS.bindAddress;
    if (target === "local" && !IPV4.test(bindAddress)) {
        p.add(
            "webstack:bindAddress",
            bindAddress,
            "must be an IPv4 address (127.0.0.1 keeps nginx private to this host; 0.0.0.0 exposes it)",
            setCommand("webstack:bindAddress", STACK_DEFAULTS.bindAddress),
        );
    }
    checkPorts(p, httpPort, httpsPort);
    checkStackName(p, provider.project ?? "webstack", provider.stack ?? "dev", raw.services === undefined);
    const hstsMaxAgeSec = hsts(tls !== undefined);
    p.throwIfAny();
    return {
        target: "local",
        services: services as LocalServiceSpec[],
        bindAddress,
        appBaseImage,
        nginxBaseImage,
        nginx: nginx!,
        httpPort: httpPort!,
        httpsPort: httpsPort!,
        hstsMaxAgeSec: hstsMaxAgeSec!,
        ...(tls ? { tls } : {}),
    };
}

/**
 * Refuses every null inside structured config, and drops it so it is reported once (a required key's
 * "got nothing" would repeat it). A null list entry stays: the entry's own check refuses it.
 */
function withoutNulls(p: Problems, raw: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
    const out = { ...raw };
    const drop = (value: unknown, path: string): unknown => {
        if (Array.isArray(value)) {
            return value.map((v, i) => drop(v, `${path}[${i}]`));
        }
        if (!isRecord(value)) {
            return value;
        }
        const kept: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (v === null) {
                p.refuseNull(path, k);
            } else {
                kept[k] = drop(v, `${path}.${keyName(k)}`);
            }
        }
        return kept;
    };
    for (const key of CONFIG_KEYS) {
        const text = raw[key];
        const value = text === undefined ? undefined : jsonOrText(text);
        if (isRecord(value) || Array.isArray(value)) {
            const before = p.count;
            const cleaned = drop(value, `webstack:${key}`);
            if (p.count !== before) {
                out[key] = JSON.stringify(cleaned);
            }
        }
    }
    return out;
}

/**
 * Every local container is named `<project>-<stack>-...`: the names must leave room in a hostname, for the
 * nginx containers and, when webstack:services is unset, the default services' replicas (a set service's name
 * is checked with the service).
 */
function checkStackName(p: Problems, project: string, stack: string, defaults: boolean): void {
    const prefix = `${project}-${stack}`;
    const candidates: [string, number][] = [
        [`the nginx config container's hostname (${prefix}-nginx-config-<id>)`, localHostnameLengths(prefix, "").nginxConfig],
        ...(defaults
            ? DEFAULT_SERVICES.map((s): [string, number] => [
                  `the default service ${s.name}'s replica hostnames (${prefix}-${s.name}-<generation>-<replica>)`,
                  localHostnameLengths(prefix, s.name).app,
              ])
            : []),
    ];
    const [what, length] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
    if (length > LOCAL_HOSTNAME_MAX) {
        const room = stack.length - (length - LOCAL_HOSTNAME_MAX);
        p.add(
            "pulumi stack name",
            stack,
            `with project '${project}' makes ${what} ${length} characters; a hostname is one DNS label of at most ${LOCAL_HOSTNAME_MAX} (Linux refuses more than 64)`,
            room > 0
                ? `pulumi stack rename <a name of at most ${room} characters>${defaults && length !== candidates[0][1] ? ", or set webstack:services with shorter names" : ""}`
                : "shorten the project name in Pulumi.yaml, and the stack name (pulumi stack rename)",
        );
    }
}

/**
 * What no message may quote: by path, webstack:tls and every key set with --secret; as text, every string
 * in a --secret key and every PEM block anywhere (a key pasted into the wrong field is still a key).
 * tls's plain words (mode, hostnames) are guarded by path only: `provided` is also a word of its rules.
 */
function secrecyOf(raw: Readonly<Record<string, string | undefined>>, secretKeys: ReadonlySet<string> | undefined): Secrecy {
    const values: string[] = [];
    for (const [key, text] of Object.entries(raw)) {
        const secret = key !== "tls" && (secretKeys?.has(key) ?? false);
        for (const leaf of text === undefined ? [] : stringLeaves(jsonOrText(text))) {
            if (secret || /-----BEGIN [^\n]*?-----/.test(leaf)) {
                values.push(leaf);
            }
        }
    }
    return { paths: [...(secretKeys ?? [])].map((k) => `webstack:${k}`), values };
}

function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringLeaves);
    }
    return isRecord(value) ? Object.values(value).flatMap(stringLeaves) : [];
}

/** A key set on a stack whose target does not read it: name the key, the target and both fixes. */
function wrongTarget(p: Problems, key: string, short: string, value: unknown, target: Target): void {
    const only = TARGET_ONLY[short];
    if (only.target === target) {
        return;
    }
    p.add(
        key,
        value,
        `is only read when webstack:target is ${only.target} (${only.meaning}); this stack's target is ${target}`,
        key.includes("[")
            ? `remove '${short}' from ${key.slice(0, key.lastIndexOf("."))} in Pulumi.<stack>.yaml, or pulumi config set webstack:target ${only.target}`
            : `pulumi config set webstack:target ${only.target}, or pulumi config rm ${key}`,
    );
}

function parseServices(
    p: Problems,
    value: string | undefined,
    target: Target | undefined,
    root: string,
    configKeys: ConfigKeys,
    prefix: string,
    hostCpus: number,
): (LocalServiceSpec | AwsServiceSpec)[] | undefined {
    if (value === undefined) {
        return target === "aws"
            ? DEFAULT_SERVICES.map((s) => ({ ...s, ...FARGATE_SERVICE_DEFAULTS }))
            : DEFAULT_SERVICES.map((s) => ({
                  ...s,
                  cpu: defaultCpu(s.workers, hostCpus),
                  memoryMiB: defaultMemoryMiB(s.workers, s.threads),
              }));
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
    const services = list.map((entry, i) =>
        parseService(p, `webstack:services[${i}]`, entry, seen, target, root, configKeys, prefix, hostCpus),
    );
    return p.count === before ? (services as (LocalServiceSpec | AwsServiceSpec)[]) : undefined;
}

function parseService(
    p: Problems,
    key: string,
    entry: unknown,
    seen: Set<string>,
    target: Target | undefined,
    root: string,
    configKeys: ConfigKeys,
    prefix: string,
    hostCpus: number,
): LocalServiceSpec | AwsServiceSpec | undefined {
    if (!isRecord(entry)) {
        p.add(
            key,
            entry,
            "must be an object {name, weight, replicas, workers}",
            `write it as e.g. {name: application1, weight: 3, replicas: 1, workers: 6}`,
        );
        return undefined;
    }
    const before = p.count;
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
    const d = SERVICE_DEFAULTS;
    const weight = intIn(p, `${key}.weight`, entry.weight ?? d.weight, 1, LIMITS.weight, "the nginx upstream weight of each replica", 1);
    // On aws the bound is Cloud Map's instances per service with a deploy's surge (lib/aws/rollout.ts).
    const replicasMax = target === "aws" ? AWS_MAX_TASKS_PER_SERVICE : LIMITS.replicas;
    const replicas = intIn(
        p,
        `${key}.replicas`,
        entry.replicas ?? d.replicas,
        0,
        replicasMax,
        "containers of this service; 0 keeps it declared with no traffic" +
            (target === "aws" ? `; at most ${replicasMax} on aws: ${AWS_MAX_TASKS_REASON}` : ""),
        target === "aws" && typeof entry.replicas === "number" && entry.replicas > replicasMax ? replicasMax : 1,
    );
    const workers = intIn(p, `${key}.workers`, entry.workers ?? d.workers, 1, LIMITS.workers, "Gunicorn workers per replica", 3);
    const threads = intIn(p, `${key}.threads`, entry.threads ?? d.threads, 1, LIMITS.threads, "threads per Gunicorn worker", 4);
    const source = parseSource(p, key, entry, root);
    if (entry.backup !== undefined) {
        bool(p, `${key}.backup`, entry.backup, "must be true or false", false);
    }
    const spec = {
        name: name as string,
        weight: weight!,
        replicas: replicas!,
        workers: workers!,
        threads: threads!,
        ...(entry.backup === true ? { backup: true } : {}),
        ...source,
    };
    if (target !== "aws") {
        if (typeof name === "string" && DNS_LABEL.test(name)) {
            checkLocalName(p, `${key}.name`, name, prefix);
        }
        for (const k of AWS_ONLY_SERVICE_KEYS) {
            if (target && entry[k] !== undefined) {
                wrongTarget(p, `${key}.${k}`, k, entry[k], target);
            }
        }
        const secretConfig = parseSecretConfig(p, key, entry.secretConfig, configKeys);
        const limits = parseLocalLimits(p, key, entry, workers, threads, hostCpus);
        return p.count === before ? { ...spec, ...limits!, ...(secretConfig ? { secretConfig } : {}) } : undefined;
    }
    if (entry.secretConfig !== undefined) {
        wrongTarget(p, `${key}.secretConfig`, "secretConfig", entry.secretConfig, target);
    }
    const capacity = parseCapacity(p, `${key}.capacity`, entry.capacity, FARGATE_SERVICE_DEFAULTS.capacity);
    const secrets = parseAwsSecrets(p, key, entry.secrets, entry.secretsKmsKeyArns);
    const f = FARGATE_SERVICE_DEFAULTS;
    const cpu = intIn(p, `${key}.cpu`, entry.cpu ?? f.cpu, 256, 16384, "Fargate CPU units", f.cpu);
    const memoryMiB = intIn(p, `${key}.memoryMiB`, entry.memoryMiB ?? f.memoryMiB, 512, 122880, "Fargate memory in MiB", f.memoryMiB);
    if (cpu !== undefined && memoryMiB !== undefined) {
        checkFargateSize(p, `${key}.cpu`, cpu, `${key}.memoryMiB`, memoryMiB);
    }
    if (name === NGINX_SERVICE_NAME) {
        p.add(`${key}.name`, name, `is the name of the nginx ECS service on the aws target`, setCommand(`${key}.name`, "application1"));
    }
    const autoscaling = parseAutoscaling(p, `${key}.autoscaling`, entry.autoscaling, {
        lowest: 1,
        lowestReason: "scaling to 0 would take the service out of the split",
        highest: AWS_MAX_TASKS_PER_SERVICE,
        highestReason: AWS_MAX_TASKS_REASON,
        start: { key: `${key}.replicas`, value: replicas },
    });
    return p.count === before
        ? { ...spec, cpu: cpu!, memoryMiB: memoryMiB!, capacity: capacity!, ...(autoscaling ? { autoscaling } : {}), ...secrets }
        : undefined;
}

/** A local service's name is its network alias, and part of its replicas' hostnames. */
function checkLocalName(p: Problems, key: string, name: string, prefix: string): void {
    if (isStackNetworkName(prefix, name)) {
        p.add(
            key,
            name,
            `is a name on the stack's Docker network (the network ${prefix}, its containers ${prefix}-..., or localhost), so nginx could send this service's traffic there`,
            setCommand(key, "application1"),
        );
        return;
    }
    const length = localHostnameLengths(prefix, name).app;
    if (length > LOCAL_HOSTNAME_MAX) {
        p.add(
            key,
            name,
            `makes replica hostnames ${length} characters (${prefix}-${name}-<generation>-<replica>); a hostname is one DNS label of at most ${LOCAL_HOSTNAME_MAX} (Linux refuses more than 64)`,
            `a name of at most ${name.length - (length - LOCAL_HOSTNAME_MAX)} characters, or a shorter stack name (pulumi stack rename)`,
        );
    }
}

/** `app` (a build context with a Dockerfile) or `image` (a prebuilt reference), never both; neither means `app`. */
function parseSource(p: Problems, key: string, entry: Record<string, unknown>, root: string): { app?: string } | { image?: string } {
    const { app, image } = entry;
    if (app !== undefined && image !== undefined) {
        p.add(
            `${key}.app`,
            app,
            "and `image` are mutually exclusive: build from a folder, or run a prebuilt image",
            `drop ${key}.image or ${key}.app`,
        );
        return {};
    }
    if (image !== undefined) {
        if (typeof image !== "string" || !IMAGE_REF.test(image)) {
            p.add(
                `${key}.image`,
                image,
                "must be an image reference like repo/name:tag or repo/name@sha256:<64 hex>",
                setCommand(`${key}.image`, "webstack-app:v2"),
            );
            return {};
        }
        return { image };
    }
    if (app === undefined) {
        return {};
    }
    if (typeof app !== "string" || app === "" || isAbsolute(app) || app.split(/[\\/]/).includes("..")) {
        p.add(`${key}.app`, app, "must be a folder inside the project, e.g. app or releases/v2", setCommand(`${key}.app`, "app"));
        return {};
    }
    if (!existsSync(join(root, app, "Dockerfile"))) {
        p.add(
            `${key}.app`,
            app,
            `must be a folder with a Dockerfile; ${join(root, app, "Dockerfile")} does not exist`,
            "copy app/ there and edit the copy",
        );
        return {};
    }
    return { app };
}

function imageRef(p: Problems, key: string, value: string | undefined, fallback: string): string {
    const ref = value ?? fallback;
    if (!IMAGE_REF.test(ref)) {
        p.add(`webstack:${key}`, ref, "must be an image reference like repo/name:tag", setCommand(`webstack:${key}`, fallback));
    }
    return ref;
}
