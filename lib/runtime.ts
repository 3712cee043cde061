// Runtime contract shared by the local containers and the ECS task definitions, so both targets run
// the app and nginx the same way: same ports, paths, health checks, stop and drain times. The values
// reach app/gunicorn.conf.py, app/app.py and the nginx scripts through the environment built here;
// test/unit/runtimeContract.test.ts reads those files to check that they take them from there.
import type { NginxTuning, ServiceSpec } from "./config/types";

/** Port Gunicorn binds inside every app container / task. */
export const APP_PORT = 8000;
/** App health endpoint: app/app.py's route, used by the container health check. */
export const APP_HEALTH_PATH = "/healthz";
/**
 * Plain HTTP port nginx listens on inside its container / task: local http traffic and the container's
 * own health check. Unprivileged, because nginx runs as a non-root user with no capabilities.
 */
export const NGINX_PORT = 8080;
/** local: the TLS port (nginx terminates TLS), published on webstack:httpsPort. */
export const NGINX_HTTPS_PORT = 8443;
/**
 * aws only: the port the load balancer's port 80 sends traffic and health checks to, with a PROXY
 * protocol v2 header carrying the client's address (nginx/realIp.ts). NGINX_PORT stays plain for the
 * container's own health check.
 */
export const NGINX_PROXY_PROTOCOL_PORT = 8081;
/** aws only: PROXY v2, from the load balancer's TLS listener on 443 (the NLB terminated TLS: scheme https). */
export const NGINX_PROXY_TLS_TERMINATED_PORT = 8082;
/** aws only: PROXY v2 then TLS that nginx terminates (webstack:tls on aws; the NLB passes 443 through as TCP). */
export const NGINX_PROXY_TLS_PORT = 8444;
/**
 * nginx's writable places, tmpfs on both targets (the root filesystem is read-only): the running config,
 * pid and TLS files under /run/webstack, temp files of proxied bodies under /var/cache/webstack-nginx.
 * Paths no base image has: Docker mounts a tmpfs over an existing directory root-owned 0755, which
 * nginx's user could not write; over a new one it is 1777 (the entrypoint's umask keeps files private).
 */
export const NGINX_TMPFS = [
    { containerPath: "/run/webstack", sizeMiB: 4, mountOptions: ["rw", "noexec", "nosuid", "nodev", "mode=1777"] },
    { containerPath: "/var/cache/webstack-nginx", sizeMiB: 64, mountOptions: ["rw", "noexec", "nosuid", "nodev", "mode=1777"] },
] as const;
/** The config nginx runs (`nginx -c`), written by the entrypoint into the tmpfs. */
export const NGINX_RUN_CONF = "/run/webstack/nginx.conf";
/**
 * local: where pulumi-docker `uploads` put the certificate and key in the config container. Off the
 * tmpfs, which would hide them: uploads are copied into the container before it starts.
 */
export const NGINX_TLS_UPLOAD_DIR = "/var/lib/webstack-upload";
export const NGINX_TLS_UPLOAD_DIR_ENV = "WEBSTACK_TLS_UPLOAD_DIR";
/** Folder nginx reads its certificate and key from (cert.pem, key.pem), written mode 0600 by the entrypoint. */
export const NGINX_TLS_DIR = "/run/webstack/tls";
/** aws only: environment variables ECS fills from the container definition's `secrets` with the PEMs. */
export const NGINX_TLS_CERT_ENV = "WEBSTACK_TLS_CERT";
export const NGINX_TLS_KEY_ENV = "WEBSTACK_TLS_KEY";
/** Uid:gid nginx runs as (the official image's `nginx` user). */
export const NGINX_USER = "101:101";
/** nginx-only health location; answered by nginx itself, never proxied. */
export const NGINX_HEALTH_PATH = "/nginx-healthz";
/** Uid:gid of the non-root user app/Dockerfile creates. */
export const APP_USER = "10001:10001";

/**
 * How a stopping app replica leaves. On SIGTERM it serves on for `lameDuckSec` (so a name service
 * that deregisters it first, like Cloud Map, stops sending new requests), then closes its listening
 * socket (new connections are refused, which nginx retries at once on another peer), lets in-flight
 * requests finish for up to `drainSec`, and exits. The container is killed `stopGraceSec` after
 * SIGTERM, so the grace must cover both plus a margin.
 */
export interface AppStopTiming {
    readonly lameDuckSec: number;
    readonly drainSec: number;
    readonly stopGraceSec: number;
}

/**
 * Local Docker: no lame duck. Docker's DNS lists a container for as long as it runs, so serving on
 * would only delay the stop; refusing at once is what makes nginx move on.
 */
export const LOCAL_APP_STOP: AppStopTiming = { lameDuckSec: 0, drainSec: 20, stopGraceSec: 30 };

