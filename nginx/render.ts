// Renders the whole nginx.conf from the services list. Pure: the same services and tuning always give
// the same text, so a replica-count change never touches nginx (only names and weights are in here).
import { createHash } from "crypto";
import type { NginxTuning, ServiceSpec } from "../lib/config/types";
import { APP_PORT, NGINX_HEALTH_PATH, NGINX_PORT, NGINX_RUN_CONF, NGINX_TMPFS } from "../lib/runtime";
import { CLIENT_LOG_SUFFIX, ClientAddressArgs, realIpDirectives } from "./realIp";
import {
    SERVER_NAME_VAR,
    clientLimitDirectives,
    clientLimitLocation,
    forwardedHeaders,
    hostCheck,
    nextUpstreamTimeoutSec,
    retryLocationName,
    retryLocations,
    serverNameMap,
} from "./edge";
import { NginxListener, tlsHttpDirectives, tlsServerDirectives } from "./tls";

export type { NginxListener } from "./tls";

const NGINX_TEMP_DIR = NGINX_TMPFS[1].containerPath;

/** The plain listener every config has: local HTTP and the container's own health check. */
export const PLAIN_LISTENER: NginxListener = { port: NGINX_PORT, tls: false, proxyProtocol: false, scheme: "http" };

/** Placeholder the image's entrypoint replaces with the nameservers of /etc/resolv.conf at start. */
export const RESOLVERS_PLACEHOLDER = "${NGINX_LOCAL_RESOLVERS}";

/** The article's log format: which upstream address answered each request. */
// The article's fields first; then, as key=value, the answering service and version (the app's response
// headers) and nginx's request time, which the canary rollout judges a bake by (rollout/watch.ts).
export const UPSTREAM_LOG_FORMAT =
    "[$time_local] $host to: $upstream_addr: $request $status svc=$upstream_http_x_webstack_service ver=$upstream_http_x_webstack_version rt=$request_time";

export interface RenderNginxArgs {
    /** Services to balance over; only name and weight are read. */
    readonly services: readonly Pick<ServiceSpec, "name" | "weight" | "backup">[];
    /** nginx tuning. */
    readonly tuning: NginxTuning;
    /** Host names answered (a leading "*." allowed); any other Host gets 421, and redirects name one of these. */
    readonly serverNames: readonly string[];
    /** DNS suffix appended to each service name (the Cloud Map namespace, e.g. ".webstack-aws.local"). Default "" (Docker alias). */
    readonly domainSuffix?: string;
    /** `resolver` addresses. Default: the placeholder filled at container start from /etc/resolv.conf. */
    readonly resolvers?: string;
    /** aws only: trust the client address in PROXY v2 headers from these sources (nginx/realIp.ts). Default: none. */
    readonly clientAddress?: ClientAddressArgs;
    /** Ports nginx listens on and what arrives on each. Default: plain HTTP on NGINX_PORT. */
    readonly listeners?: readonly NginxListener[];
    /** With TLS: plain-http listeners answer 301 to https on this public port (443 is left out of Location). Default: no redirect. */
    readonly redirectToHttpsPort?: number;
    /** Strict-Transport-Security max-age on https answers, seconds; 0 sends none. Default 0. */
    readonly hstsMaxAgeSec?: number;
    /** sha256 of the certificate nginx serves; in the text, so a new certificate is a new config and a reload. Default: none. */
    readonly certificateSha256?: string;
    /** Access log format: the article's text line, or one JSON object per line (what CloudWatch metric filters parse). Default "text". */
    readonly logFormat?: "text" | "json";
    /** Most server lines the upstream holds at once (every service, a deploy's surge included); sizes its zone. Default: 256k (290 servers). */
    readonly upstreamServersMax?: number;
    /**
     * aws: the upstream includes each service's server lines from this folder (upstreamFileName), one line
     * per task, written by the Cloud Map discovery sidecar (discovery/) and installed by nginx's entrypoint.
     * Default: none, each service is one DNS name with `resolve` (the local target).
     */
    readonly upstreamIncludeDir?: string;
}

/** The file, in RenderNginxArgs.upstreamIncludeDir, holding one service's server lines. */
export function upstreamFileName(service: string): string {
    return `${service}.conf`;
}

