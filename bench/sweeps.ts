// The tuning sweeps: which lever, which values. Each point is stack config for our stack (so the
// sweep measures exactly what a user would set), or, for what config does not reach (the Gunicorn
// worker class), an environment override of the direct container.
import { DEFAULT_SERVICES } from "../lib/defaults";
import type { DeclarationPatch } from "./patch";

export type SweepPoint =
    | {
          readonly label: string;
          readonly kind: "ours";
          readonly config: Readonly<Record<string, unknown>>;
          readonly patch?: DeclarationPatch;
      }
    | {
          readonly label: string;
          readonly kind: "direct";
          readonly env: Readonly<Record<string, string>>;
          readonly config?: Readonly<Record<string, unknown>>;
      };

export interface Sweep {
    readonly about: string;
    /** "load": wrk runs per point, interleaved; "scale": scale-up time per point. */
    readonly measure: "load" | "scale";
    readonly points: readonly SweepPoint[];
}

const threads = (n: number) => ({ services: DEFAULT_SERVICES.map((s) => ({ ...s, threads: n })) });
const nginx = (t: Record<string, unknown>) => ({ nginx: t });

export const SWEEPS: Readonly<Record<string, Sweep>> = {
    threads: {
        about: "Gunicorn gthread threads per worker (workers stay 6 + 3), behind our nginx",
        measure: "load",
        points: [1, 2, 4, 8].map((n) => ({ label: `ours threads=${n}`, kind: "ours", config: threads(n) })),
    },
    "direct-threads": {
        about: "Gunicorn gthread threads per worker, all 9 workers in one container served directly (the proxy's limit)",
        measure: "load",
        points: [1, 2, 4, 8].map((n) => ({ label: `direct threads=${n}`, kind: "direct", env: {}, config: threads(n) })),
    },
    "worker-class": {
        about: "Gunicorn worker class, served directly (config does not reach it): gthread vs the article's sync",
        measure: "load",
        points: [
            { label: "direct gthread", kind: "direct", env: {} },
            { label: "direct sync", kind: "direct", env: { GUNICORN_CMD_ARGS: "--worker-class sync" } },
        ],
    },
    "nginx-workers": {
        about: "nginx worker_processes",
        measure: "load",
        points: [1, 2, 4].map((n) => ({ label: `workerProcesses=${n}`, kind: "ours", config: nginx({ workerProcesses: n }) })),
    },
    "upstream-keepalive": {
        about: "idle keep-alive connections each nginx worker keeps to the upstream (0: a new connection per request)",
        measure: "load",
        points: [0, 4, 16, 32, 128].map((n) => ({
            label: `upstreamKeepalive=${n}`,
            kind: "ours",
            config: nginx({ upstreamKeepalive: n }),
        })),
    },
    "access-log": {
        about: "buffer of the upstreamlog access log (0: one write per request)",
        measure: "load",
        points: [0, 8, 64, 256].map((n) => ({ label: `accessLogBufferKiB=${n}`, kind: "ours", config: nginx({ accessLogBufferKiB: n }) })),
    },
    "proxy-buffering": {
        about: "nginx proxy_buffering",
        measure: "load",
        points: [true, false].map((b) => ({ label: `proxyBuffering=${b}`, kind: "ours", config: nginx({ proxyBuffering: b }) })),
    },
    "nginx-static": {
        about: "static directives of nginx/render.ts, patched into the declared config: keepalive_requests (nginx closes a keep-alive connection after 1,000 requests by default) and, as a reference only, the cost of the access log",
        measure: "load",
        points: [
            { label: "as rendered", kind: "ours", config: {} },
            {
                label: "keepalive_requests 100000",
                kind: "ours",
                config: {},
                patch: {
                    nginxConf: [
                        ["    keepalive_timeout 65s;", "    keepalive_timeout 65s;\n    keepalive_requests 100000;"],
                        ["        keepalive 32;", "        keepalive 32;\n        keepalive_requests 100000;"],
                    ],
                },
            },
            {
                label: "access_log off (reference)",
                kind: "ours",
                config: {},
                patch: { nginxConf: [["access_log /dev/stdout upstreamlog buffer=64k flush=1s;", "access_log off;"]] },
            },
        ],
    },
    "stack-worker-class": {
        about: "Gunicorn worker class behind our nginx (GUNICORN_CMD_ARGS patched into the app containers): gthread vs sync",
        measure: "load",
        points: [
            { label: "gthread (as declared)", kind: "ours", config: {} },
            { label: "sync", kind: "ours", config: {}, patch: { appEnv: { GUNICORN_CMD_ARGS: "--worker-class sync" } } },
        ],
    },
    "resolver-valid": {
        about: "how long nginx trusts a DNS answer: time from a new replica's start to its first served request",
        measure: "scale",
        points: [1, 2, 5, 10].map((n) => ({ label: `resolverValidSec=${n}`, kind: "ours", config: nginx({ resolverValidSec: n }) })),
    },
};