/** nginx's graceful stop (SIGQUIT lets open requests finish) is killed after this many seconds. */
export const NGINX_STOP_GRACE_SEC = 15;

/** App health check: python's urllib, because python slim images have neither curl nor wget. */
export const APP_HEALTHCHECK: readonly string[] = [
    "CMD",
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${APP_PORT}${APP_HEALTH_PATH}', timeout=2)`,
];

/** nginx health check: a script baked into nginx/Dockerfile (bash /dev/tcp, no curl needed). */
export const NGINX_HEALTHCHECK: readonly string[] = ["CMD", "/usr/local/bin/webstack-healthcheck"];

/** Health check timing shared by Docker and ECS (ECS takes whole seconds). */
export const HEALTH_TIMING = { intervalSec: 5, timeoutSec: 3, retries: 3, startPeriodSec: 10 } as const;

/**
 * Gunicorn's keep-alive must outlive nginx's idle upstream connections; otherwise Gunicorn closes a
 * socket nginx is about to reuse and the request fails with a reset.
 */
export function gunicornKeepaliveSec(nginx: NginxTuning): number {
    return nginx.upstreamKeepaliveTimeoutSec + 15;
}

/** Environment of one app service's containers / tasks (read by app/gunicorn.conf.py and app.py). */
export function appEnvironment(
    service: ServiceSpec,
    nginx: NginxTuning,
    stop: AppStopTiming = LOCAL_APP_STOP,
    version = "unknown",
): Record<string, string> {
    return {
        WEBSTACK_SERVICE: service.name,
        // components/appSources.ts: the VERSION file of the build context, or the image's digest or tag.
        WEBSTACK_VERSION: version,
        WEBSTACK_APP_PORT: String(APP_PORT),
        WEBSTACK_LAME_DUCK_SEC: String(stop.lameDuckSec),
        GUNICORN_WORKERS: String(service.workers),
        GUNICORN_THREADS: String(service.threads),
        GUNICORN_KEEPALIVE_SEC: String(gunicornKeepaliveSec(nginx)),
        GUNICORN_GRACEFUL_TIMEOUT_SEC: String(stop.drainSec),
    };
}

/** The app's writable /tmp, the same tmpfs on both targets. */
export const APP_TMPFS = { containerPath: "/tmp", sizeMiB: 16, mountOptions: ["rw", "noexec", "nosuid"] } as const;

/** APP_TMPFS in Docker's `--tmpfs` option form, as the local target declares it. */
export function dockerTmpfsOptions(t: { readonly sizeMiB: number; readonly mountOptions: readonly string[] }): string {
    return [...t.mountOptions, `size=${t.sizeMiB}m`].join(",");
}

/** Environment variable that carries the rendered nginx.conf into the nginx container / task. */
export const NGINX_CONF_ENV = "WEBSTACK_NGINX_CONF";

/** Environment of the nginx container / task (read by nginx/webstack-healthcheck.sh). */
export function nginxEnvironment(): Record<string, string> {
    return {
        WEBSTACK_NGINX_PORT: String(NGINX_PORT),
        WEBSTACK_NGINX_HEALTH_PATH: NGINX_HEALTH_PATH,
        WEBSTACK_NGINX_RUN_CONF: NGINX_RUN_CONF,
        WEBSTACK_NGINX_TLS_DIR: NGINX_TLS_DIR,
    };
}

/**
 * Local target: folder (a Docker volume) where the config container publishes nginx.conf and the
 * running nginx watches it. Set in WEBSTACK_NGINX_CONF_DIR; unset on ECS, where the config arrives
 * in WEBSTACK_NGINX_CONF with each new task.
 */
export const NGINX_CONF_DIR = "/etc/nginx/webstack";
export const NGINX_CONF_DIR_ENV = "WEBSTACK_NGINX_CONF_DIR";

/** Local nginx container's environment: where to watch, how often, how long to wait at start. */
export function localNginxEnvironment(): Record<string, string> {
    return {
        ...nginxEnvironment(),
        [NGINX_CONF_DIR_ENV]: NGINX_CONF_DIR,
        // A published config is picked up within half a second.
        WEBSTACK_NGINX_CONF_POLL_SEC: "0.5",
        // On a first `up` nginx and the config container start together; nginx waits for the file.
        WEBSTACK_NGINX_CONF_WAIT_SEC: "60",
    };
}

/**
 * aws: nginx learns the app tasks from the Cloud Map API (discovery/ sidecar in the nginx task), not DNS.
 * It calls DiscoverInstancesRevision every `pollSec`; changes seen within `coalesceSec` of the previous
 * publish wait for its end, so a burst (a deploy of 200 tasks) gives a few nginx reloads, not 200.
 * components/aws/timing.ts states how the app's lame duck covers these.
 */
