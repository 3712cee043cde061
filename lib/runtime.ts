// Runtime contract shared by the local containers and the ECS task definitions, so both targets run
// the app and nginx the same way: same port, same health checks, same Gunicorn settings.
import type { NginxTuning, ServiceSpec } from "./types";

/** Port Gunicorn binds inside every app container / task. */
export const APP_PORT = 8000;
/** Port nginx listens on inside its container / task. */
export const NGINX_PORT = 80;
/**
 * aws only: the port the load balancer sends traffic and health checks to, with a PROXY protocol v2
 * header carrying the client's address (nginx/realIp.ts). NGINX_PORT stays plain for the container's own
 * health check.
 */
export const NGINX_PROXY_PROTOCOL_PORT = 8081;
/** nginx-only health location; answered by nginx itself, never proxied. */
export const NGINX_HEALTH_PATH = "/nginx-healthz";
/** Uid:gid of the non-root user app/Dockerfile creates. */
export const APP_USER = "10001:10001";

/** App health check: python's urllib, because python slim images have neither curl nor wget. */
export const APP_HEALTHCHECK: readonly string[] = [
    "CMD",
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${APP_PORT}/healthz', timeout=2)`,
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
export function appEnvironment(service: ServiceSpec, nginx: NginxTuning): Record<string, string> {
    return {
        WEBSTACK_SERVICE: service.name,
        GUNICORN_WORKERS: String(service.workers),
        GUNICORN_THREADS: String(service.threads),
        GUNICORN_KEEPALIVE_SEC: String(gunicornKeepaliveSec(nginx)),
    };
}

/** Environment variable that carries the rendered nginx.conf into the nginx container / task. */
export const NGINX_CONF_ENV = "WEBSTACK_NGINX_CONF";
