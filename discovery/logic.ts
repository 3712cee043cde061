// The discovery sidecar's decisions, as pure functions (table-tested in test/unit/discoveryLogic.test.ts):
// which services changed, whether an answer may replace the last good set, how long to back off, when the
// next publish may happen, what the upstream files say and what the status lines carry. discovery/main.ts
// only calls the API, sleeps and writes files.
import type { DiscoveryConfig } from "../lib/runtime";
import { renderServerLine, upstreamFileName } from "../nginx/render";

/** DiscoverInstancesRevision per service name. */
export type Revisions = ReadonlyMap<string, number>;

/**
 * Services whose revision is new or differs from the one last accepted. Inequality, never greater-than:
 * on AWS the revision only grows, but moto's is the sum of its instances' revisions and shrinks on a
 * deregistration (../shared notes), and a recreated service starts over.
 */
export function changedServices(accepted: Revisions, now: Revisions): string[] {
    return [...now.keys()].filter((name) => accepted.get(name) !== now.get(name));
}

/** The outcome of one service's DiscoverInstances answer. */
export type Decision =
    { readonly kind: "accept"; readonly ips: readonly string[] } | { readonly kind: "fault"; readonly error: "NoHealthyInstances" };

/**
 * Whether a healthy-instance answer replaces the service's last good set. An empty answer for a service
 * that had tasks is a fault (a Cloud Map or health-reporting hiccup must not empty the upstream) unless
 * the config allows 0 tasks. Before any set (cold start) an empty answer is what there is.
 */
export function decide(previous: readonly string[] | undefined, answer: readonly string[], minReplicas: number): Decision {
    if (answer.length === 0 && minReplicas > 0 && previous !== undefined && previous.length > 0) {
        return { kind: "fault", error: "NoHealthyInstances" };
    }
    return { kind: "accept", ips: sortIps(answer) };
}

/** Unique IPv4 addresses in numeric order, so the same tasks always render the same file. */
export function sortIps(ips: readonly string[]): string[] {
    const key = (ip: string) =>
        ip
            .split(".")
            .map((p) => p.padStart(3, "0"))
            .join(".");
    return [...new Set(ips)].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Longest back-off after failed calls, seconds: recovery after an outage is at most this late. */
export const MAX_BACKOFF_SEC = 20;

/**
 * Seconds to wait after the n-th consecutive failed call: pollSec × 2^n capped at MAX_BACKOFF_SEC, with
 * "equal jitter" (half fixed, half random), so nginx tasks that failed together do not retry together
 * and a throttled API sees fewer calls. `random` is in [0, 1).
 */
export function backoffSec(consecutiveErrors: number, pollSec: number, random: number): number {
    const ceiling = Math.min(MAX_BACKOFF_SEC, pollSec * 2 ** Math.max(1, consecutiveErrors));
    return Math.round((ceiling / 2 + (ceiling / 2) * random) * 10) / 10;
}

/** Milliseconds until a publish may happen: coalesceSec after the previous one (0: now). */
export function publishDelayMs(lastPublishAtMs: number | undefined, nowMs: number, coalesceSec: number): number {
    return lastPublishAtMs === undefined ? 0 : Math.max(0, lastPublishAtMs + coalesceSec * 1000 - nowMs);
}

/**
 * Every service's include file for the current sets: one server line per task, each with the service's
 * per-replica weight, so a service's share is weight × healthy tasks / Σ. A service without tasks gets
 * a file with only its comment. When no service has a task, a `down` placeholder keeps the upstream
 * valid for `nginx -t` (nginx then answers 502 itself, which is the truth).
 */
export function renderUpstreamFiles(config: DiscoveryConfig, sets: ReadonlyMap<string, readonly string[]>): Map<string, string> {
    const files = new Map<string, string>();
    const total = config.services.reduce((n, s) => n + (sets.get(s.name)?.length ?? 0), 0);
    config.services.forEach((s, i) => {
        const ips = sets.get(s.name) ?? [];
        const lines = [`# ${s.name}: ${ips.length} healthy tasks from Cloud Map, weight ${s.weight} each (webstack discovery)`];
        for (const ip of ips) {
            lines.push(renderServerLine({ host: ip, port: config.port, weight: s.weight, backup: s.backup, resolve: false }, config));
        }
        if (total === 0 && i === 0) {
            lines.push(`        server 127.0.0.1:${config.port} down; # no service has a healthy task`);
        }
        files.set(upstreamFileName(s.name), `${lines.join("\n")}\n`);
    });
    return files;
}

/** The status line's revision: every service's, in config order. */
export function revisionLabel(config: DiscoveryConfig, accepted: Revisions): string {
    return config.services.map((s) => `${s.name}=${accepted.get(s.name) ?? "none"}`).join(",");
}

/** DISCOVERY-CONTRACT.md's lines (one JSON object each, on stdout). */
export function okLine(a: { revision: string; instances: number; services: number; lastSuccessAgeSec: number; reloads: number }): string {
    return JSON.stringify({
        event: "discovery",
        ok: true,
        revision: a.revision,
        instances: a.instances,
        services: a.services,
        consecutiveErrors: 0,
        lastSuccessAgeSec: a.lastSuccessAgeSec,
        reloads: a.reloads,
    });
}

export function serviceLine(service: string, instances: number): string {
    return JSON.stringify({ event: "discovery.service", service, instances });
}

export function errorLine(a: { error: string; consecutiveErrors: number; lastSuccessAgeSec: number; backoffSec: number }): string {
    return JSON.stringify({ event: "discovery", ok: false, ...a });
}

/** The SDK error's name (ThrottlingException, ...), or the Node error code of a network failure. */
export function errorName(e: unknown): string {
    if (e && typeof e === "object") {
        const o = e as { name?: unknown; code?: unknown };
        if (typeof o.code === "string" && /^E[A-Z]+$/.test(o.code)) {
            return o.code;
        }
        if (typeof o.name === "string" && o.name !== "Error") {
            return o.name;
        }
    }
    return "Error";
}