export const DISCOVERY = {
    /** Seconds between two DiscoverInstancesRevision calls. */
    pollSec: 2,
    /** Minimum seconds between two publishes (each publish is one `nginx -t` + graceful reload). */
    coalesceSec: 3,
    /** Upper bound, in seconds, of one publish: write, `nginx -t`, graceful reload. */
    publishMaxSec: 2,
} as const;

/**
 * aws: the folder (a task volume) the discovery sidecar publishes upstream sets into and nginx's
 * entrypoint reads them from. Each publish is a new `gen-<n>/` folder with one `<service>.conf` per
 * service, made current by renaming the `current` symlink, so nginx never copies half a set.
 */
export const DISCOVERY_DIR = "/run/webstack-discovery";
export const DISCOVERY_DIR_ENV = "WEBSTACK_DISCOVERY_DIR";
/** nginx's own copy of the current set (tmpfs), which the rendered config includes: `<dir>/<service>.conf`. */
export const NGINX_UPSTREAM_DIR = "/run/webstack/upstream";
/**
 * Seconds nginx's entrypoint waits for the first published set before it gives up (the task then stops
 * and ECS starts another). nginx does not listen before it has one: see docs/aws-discovery.md, cold start.
 */
export const DISCOVERY_FIRST_SET_WAIT_SEC = 120;
/** The discovery sidecar's settings, one JSON object (discovery/config.ts parses and checks it). */
export const DISCOVERY_CONFIG_ENV = "WEBSTACK_DISCOVERY_CONFIG";
/**
 * Tests only: an endpoint to send the Cloud Map calls to (moto), with the SDK's `data-` host prefix off.
 * Never set on ECS, where the prefix picks the data-servicediscovery endpoint.
 */
export const DISCOVERY_TEST_ENDPOINT_ENV = "WEBSTACK_DISCOVERY_ENDPOINT";
/** Uid:gid of the discovery sidecar: nginx's, so both containers read and write the shared volume. */
export const DISCOVERY_USER = NGINX_USER;

/**
 * The sidecar is healthy once it has published a first set, and stays so through API faults (it keeps the
 * last good set then): an unhealthy essential container would make ECS replace every nginx task at once
 * during a Cloud Map outage, which is exactly when nginx must stay.
 * coreutils' `test`, not a node process: in a 0.25-vCPU cgroup kept busy (nginx under load) `node -e statSync`
 * took 6.2-10.5 s, past the 3 s timeout, so ECS would replace busy nginx tasks; `test -e` took 1.2-1.8 s
 * (0.15 s of CPU and 43 MB per node check, ~0 for test; measured 2026-12-02 with `docker run --cpus 0.25`
 * and two busy loops in the container).
 */
export const DISCOVERY_HEALTHCHECK: readonly string[] = ["CMD", "test", "-e", `${DISCOVERY_DIR}/current`];

/** What the discovery sidecar is told: where to look, what to render, how often. */
export interface DiscoveryConfig {
    /** Cloud Map namespace name (DiscoverInstances takes names, not ids). */
    readonly namespace: string;
    /** App services in the upstream, in the config's order. */
    readonly services: readonly {
        readonly name: string;
        /** Per-replica weight. */
        readonly weight: number;
        readonly backup: boolean;
        /** 0 when the config allows no task (replicas 0), which makes an empty answer legitimate; else 1 (the count itself is not passed). */
        readonly minReplicas: number;
    }[];
    /** Port every task listens on (Cloud Map A records carry no port). */
    readonly port: number;
    /** nginx's fail_timeout for each server line. */
    readonly failTimeoutSec: number;
    readonly pollSec: number;
    readonly coalesceSec: number;
}

/** Environment of the discovery container. */
export function discoveryEnvironment(config: DiscoveryConfig, region: string): Record<string, string> {
    return {
        AWS_REGION: region,
        [DISCOVERY_DIR_ENV]: DISCOVERY_DIR,
        [DISCOVERY_CONFIG_ENV]: JSON.stringify(config),
    };
}

/** nginx's environment on aws with discovery: where the sets arrive and how long to wait for the first. */
export function nginxDiscoveryEnvironment(): Record<string, string> {
    return {
        [DISCOVERY_DIR_ENV]: DISCOVERY_DIR,
        WEBSTACK_NGINX_UPSTREAM_DIR: NGINX_UPSTREAM_DIR,
        WEBSTACK_DISCOVERY_WAIT_SEC: String(DISCOVERY_FIRST_SET_WAIT_SEC),
        // Same pick-up latency as the local watcher.
        WEBSTACK_NGINX_CONF_POLL_SEC: "0.5",
    };
}
