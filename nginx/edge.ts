// What nginx does at the edge, before and around proxying (issue 18, findings 6, 7, 9, 10):
// - only configured host names are answered (anything else: 421), and redirects name one of them;
// - every X-Forwarded-* header the app trusts is set (or cleared) by nginx, never passed through;
// - a failed request is re-dispatched only when no app received a byte of it;
// - stated client limits, and an optional per-client request rate and connection limit.
import type { NginxTuning } from "../lib/config/types";

/** The http-level variable: the configured name a request's Host matched, or "" (refused). */
export const SERVER_NAME_VAR = "$webstack_server_name";

/** Status of a request for a host name the stack does not serve (RFC 9110 §15.5.20, Misdirected Request). */
export const UNKNOWN_HOST_STATUS = 421;

/** Status of a request over the rate or connection limit. */
export const LIMITED_STATUS = 429;

/** Shared-memory zones of the limits, keyed by client address (10 MiB: about 160,000 addresses). */
export const LIMIT_ZONES = { requests: "webstack_req", connections: "webstack_conn", sizeMiB: 10 } as const;

// A DNS name (with an optional leading "*."), or an IPv4 address: nothing else may reach the map below.
const NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The names in the order given, lowercased and without repeats; throws on anything that is not a host name. */
export function normalizeServerNames(names: readonly string[]): string[] {
    const out = [...new Set(names.map((n) => n.toLowerCase().replace(/\.$/, "")))];
    if (out.length === 0) {
        throw new Error("nginx needs at least one server name");
    }
    const bad = out.filter((n) => !NAME.test(n) || n.length > 253);
    if (bad.length > 0) {
        throw new Error(`not host names: ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
    }
    return out;
}

/**
 * http-level `map` from $host (lowercase, port and trailing dot removed by nginx) to the configured name
 * it matched. A wildcard's value is the request's $host, which matched the configured pattern.
 */
/**
 * `map_hash_bucket_size` the names need, or undefined when nginx's default (64, one CPU cache line) holds them. A
 * bucket holds an entry (a pointer, the name and 2 bytes, aligned) and an end pointer (ngx_hash_init in
 * ngx_hash.c); a name that does not fit stops nginx at start ("could not build map_hash"), and an NLB's DNS name
 * (~60 characters) already does not fit 64. Rounded up to a power of two, with room to spare.
 */
export function mapHashBucketSize(names: readonly string[]): number | undefined {
    const longest = Math.max(0, ...names.map((n) => n.length));
    let size = 64;
    while (size < longest + 32) {
        size *= 2;
    }
    return size > 64 ? size : undefined;
}

export function serverNameMap(names: readonly string[]): string[] {
    const bucket = mapHashBucketSize(normalizeServerNames(names));
    return [
        "    # The host names this stack answers for; any other Host (DNS rebinding, a scanner) is refused.",
        ...(bucket ? [`    map_hash_bucket_size ${bucket};`] : []),
        `    map $host ${SERVER_NAME_VAR} {`,
        "        hostnames;",
        '        default "";',
        ...normalizeServerNames(names).map((n) => `        ${n} ${n.startsWith("*.") ? "$host" : n};`),
        "    }",
    ];
}

/** The per-location refusal of an unknown host (12-space indent); nginx's health path is outside it. */
export function hostCheck(): string[] {
    return [`            if (${SERVER_NAME_VAR} = "") {`, `                return ${UNKNOWN_HOST_STATUS};`, "            }"];
}

/**
 * Request headers to the app (8-space indent). The app's ProxyFix trusts one hop of For, Proto and Host
 * (app/app.py); nginx sets each of them from what it knows, and clears the ones the app does not trust,
 * so nothing a client sends in these headers reaches the app.
 */
export function forwardedHeaders(scheme: "http" | "https"): string[] {
    return [
        `        proxy_set_header Host ${SERVER_NAME_VAR};`,
        "        proxy_set_header X-Real-IP $remote_addr;",
        "        # The client nginx saw (on aws, from the load balancer's PROXY header), replacing any the client sent.",
        "        proxy_set_header X-Forwarded-For $remote_addr;",
        "        # The scheme the client used, also where a load balancer terminated TLS in front of nginx.",
        `        proxy_set_header X-Forwarded-Proto ${scheme};`,
        `        proxy_set_header X-Forwarded-Host ${SERVER_NAME_VAR};`,
        "        # Not trusted by the app; cleared so a client's copy never reaches it.",
        '        proxy_set_header X-Forwarded-Port "";',
        '        proxy_set_header X-Forwarded-Prefix "";',
        '        proxy_set_header X-Forwarded-Server "";',
        '        proxy_set_header Forwarded "";',
    ];
}

/** http-level client limits (4-space indent): always the stated sizes and timeouts; the zones when on. */
export function clientLimitDirectives(t: NginxTuning): string[] {
    return [
        "    # Client limits: request size and how long a client may take to send or to read.",
        `    client_max_body_size ${t.clientMaxBodyMiB}m;`,
        `    client_header_timeout ${t.clientHeaderTimeoutSec}s;`,
        `    client_body_timeout ${t.clientBodyTimeoutSec}s;`,
        `    send_timeout ${t.sendTimeoutSec}s;`,
        // Keyed by $binary_remote_addr: on aws the realip module has replaced it with the PROXY header's
        // client address (nginx/realIp.ts) before the preaccess phase, where these limits run.
        ...(t.rateLimitPerSec > 0
            ? [
                  `    limit_req_zone $binary_remote_addr zone=${LIMIT_ZONES.requests}:${LIMIT_ZONES.sizeMiB}m rate=${t.rateLimitPerSec}r/s;`,
                  `    limit_req_status ${LIMITED_STATUS};`,
              ]
            : []),
        ...(t.connLimitPerClient > 0
            ? [
                  `    limit_conn_zone $binary_remote_addr zone=${LIMIT_ZONES.connections}:${LIMIT_ZONES.sizeMiB}m;`,
                  `    limit_conn_status ${LIMITED_STATUS};`,
              ]
            : []),
    ];
}

/** The limits inside `location /` (12-space indent); nginx's health path is never limited. */
export function clientLimitLocation(t: NginxTuning): string[] {
    return [
        ...(t.rateLimitPerSec > 0 ? [`            limit_req zone=${LIMIT_ZONES.requests} burst=${t.rateLimitBurst} nodelay;`] : []),
        ...(t.connLimitPerClient > 0 ? [`            limit_conn ${LIMIT_ZONES.connections} ${t.connLimitPerClient};`] : []),
    ];
}

/**
 * How long nginx may keep passing a request to the next peer (proxy_next_upstream_timeout), seconds. nginx's
 * `timeout` condition cannot tell a connect timeout (never reached an app) from a read timeout (an app is
 * running it). A read timeout fires at least proxyReadTimeoutSec after the request started, and nginx
 * passes to the next peer only while less than this has passed (ngx_http_upstream_next: `ngx_current_msec
 * - u->peer.start_time >= timeout` ends it), so keeping it <= the read timeout means a read timeout is
 * never passed on.
 */
export function nextUpstreamTimeoutSec(t: Pick<NginxTuning, "proxyReadTimeoutSec">): number {
    return Math.min(10, t.proxyReadTimeoutSec);
}

/** Named location that re-sends a request nginx failed with `status`, if no app received any of it. */
export function retryLocationName(status: 502 | 504): string {
    return `@webstack_retry_${status}`;
}

/** Variable holding "<method> <$upstream_bytes_sent>" in a retry location. */
const RESEND_VAR = "$webstack_resend";

/**
 * Only an idempotent request of which every try sent 0 bytes to an app is re-sent: connection refused,
 * connect timeout, no live upstream. $upstream_bytes_sent is the peer connection's `sent` (set per try in
 * ngx_http_upstream_next and reset when a keep-alive connection is reused), so a request that reached an
 * app, even one that then timed out, shows a non-zero count and keeps nginx's error.
 */
export function retryLocations(upstream: string): string[] {
    return ([502, 504] as const).flatMap((status) => [
        "",
        `        location ${retryLocationName(status)} {`,
        `            set ${RESEND_VAR} "$request_method $upstream_bytes_sent";`,
        `            if (${RESEND_VAR} !~ "^(GET|HEAD|OPTIONS) [0 ,:]*$") {`,
        `                return ${status};`,
        "            }",
        `            proxy_pass http://${upstream};`,
        "        }",
    ]);
}