/**
 * The JSON access log: the article's fields first, in its order, then what each request did. Numbers
 * stay numbers ($status, $request_time) so CloudWatch metric filters can compare and sum them;
 * $upstream_response_time can list several tries ("0.004, 0.001"), so it stays a string.
 */
export const JSON_LOG_FIELDS: readonly (readonly [key: string, variable: string, kind: "string" | "number"])[] = [
    ["time_local", "$time_local", "string"],
    ["host", "$host", "string"],
    ["upstream_addr", "$upstream_addr", "string"],
    ["request", "$request", "string"],
    ["status", "$status", "number"],
    ["svc", "$upstream_http_x_webstack_service", "string"],
    ["ver", "$upstream_http_x_webstack_version", "string"],
    ["rt", "$request_time", "number"],
    ["urt", "$upstream_response_time", "string"],
    ["client", "$remote_addr", "string"],
];

/** The `log_format upstreamjson escape=json` body. */
export const JSON_LOG_FORMAT =
    "{" + JSON_LOG_FIELDS.map(([k, v, kind]) => (kind === "number" ? `"${k}":${v}` : `"${k}":"${v}"`)).join(",") + "}";

/** The upstream block's name; also the `zone` name shared by nginx workers. */
export const UPSTREAM_NAME = "webstack_app";

/** Response header naming the config that answered (8 hex digits of sha256 of the rest of the text). */
export const CONFIG_ID_HEADER = "X-Webstack-Config";
const CONFIG_ID_SLOT = "@CONFIG_ID@";

/** The id a rendered config announces in CONFIG_ID_HEADER. */
export function configIdOf(config: string): string {
    const m = new RegExp(`add_header ${CONFIG_ID_HEADER} "([0-9a-f]{8})" always;`).exec(config);
    if (!m) {
        throw new Error("not a config rendered by nginx/render.ts: no config id");
    }
    return m[1];
}

/** One upstream peer: a service's DNS name that nginx re-resolves, or one task's address that discovery found. */
export interface UpstreamPeer {
    /** DNS name (with `resolve`) or IPv4 address. */
    readonly host: string;
    readonly port: number;
    /** Per-replica weight: every address of the peer gets it. */
    readonly weight: number;
    /** Only used when every non-backup peer is down (a canary at 100 %). Default false. */
    readonly backup?: boolean;
    /** nginx re-resolves `host` every resolver `valid=` seconds. */
    readonly resolve: boolean;
}

/**
 * One `server` line of the upstream block. The only place server lines are rendered: the DNS path
 * (renderNginxConfig) and nginx's Cloud Map discovery (discovery/) both call it.
 */
export function renderServerLine(peer: UpstreamPeer, tuning: Pick<NginxTuning, "failTimeoutSec">): string {
    // A replica that refused or timed out is skipped for fail_timeout. Short, because a new replica
    // can be resolved a moment before Gunicorn listens, and must not then sit out nginx's default 10 s.
    const flags = `${peer.resolve ? " resolve" : ""}${peer.backup ? " backup" : ""}`;
    return `        server ${peer.host}:${peer.port} weight=${peer.weight} max_fails=1 fail_timeout=${tuning.failTimeoutSec}s${flags};`;
}

/**
 * KiB of the upstream's shared zone for `servers` server lines. nginx 1.30 (forky) takes about 810 bytes
 * per server: 256k holds 290, 1m holds 1,260 (measured, docs/benchmark.md); a server that does not fit
 * fails `nginx -t` ("no memory in upstream zone"). 1 KiB per server + 64 KiB leaves a third spare.
 */
export function upstreamZoneKiB(servers: number | undefined): number {
    return servers === undefined ? 256 : Math.max(256, 64 + Math.ceil(servers));
}

export function renderNginxConfig(args: RenderNginxArgs): string {
    const text = renderWithSlot(args);
    // Every server block carries the slot: replace them all (a string pattern would replace only the first).
    return text.split(CONFIG_ID_SLOT).join(createHash("sha256").update(text).digest("hex").slice(0, 8));
}

