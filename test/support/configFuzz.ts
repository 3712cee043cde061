// Generators and oracles for the config fuzz suite (test/unit/configFuzz.test.ts): random and mutated
// stack configs for both targets, made of real keys and certificates, and what an accepted config must
// never contain.
import * as fc from "fast-check";
import { availableParallelism } from "os";
import { CONFIG_KEYS } from "../../lib/config/config";
import { LOCAL_LIMITS } from "../../lib/config/defaults";
import { AWS_MAX_TASKS_PER_SERVICE } from "../../lib/aws/rollout";
import { LOCAL_HOSTNAME_MAX, isStackNetworkName, localHostnameLengths } from "../../lib/local/names";
import type { LocalServiceSpec, StackConfig } from "../../lib/config/types";
import { realKeys } from "./leaks";
import { selfSignedPem } from "./pem";

/** Key material and certificates, made once per run (openssl and node:crypto). */
export interface Material {
    readonly ec: { cert: string; key: string };
    readonly rsa: { cert: string; key: string };
    readonly keys: readonly string[];
}

export function makeMaterial(): Material {
    const k = realKeys();
    return {
        ec: selfSignedPem("fuzz-ec.test", 30, "ec"),
        rsa: selfSignedPem("fuzz-rsa.test", 30, "rsa"),
        keys: [k.ecPkcs8, k.ecSec1, k.rsaPkcs1, k.rsaPkcs8, k.encrypted],
    };
}

/** A secret that is no PEM: what `pulumi config set --secret` holds. Recognised by its prefix. */
export const SECRET_PREFIX = "sk_";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const secretText = fc.string({ unit: fc.constantFrom(...B64), minLength: 14, maxLength: 40 }).map((s) => `${SECRET_PREFIX}${s}`);

/** One generated case: raw config as Pulumi passes it, and who holds secrets. */
export interface FuzzCase {
    readonly target: "local" | "aws";
    /** Keys without namespace; scalars as text, structured values as JSON. */
    readonly raw: Record<string, string>;
    readonly secretKeys: readonly string[];
    readonly awsRegion?: string;
}

