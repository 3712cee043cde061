// ECS container definitions, built from the same runtime contract (lib/runtime.ts) as the local
// containers, so the two targets run the app and nginx the same way. Pure functions: a container
// definition is plain data; the image reference is filled in by FargateService once it is known.
import {
    APP_HEALTHCHECK,
    APP_PORT,
    APP_TMPFS,
    APP_USER,
    HEALTH_TIMING,
    NGINX_CONF_ENV,
    NGINX_HEALTHCHECK,
    NGINX_TMPFS,
    NGINX_USER,
    DISCOVERY,
    DISCOVERY_DIR,
    DISCOVERY_HEALTHCHECK,
    DISCOVERY_USER,
    DiscoveryConfig,
    appEnvironment,
    discoveryEnvironment,
    nginxDiscoveryEnvironment,
    nginxEnvironment,
} from "../../lib/runtime";
import type { AwsServiceSpec, NginxTuning, Platform } from "../../lib/config/types";
import { appStopTiming, ecsAppStop, nginxStopTimeoutSec } from "./timing";

/** One entry of a task definition's containerDefinitions (the subset this stack uses). */
export interface ContainerDefinition {
    readonly name: string;
    readonly image: string;
    readonly essential: boolean;
    readonly portMappings: readonly { containerPort: number; hostPort: number; protocol: "tcp" }[];
    readonly environment: readonly { name: string; value: string }[];
    /** Values ECS reads from SSM / Secrets Manager at task start (the execution role may read exactly these). */
    readonly secrets?: readonly { name: string; valueFrom: string }[];
    readonly user?: string;
    readonly readonlyRootFilesystem: boolean;
    readonly linuxParameters?: {
        capabilities?: { drop: string[] };
        tmpfs?: { containerPath: string; size: number; mountOptions: string[] }[];
    };
    /** Task volumes mounted in this container (the discovery folder shared by nginx and its sidecar). */
    readonly mountPoints?: readonly { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    readonly healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    readonly logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
    readonly stopTimeout: number;
}

/** A container definition before its image is known. */
export type ContainerSpec = Omit<ContainerDefinition, "image">;

/** The definition with its image, keys in the order ECS returns them (name, image, then the rest). */
export function withImage(spec: ContainerSpec, image: string): ContainerDefinition {
    const { name, ...rest } = spec;
    return { name, image, ...rest };
}

/** ECS health check from the shared runtime contract (same command and timing as Docker's). */
export function ecsHealthCheck(command: readonly string[]): ContainerDefinition["healthCheck"] {
    return {
        command: [...command],
        interval: HEALTH_TIMING.intervalSec,
        timeout: HEALTH_TIMING.timeoutSec,
        retries: HEALTH_TIMING.retries,
        startPeriod: HEALTH_TIMING.startPeriodSec,
    };
}

/** The awslogs driver writing to one log group; streams are <prefix>/<container>/<task id>. */
export function awslogs(group: string, region: string, streamPrefix: string): ContainerDefinition["logConfiguration"] {
    return {
        logDriver: "awslogs",
        options: {
            "awslogs-group": group,
            "awslogs-region": region,
            "awslogs-stream-prefix": streamPrefix,
            // A slow CloudWatch must never stall the app: buffer in memory and drop when full.
            mode: "non-blocking",
            "max-buffer-size": "4m",
        },
    };
}

/** ECS environment list, sorted by name as ECS returns it (so a refresh never shows a diff). */
export function ecsEnvironment(env: Readonly<Record<string, string>>): ContainerDefinition["environment"] {
    return Object.keys(env)
        .sort()
        .map((name) => ({ name, value: env[name] }));
}

/** ECS `secrets`, sorted by name as ECS returns them. */
export function ecsSecrets(secrets: Readonly<Record<string, string>>): NonNullable<ContainerDefinition["secrets"]> {
    return Object.keys(secrets)
        .sort()
        .map((name) => ({ name, valueFrom: secrets[name] }));
}

/** Fargate runtimePlatform.cpuArchitecture for an image platform. */
export function cpuArchitecture(platform: Platform): "X86_64" | "ARM64" {
    return platform === "linux/arm64" ? "ARM64" : "X86_64";
}

/** Name of the app container in every app task definition. */
export const APP_CONTAINER = "app";

/** What the app container needs beyond the service itself. */
export interface AppContainerArgs {
    /** The service: name, Gunicorn workers and threads. */
    readonly service: AwsServiceSpec;
    /** nginx tuning: Gunicorn's keep-alive and the stop timing derive from it. */
    readonly nginx: NginxTuning;
    /** CloudWatch log group of this service. */
    readonly logGroupName: string;
    /** AWS region (for the awslogs driver). */
    readonly region: string;
    /** WEBSTACK_VERSION the app reports (components/appSources.ts). Default "unknown". */
    readonly version?: string;
    /** ECS Exec on: its agent writes into the container, so the root file system cannot be read-only. Default false. */
    readonly exec?: boolean;
}

/** The app's container: the same command, user, environment and health check as the local container. */
export function appContainer(args: AppContainerArgs): ContainerSpec {
    return {
        name: APP_CONTAINER,
        essential: true,
        // The image's CMD (gunicorn --config /app/gunicorn.conf.py wsgi) runs unchanged.
        portMappings: [{ containerPort: APP_PORT, hostPort: APP_PORT, protocol: "tcp" }],
        // The lame duck outlasts Cloud Map's TTL and nginx's valid= (components/aws/timing.ts).
        environment: ecsEnvironment(appEnvironment(args.service, args.nginx, ecsAppStop(args.nginx), args.version)),
        ...(args.service.secrets ? { secrets: ecsSecrets(args.service.secrets) } : {}),
        user: APP_USER,
        // Gunicorn's heartbeat files go to /dev/shm. /tmp is a small tmpfs as locally: ECS supports
        // linuxParameters.tmpfs on Fargate since January 2026 (aws/containers-roadmap#736).
        readonlyRootFilesystem: !args.exec,
        linuxParameters: {
            capabilities: { drop: ["ALL"] },
            tmpfs: [{ containerPath: APP_TMPFS.containerPath, size: APP_TMPFS.sizeMiB, mountOptions: [...APP_TMPFS.mountOptions] }],
        },
        healthCheck: ecsHealthCheck(APP_HEALTHCHECK),
        logConfiguration: awslogs(args.logGroupName, args.region, args.service.name),
        // SIGTERM, then long enough for every DNS cache to forget the task and Gunicorn to drain (timing.ts).
        stopTimeout: appStopTiming(args.nginx).stopTimeoutSec,
    };
}

/** Name of the nginx container in the nginx task definition. */
export const NGINX_CONTAINER = "nginx";

/** What the nginx container needs. */
export interface NginxContainerArgs {
    /** Rendered nginx.conf (nginx/render.ts, with the Cloud Map domain suffix). */
    readonly config: string;
    /** Container ports: NGINX_PORT (its own health check) and each target group's (lib/aws/listeners.ts). */
    readonly ports: readonly number[];
    /** Certificate and key as `secrets` entries (components/aws/nginxTlsSecret.ts), when nginx terminates TLS. Default: none. */
    readonly secrets?: readonly { name: string; valueFrom: string }[];
    /** CloudWatch log group of nginx. */
    readonly logGroupName: string;
    /** AWS region (for the awslogs driver). */
    readonly region: string;
    /** ECS Exec on: its agent writes into the container (containers-roadmap#1359), so the root cannot be read-only. Default false. */
    readonly exec?: boolean;
    /** Upstream servers come from the discovery sidecar through the DISCOVERY_VOLUME (aws). Default false (DNS names). */
    readonly discovery?: boolean;
}

/** NGINX_TMPFS as ECS linuxParameters.tmpfs (size in MiB). */
export function ecsTmpfs(mounts: readonly { containerPath: string; sizeMiB: number; mountOptions: readonly string[] }[]) {
    return mounts.map((t) => ({ containerPath: t.containerPath, size: t.sizeMiB, mountOptions: [...t.mountOptions] }));
}

/** nginx's container: the config travels in the environment, exactly as on local Docker. */
export function nginxContainer(args: NginxContainerArgs): ContainerSpec {
    return {
        name: NGINX_CONTAINER,
        essential: true,
        // The image's entrypoint writes the config (and the TLS files from `secrets`) into its tmpfs,
        // filling in the nameservers of /etc/resolv.conf (the VPC resolver on Fargate), then runs nginx.
        // Exactly the ports the load balancer's target groups use, plus NGINX_PORT for the health check.
        portMappings: args.ports.map((port) => ({ containerPort: port, hostPort: port, protocol: "tcp" as const })),
        environment: ecsEnvironment({
            ...nginxEnvironment(),
            ...(args.discovery ? nginxDiscoveryEnvironment() : {}),
            [NGINX_CONF_ENV]: args.config,
        }),
        // nginx only reads the sets; its entrypoint copies each into its own tmpfs before `nginx -t`.
        ...(args.discovery ? { mountPoints: [{ sourceVolume: DISCOVERY_VOLUME, containerPath: DISCOVERY_DIR, readOnly: true }] } : {}),
        ...(args.secrets && args.secrets.length > 0 ? { secrets: args.secrets.map((x) => ({ ...x })) } : {}),
        // Locked down like the app: non-root on unprivileged ports, read-only root, no capabilities; what
        // nginx writes goes to tmpfs. Fargate mounts linuxParameters.tmpfs since 2026-01-06 (ECS What's New
        // "Amazon ECS now supports tmpfs mounts on AWS Fargate and ECS Managed Instances";
        // aws/containers-roadmap#736, closed as shipped). Older API references still say "not supported".
        user: NGINX_USER,
        readonlyRootFilesystem: !args.exec,
        linuxParameters: { capabilities: { drop: ["ALL"] }, tmpfs: ecsTmpfs(NGINX_TMPFS) },
        healthCheck: ecsHealthCheck(NGINX_HEALTHCHECK),
        logConfiguration: awslogs(args.logGroupName, args.region, NGINX_CONTAINER),
        // nginx's STOPSIGNAL is SIGQUIT: open requests finish first, as locally.
        stopTimeout: nginxStopTimeoutSec(),
    };
}

/** Name of the Cloud Map discovery sidecar in the nginx task definition. */
export const DISCOVERY_CONTAINER = "discovery";
/** The task volume (Fargate: ephemeral task storage) the sidecar publishes upstream sets into. */
export const DISCOVERY_VOLUME = "webstack-discovery";

/** What the discovery sidecar needs. */
export interface DiscoveryContainerArgs {
    /** Namespace, services, port and timing (lib/runtime.ts DiscoveryConfig). */
    readonly config: DiscoveryConfig;
    /** nginx's log group: the sidecar's status lines go beside nginx's log, stream prefix `discovery`. */
    readonly logGroupName: string;
    /** AWS region (the SDK's and the awslogs driver's). */
    readonly region: string;
    /** ECS Exec on: its agent writes into every container of the task, so the root cannot be read-only. Default false. */
    readonly exec?: boolean;
}

/** What the sidecar is told about the app services: names, per-replica weights, the fewest tasks each may have. */
export function discoveryConfig(services: readonly AwsServiceSpec[], namespace: string, nginx: NginxTuning): DiscoveryConfig {
    return {
        namespace,
        services: services.map((s) => ({
            name: s.name,
            weight: s.weight,
            backup: s.backup ?? false,
            // An empty answer is legitimate only where the config allows 0 tasks. Only 0 or not matters to the
            // sidecar, so 1 stands for any count: a scale change must not be a new nginx task definition.
            minReplicas: Math.min(1, s.autoscaling ? s.autoscaling.min : s.replicas),
        })),
        port: APP_PORT,
        failTimeoutSec: nginx.failTimeoutSec,
        pollSec: DISCOVERY.pollSec,
        coalesceSec: DISCOVERY.coalesceSec,
    };
}

/**
 * The discovery sidecar (discovery/main.ts): essential, so a sidecar that dies takes its nginx task with
 * it instead of leaving nginx on a set that no longer changes; locked down like nginx.
 */
export function discoveryContainer(args: DiscoveryContainerArgs): ContainerSpec {
    return {
        name: DISCOVERY_CONTAINER,
        essential: true,
        portMappings: [],
        environment: ecsEnvironment(discoveryEnvironment(args.config, args.region)),
        user: DISCOVERY_USER,
        readonlyRootFilesystem: !args.exec,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
        mountPoints: [{ sourceVolume: DISCOVERY_VOLUME, containerPath: DISCOVERY_DIR, readOnly: false }],
        healthCheck: ecsHealthCheck(DISCOVERY_HEALTHCHECK),
        logConfiguration: awslogs(args.logGroupName, args.region, DISCOVERY_CONTAINER),
        // SIGTERM ends the loop at once; nothing to drain.
        stopTimeout: 5,
    };
}
