// Every default of the stack config, in one place. The parser (lib/config/config.ts) fills them in; components
// take required args and never default anything themselves.
import type { NginxTuning, ServiceSpec } from "./types";

/** Top-level defaults shared by both targets, and the local-only bind address. */
export const STACK_DEFAULTS = {
    target: "local",
    httpPort: 8080,
    httpsPort: 8443,
    bindAddress: "127.0.0.1",
    // The official images; app/Dockerfile and nginx/Dockerfile carry the same ARG defaults (a contract
    // test reads them).
    appBaseImage: "python:3.13-slim",
    nginxBaseImage: "nginx:1.28",
} as const;

/** Fields a service entry may leave out. */
export const SERVICE_DEFAULTS = { weight: 1, replicas: 1, workers: 3, threads: 4 } as const;

/** Fargate task size and capacity of an app service that names none. */
export const FARGATE_SERVICE_DEFAULTS = { cpu: 256, memoryMiB: 512, capacity: "fargate" } as const;

/** The article's two services: application1 answers 3 of every 4 requests. */
export const DEFAULT_SERVICES: readonly ServiceSpec[] = [
    { name: "application1", weight: 3, replicas: 1, workers: 6, threads: 4 },
    { name: "application2", weight: 1, replicas: 1, workers: 3, threads: 4 },
];

/** Measured nginx defaults (docs/benchmark.md). */
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
    // Client limits (docs/config.md): nginx's own body size; header and body timeouts cut from nginx's
    // 60 s, so a slow-sending client holds a connection 10 s, not a minute; rate and connection
    // limits off until a stack asks for them.
    clientMaxBodyMiB: 1,
    clientHeaderTimeoutSec: 10,
    clientBodyTimeoutSec: 10,
    sendTimeoutSec: 30,
    proxyReadTimeoutSec: 60,
    rateLimitPerSec: 0,
    rateLimitBurst: 20,
    connLimitPerClient: 0,
};

/** `webstack:aws` defaults. */
export const AWS_DEFAULTS = {
    platform: "linux/amd64",
    egress: "nat",
    vpcCidr: "10.0.0.0/16",
    nginxCpu: 256,
    nginxMemoryMiB: 512,
    nginxDesiredCount: 2,
    logRetentionDays: 14,
    containerInsights: "enabled",
    exec: false,
    serverErrorAlarmPercent: 1,
    // discovery/Dockerfile's ARG default (a contract test reads it).
    discoveryBaseImage: "node:22-bookworm-slim",
} as const;

/**
 * Alarm thresholds and windows (lib/aws/operations.ts). CPU/memory: 85 % for 5 minutes, above any autoscaling
 * target (at most 90 %, default 60 %). Tasks below desired for 5 minutes: longer than a task replacement takes.
 */
export const ALARM_DEFAULTS = {
    utilizationPercent: 85,
    periodSec: 60,
    utilizationMinutes: 5,
    belowDesiredMinutes: 5,
    unhealthyHostMinutes: 2,
    serverErrorWindowSec: 300,
    /** nginx's discovery without a successful Cloud Map answer: it serves the last good set, but changes go unseen. */
    discoveryStaleMinutes: 5,
} as const;

/** Upper bounds of the service list. */
export const LIMITS = {
    weight: 100,
    replicas: 50,
    workers: 64,
    threads: 64,
    services: 20,
    tlsHostnames: 20,
    hstsMaxAgeSec: 63072000,
} as const;

/** HSTS max-age with a real (provided or ACM) certificate: two years, Mozilla's recommendation. Self-signed: 0 (off). */
export const HSTS_DEFAULT_MAX_AGE_SEC = 63072000;

/** Days a self-signed certificate is valid, and how many before its end the next `pulumi up` replaces it. */
export const SELF_SIGNED_VALIDITY = { validityDays: 365, earlyRenewalDays: 30 } as const;

/** ECS service name of nginx on the aws target; an app service may not take it. */
export const NGINX_SERVICE_NAME = "nginx";

/**
 * Autoscaling defaults. Scale out fast (a minute after the last step, so a burst is met within one or two
 * steps); scale in slowly (five minutes), since every stopping app task first waits out the DNS caches
 * (components/aws/timing.ts) and flapping would churn Cloud Map for nothing.
 */
export const AUTOSCALING_DEFAULTS = { cpuPercent: 60, scaleOutCooldownSec: 60, scaleInCooldownSec: 300 } as const;

/** Bounds of autoscaling settings. */
export const AUTOSCALING_LIMITS = { minPercent: 10, maxPercent: 90, nginxMinTasks: 2, nginxMaxTasks: 50 } as const;

/**
 * Default nginx autoscaling on aws (lib/aws/autoscaling.ts nginxAutoscalingFor): nginx CPU needed per unit of
 * app CPU. Measured by `npm run bench` (docs/benchmark.md, 2026-11-28): nginx 0.077 ms and Gunicorn 0.434 ms
 * of CPU per request (0.18) on the bench's trivial app, the heaviest case for nginx, since any real handler
 * costs the app more per request; TLS at nginx cost 0.198 ms more per request (2,785 vs 2,184 req/s on 2
 * cores), so 0.275 / 0.434 (0.63). Both rounded up for headroom: nginx is the one way in.
 */
export const NGINX_SIZING = { cpuPerAppCpu: 0.25, tlsCpuPerAppCpu: 0.75 } as const;

/**
 * Docker limits on the local target (lib/local/limits.ts). app: a replica's default memory is
 * baseMiB + workers × (perWorkerMiB + perThreadMiB × threads); measured here: 3 idle gthread workers and the
 * master used 74 MiB. nginx and its config container: fixed memory, and a ceiling on the tasks of nginx's uid.
 */
export const LOCAL_LIMITS = {
    app: {
        baseMiB: 128,
        perWorkerMiB: 32,
        perThreadMiB: 2,
        minCpu: 128,
        minMemoryMiB: 64,
        maxMemoryMiB: 65536,
        pidsHeadroom: 64,
        uidBase: 200_000,
        uidSpan: 1_000_000,
    },
    nginx: { memoryMiB: 256, pidsLimit: 4096 },
    nginxConfig: { memoryMiB: 96, pidsLimit: 4096 },
} as const;