const junk = fc.oneof(
    fc.constant(null),
    fc.integer({ min: -5, max: 200 }),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.string({ maxLength: 12 }),
    fc.constantFrom("3", " 7 ", "true", "false", "", "0x10", "1e2"),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

export function arbitraries(m: Material) {
    const pem = fc.constantFrom(...m.keys, m.ec.key, m.rsa.key, m.ec.cert, `${m.ec.cert}${m.ec.key}`);
    const anyValue = fc.oneof({ weight: 5, arbitrary: junk }, { weight: 2, arbitrary: secretText }, { weight: 2, arbitrary: pem });
    const service = (target: "local" | "aws") =>
        fc.record(
            {
                name: fc.oneof(
                    { weight: 6, arbitrary: fc.constantFrom("application1", "application2", "api", "b-2", "a") },
                    {
                        weight: 2,
                        arbitrary: fc.constantFrom("webstack-dev-nginx", "localhost", "nginx", "App_1", "a".repeat(32), "a".repeat(33)),
                    },
                    { weight: 1, arbitrary: anyValue },
                ),
                weight: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }) }, { weight: 1, arbitrary: anyValue }),
                replicas: fc.oneof(
                    { weight: 4, arbitrary: fc.integer({ min: 0, max: target === "aws" ? 8 : 50 }) },
                    { weight: 1, arbitrary: anyValue },
                ),
                workers: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: anyValue }),
                threads: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: anyValue }),
                backup: fc.oneof(fc.boolean(), anyValue),
                image: fc.oneof(fc.constantFrom("webstack-app:v2", "Bad Image"), anyValue),
                app: fc.oneof(fc.constantFrom("app", "../etc", "/abs", "missing"), anyValue),
                cpu: fc.oneof(fc.constantFrom(256, 512, 1024, 333), anyValue),
                memoryMiB: fc.oneof(fc.constantFrom(512, 1024, 2048, 100), anyValue),
                capacity: fc.oneof(fc.constantFrom("fargate", "spot", "x"), anyValue),
                autoscaling: fc.oneof(fc.record({ min: fc.integer({ min: 0, max: 10 }), max: fc.integer({ min: 0, max: 10 }) }), anyValue),
                secrets: fc.oneof(fc.constant({ DB_PASSWORD: "arn:aws:ssm:us-east-1:123456789012:parameter/db" }), anyValue),
                secretConfig: fc.oneof(fc.constant({ DB_PASSWORD: "dbPassword" }), anyValue),
                wieght: anyValue,
            },
            { requiredKeys: [] },
        );
    // Most services keep to their target's keys, so that enough configs are accepted to test the oracle.
    const plainService = (target: "local" | "aws") =>
        service(target).map((s) => {
            const keep = [
                "name",
                "weight",
                "replicas",
                "workers",
                "threads",
                "backup",
                ...(target === "aws" ? ["cpu", "memoryMiB", "capacity"] : []),
            ];
            return Object.fromEntries(Object.entries(s).filter(([k]) => keep.includes(k)));
        });
    const tls = fc.oneof(
        fc.record(
            { mode: fc.constant("self-signed"), hostnames: fc.constantFrom(["app.example.test"], ["Bad_Name"], []) },
            { requiredKeys: ["mode"] },
        ),
        fc.record({
            mode: fc.constant("provided"),
            certificate: fc.oneof(
                fc.constantFrom(m.ec.cert, m.rsa.cert, `${m.ec.cert}${m.rsa.cert}`, `${m.ec.cert}${m.ec.key}`, `${m.rsa.key}${m.rsa.cert}`),
                fc.constantFrom(...m.keys).map((k) => `${m.ec.cert}${k}`),
                anyValue,
            ),
            key: fc.oneof(fc.constantFrom(m.ec.key, m.rsa.key, ...m.keys), anyValue),
        }),
        fc.record({ mode: fc.constant("provided"), certificate: fc.constant(m.ec.cert), privateKey: fc.constantFrom(m.ec.key, ...m.keys) }),
        fc.record({ mode: anyValue, key: pem }),
        anyValue,
    );
    const nginx = fc.dictionary(
        fc.constantFrom("workerConnections", "workerProcesses", "proxyBuffering", "upstreamKeepalive", "workerConections"),
        anyValue,
        {
            maxKeys: 2,
        },
    );
    const aws = fc.record(
        {
            platform: fc.oneof(fc.constantFrom("linux/amd64", "linux/arm64"), anyValue),
            egress: fc.oneof(fc.constantFrom("nat", "endpoints"), anyValue),
            exec: fc.oneof(fc.boolean(), anyValue),
            alarmEmail: fc.oneof(fc.constant("ops@example.com"), anyValue),
            domain: anyValue,
            regoin: anyValue,
        },
        { requiredKeys: [] },
    );
    const randomCase = (target: "local" | "aws") =>
        fc.record(
            {
                services: fc.oneof(
                    { weight: 6, arbitrary: fc.array(plainService(target), { minLength: 1, maxLength: 3 }) },
                    { weight: 3, arbitrary: fc.array(service(target), { minLength: 1, maxLength: 3 }) },
                    { weight: 1, arbitrary: anyValue },
                ),
                tls,
                nginx,
                aws,
                httpPort: fc.oneof(fc.constantFrom("8080", "18080", "0", "http", "8443"), anyValue),
                bindAddress: fc.constantFrom("127.0.0.1", "0.0.0.0", "localhost"),
                appBaseImage: fc.oneof(fc.constant("python:3.13-slim"), anyValue),
                hstsMaxAgeSec: fc.constantFrom("0", "600", "-1"),
                dbPasword: fc.oneof(secretText, pem),
            },
            { requiredKeys: [] },
        );
    // Mostly valid: distinct good services and maybe TLS; a quarter of them get one bad field.
    const goodService = (target: "local" | "aws") =>
        fc.record({
            weight: fc.integer({ min: 1, max: 100 }),
            replicas: fc.integer({ min: 0, max: target === "aws" ? 8 : 50 }),
            workers: fc.integer({ min: 1, max: 64 }),
            threads: fc.integer({ min: 1, max: 64 }),
            ...(target === "aws"
                ? { cpu: fc.constant(512), memoryMiB: fc.constantFrom(1024, 2048), capacity: fc.constantFrom("fargate", "spot") }
                : {}),
        });
    const goodServices = (target: "local" | "aws") =>
        fc
            .uniqueArray(fc.constantFrom("application1", "application2", "api", "b-2", "a"), { minLength: 1, maxLength: 3 })
            .chain((names) => fc.tuple(...names.map((name) => goodService(target).map((s) => ({ name, ...s })))));
    const oneBadField = fc.tuple(fc.constantFrom("name", "weight", "replicas", "workers", "threads", "backup", "cpu", "wieght"), anyValue);
    const nearlyValid = (target: "local" | "aws") =>
        fc
            .record(
                {
                    services: goodServices(target),
                    tls: fc.constantFrom<unknown>({ mode: "self-signed" }, { mode: "provided", certificate: m.ec.cert, key: m.ec.key }),
                    bad: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: oneBadField }),
                },
                { requiredKeys: ["services"] },
            )
            .map(({ bad, ...c }) => {
                const services: Record<string, unknown>[] = c.services.map((s) => ({ ...s }));
                if (bad) {
                    services[0][bad[0]] = bad[1];
                }
                return { ...c, services };
            });
    const caseOf = (target: "local" | "aws") =>
        fc
            .oneof(randomCase(target), { weight: 2, arbitrary: nearlyValid(target) })
            .chain((c) =>
                fc.record({
                    c: fc.constant(c),
                    secretKeys: fc.subarray(["tls", "services", "nginx", "aws", "dbPasword", "appBaseImage", "httpPort"]),
                    region: fc.oneof(
                        { weight: 9, arbitrary: fc.constant("us-east-1") },
                        { weight: 1, arbitrary: fc.constantFrom("mars-1", "") },
                    ),
                }),
            )
            .map(({ c, secretKeys, region }): FuzzCase => {
                const raw: Record<string, string> = target === "aws" ? { target: "aws" } : {};
                for (const [k, v] of Object.entries(c)) {
                    raw[k] = typeof v === "string" ? v : JSON.stringify(v);
                }
                return {
                    target,
                    raw,
                    secretKeys: secretKeys.filter((k) => raw[k] !== undefined),
                    ...(target === "aws" ? { awsRegion: region } : {}),
                };
            });
    return { local: caseOf("local"), aws: caseOf("aws") };
}