function renderWithSlot(args: RenderNginxArgs): string {
    const t = args.tuning;
    const suffix = args.domainSuffix ?? "";
    const includeDir = args.upstreamIncludeDir;
    const servers = args.services.map((s) =>
        includeDir !== undefined
            ? `        include ${includeDir}/${upstreamFileName(s.name)};`
            : renderServerLine({ host: `${s.name}${suffix}`, port: APP_PORT, weight: s.weight, backup: s.backup, resolve: true }, t),
    );
    const listeners = args.listeners ?? [PLAIN_LISTENER];
    if (listeners.length === 0) {
        throw new Error("nginx needs at least one listener");
    }
    const json = args.logFormat === "json";
    const format = json ? "upstreamjson" : "upstreamlog";
    const accessLog =
        t.accessLogBufferKiB > 0
            ? `access_log /dev/stdout ${format} buffer=${t.accessLogBufferKiB}k flush=${t.accessLogFlushSec}s;`
            : `access_log /dev/stdout ${format};`;
    const keepalive =
        t.upstreamKeepalive > 0
            ? [`        keepalive ${t.upstreamKeepalive};`, `        keepalive_timeout ${t.upstreamKeepaliveTimeoutSec}s;`]
            : [];
    return [
        "# Rendered by webstack (nginx/render.ts) from stack config. Do not edit by hand.",
        `worker_processes ${t.workerProcesses};`,
        `pid ${NGINX_RUN_CONF.replace(/[^/]+$/, "nginx.pid")};`,
        "error_log /dev/stderr warn;",
        "",
        "events {",
        `    worker_connections ${t.workerConnections};`,
        "}",
        "",
        "http {",
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        "    server_tokens off;",
        "    sendfile on;",
        "    tcp_nodelay on;",
        "    keepalive_timeout 65s;",
        "    # A graceful reload closes the old workers' idle keep-alive connections; a client sending its",
        "    # next request at that instant would see it fail. Connections used within the last 2 s are",
        "    # not closed: their next request is answered (with Connection: close) instead.",
        "    keepalive_min_timeout 2s;",
        "    # Temp files on the tmpfs (the root filesystem is read-only), the same path on every base image.",
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((k) => `    ${k}_temp_path ${NGINX_TEMP_DIR}/${k}_temp;`),
        "",
        ...clientLimitDirectives(t),
        "",
        ...serverNameMap(args.serverNames),
        "",
        json
            ? `    log_format upstreamjson escape=json '${JSON_LOG_FORMAT}';`
            : `    log_format upstreamlog '${UPSTREAM_LOG_FORMAT}${args.clientAddress ? CLIENT_LOG_SUFFIX : ""}';`,
        `    ${accessLog}`,
        "",
        "    # Service names are re-resolved every valid= seconds, so replicas that join or leave are",
        "    # picked up without a reload. The entrypoint fills in the container's own nameservers.",
        `    resolver ${args.resolvers ?? RESOLVERS_PLACEHOLDER} valid=${t.resolverValidSec}s ipv6=off;`,
        "    resolver_timeout 2s;",
        "",
        `    upstream ${UPSTREAM_NAME} {`,
        `        zone ${UPSTREAM_NAME} ${upstreamZoneKiB(args.upstreamServersMax)}k;`,
        ...servers,
        ...keepalive,
        "    }",
        "",
        ...(listeners.some((l) => l.tls) ? tlsHttpDirectives(args.certificateSha256) : []),
        ...serverBlocks(args, listeners),
        "}",
        "",
    ].join("\n");
}

/**
 * One server block per kind of arrival: the scheme the client used decides X-Forwarded-Proto and HSTS;
 * with TLS on, plain-http listeners get a block that only redirects (and answers nginx's health path).
 */
function serverBlocks(args: RenderNginxArgs, listeners: readonly NginxListener[]): string[] {
    const redirect = args.redirectToHttpsPort;
    const groups: { kind: "redirect" | "http" | "https"; members: NginxListener[] }[] = [];
    for (const l of listeners) {
        const kind = l.scheme === "https" ? "https" : redirect !== undefined ? "redirect" : "http";
        const group = groups.find((g) => g.kind === kind);
        if (group) {
            group.members.push(l);
        } else {
            groups.push({ kind, members: [l] });
        }
    }
    return groups.flatMap((g, i) => [...(i > 0 ? [""] : []), ...serverBlock(args, g.kind, g.members, i === 0)]);
}