/** Every string in a JSON value, keys excluded. */
function leaves(v: unknown): string[] {
    if (typeof v === "string") {
        return [v];
    }
    if (Array.isArray(v)) {
        return v.flatMap(leaves);
    }
    return v && typeof v === "object" ? Object.values(v).flatMap(leaves) : [];
}

const parsed = (text: string): unknown => {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
};

/** What no message of this case may quote: private keys anywhere, and secret text under tls or a --secret key. */
export function secretsOf(c: FuzzCase): string[] {
    const out: string[] = [];
    for (const [k, text] of Object.entries(c.raw)) {
        for (const leaf of leaves(parsed(text))) {
            if (/PRIVATE KEY/.test(leaf) || ((k === "tls" || c.secretKeys.includes(k)) && leaf.startsWith(SECRET_PREFIX))) {
                out.push(leaf);
            }
        }
    }
    return out;
}

const SERVICE_KEYS = new Set(["name", "weight", "replicas", "workers", "threads", "backup", "app", "image"]);
const AWS_SERVICE_KEYS = new Set(["cpu", "memoryMiB", "capacity", "autoscaling", "secrets", "secretsKmsKeyArns"]);
/** Local: cpu and memoryMiB are Docker limits (lib/local/limits.ts). */
const LOCAL_SERVICE_KEYS = new Set(["cpu", "memoryMiB", "secretConfig"]);

/** Why an accepted config should have been refused, or undefined. */
export function acceptedBad(c: FuzzCase, cfg: StackConfig, project: string, stack: string): string | undefined {
    const unknown = Object.keys(c.raw).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) {
        return `unknown keys accepted: ${unknown.join(", ")}`;
    }
    for (const [k, text] of Object.entries(c.raw)) {
        if (/"[^"]+":null/.test(JSON.stringify(parsed(text)))) {
            return `a null under ${k} accepted`;
        }
    }
    const services = parsed(c.raw.services ?? "[]");
    for (const s of Array.isArray(services) ? services : []) {
        for (const k of Object.keys(s as object)) {
            if (!SERVICE_KEYS.has(k) && !(c.target === "aws" ? AWS_SERVICE_KEYS : LOCAL_SERVICE_KEYS).has(k)) {
                return `service key ${k} accepted on ${c.target}`;
            }
        }
    }
    const prefix = `${project}-${stack}`;
    const names = new Set<string>();
    for (const s of cfg.services) {
        if (!/^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/.test(s.name) || names.has(s.name)) {
            return `service name ${JSON.stringify(s.name)} accepted`;
        }
        names.add(s.name);
        const ints: [unknown, number, number][] = [
            [s.weight, 1, 100],
            [s.replicas, 0, cfg.target === "aws" ? AWS_MAX_TASKS_PER_SERVICE : 50],
            [s.workers, 1, 64],
            [s.threads, 1, 64],
        ];
        if (ints.some(([v, lo, hi]) => typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)) {
            return `service ${s.name} accepted with ${JSON.stringify([s.weight, s.replicas, s.workers, s.threads])}`;
        }
        if (cfg.target === "local") {
            const { cpu, memoryMiB } = s as LocalServiceSpec;
            const { minCpu, minMemoryMiB, maxMemoryMiB } = LOCAL_LIMITS.app;
            if (cpu < minCpu || cpu > 1024 * availableParallelism() || memoryMiB < minMemoryMiB || memoryMiB > maxMemoryMiB) {
                return `local service ${s.name} accepted with cpu ${cpu}, memoryMiB ${memoryMiB}`;
            }
        }
        if (
            cfg.target === "local" &&
            (isStackNetworkName(prefix, s.name) || localHostnameLengths(prefix, s.name).app > LOCAL_HOSTNAME_MAX)
        ) {
            return `local service name ${s.name} accepted`;
        }
    }
    if (cfg.tls?.mode === "provided" && /PRIVATE KEY/.test(cfg.tls.certificatePem)) {
        return "a private key accepted in tls.certificate";
    }
    if (cfg.tls?.mode === "provided" && !c.secretKeys.includes("tls")) {
        return "a provided TLS key accepted in plain text";
    }
    return undefined;
}