function serverBlock(
    args: RenderNginxArgs,
    kind: "redirect" | "http" | "https",
    members: readonly NginxListener[],
    first: boolean,
): string[] {
    const t = args.tuning;
    const listens = members.map(
        (l) =>
            // deferred: a connection is accepted only with its request, so a worker leaving on a reload
            // never closes a just-accepted connection as idle before reading it (the client would see
            // its first request fail).
            `        listen ${l.port}${first && l === members[0] ? " default_server" : ""}${l.tls ? " ssl" : ""}${l.proxyProtocol ? " proxy_protocol" : ""} deferred;`,
    );
    const realIp = members.some((l) => l.proxyProtocol) && args.clientAddress ? realIpDirectives(args.clientAddress) : [];
    const health = [
        `        location = ${NGINX_HEALTH_PATH} {`,
        "            access_log off;",
        "            default_type text/plain;",
        '            return 200 "ok\\n";',
        "        }",
    ];
    const head = [
        "    server {",
        ...listens,
        ...realIp,
        // HTTP/2 wherever the client spoke https: over nginx's TLS (ALPN), or as h2c where a load balancer
        // terminated TLS and forwards what it negotiated (nginx tells h2c from HTTP/1.1 by its preface).
        ...(kind === "https" ? ["        http2 on;"] : []),
        ...(members.some((l) => l.tls) ? tlsServerDirectives() : []),
        "        # Which config answered: a reload is visible to clients (and tests) as a new id.",
        `        add_header ${CONFIG_ID_HEADER} "${CONFIG_ID_SLOT}" always;`,
    ];
    if (kind === "redirect") {
        const port = args.redirectToHttpsPort === 443 ? "" : `:${args.redirectToHttpsPort}`;
        return [
            ...head,
            "",
            ...health,
            "",
            "        # TLS is on: plain http only says where to go: a configured name, never the client's Host.",
            "        location / {",
            ...hostCheck(),
            ...clientLimitLocation(t),
            `            return 301 https://${SERVER_NAME_VAR}${port}$request_uri;`,
            "        }",
            "    }",
        ];
    }
    const hsts = kind === "https" && (args.hstsMaxAgeSec ?? 0) > 0;
    return [
        ...head,
        ...(hsts ? [`        add_header Strict-Transport-Security "max-age=${args.hstsMaxAgeSec}" always;`] : []),
        "",
        ...health,
        "",
        "        # Settings shared by the first dispatch and the re-dispatch below.",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        ...forwardedHeaders(kind),
        `        proxy_buffering ${t.proxyBuffering ? "on" : "off"};`,
        `        proxy_connect_timeout ${t.proxyConnectTimeoutSec}s;`,
        `        proxy_read_timeout ${t.proxyReadTimeoutSec}s;`,
        "        # Passive failover: a replica that refuses, resets or times out is skipped and the",
        "        # request (idempotent ones only, as nginx does by default) goes to the next peer; the",
        "        # number of tries is bounded by the peers and the timeout, not by a fixed count. The",
        "        # timeout is at most the read timeout, so a read timeout is never passed on (nginx/edge.ts).",
        "        proxy_next_upstream error timeout;",
        "        proxy_next_upstream_tries 0;",
        `        proxy_next_upstream_timeout ${nextUpstreamTimeoutSec(t)}s;`,
        "",
        "        location / {",
        ...hostCheck(),
        ...clientLimitLocation(t),
        `            proxy_pass http://${UPSTREAM_NAME};`,
        "            # A request snapshots the upstream's peer set when it starts. When `resolve` changes",
        "            # that set (a replica started or stopped) while a try is failing, nginx refuses to",
        '            # try another peer from the stale snapshot and answers 502 "no live upstreams" (or',
        "            # 504 when that try was a connect timeout to an address that has vanished). One",
        "            # re-dispatch of nginx's own 502/504 starts over with the current peer set, but only",
        "            # for an idempotent request no app received a byte of: never after a read timeout.",
        `            error_page 502 = ${retryLocationName(502)};`,
        `            error_page 504 = ${retryLocationName(504)};`,
        "        }",
        ...retryLocations(UPSTREAM_NAME),
        "    }",
    ];
}
