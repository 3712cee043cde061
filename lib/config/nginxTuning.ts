// `webstack:nginx`: nginx tuning, parsed from one table of (key, min, max, meaning); defaults come from
// lib/config/defaults.ts.
import { DEFAULT_NGINX } from "./defaults";
import type { NginxTuning } from "./types";
import { Problems, bool, intIn, isRecord, jsonOrText, unknownKeys } from "./validate";

type IntKey = Exclude<keyof NginxTuning, "workerProcesses" | "proxyBuffering">;

/** The integer tuning keys: allowed range and what the number means (for the error message). */
export const NGINX_INT_RULES: readonly { key: IntKey; min: number; max: number; meaning: string }[] = [
    { key: "workerConnections", min: 64, max: 65536, meaning: "connections per nginx worker" },
    { key: "upstreamKeepalive", min: 0, max: 1024, meaning: "idle upstream connections per worker; 0 disables" },
    { key: "upstreamKeepaliveTimeoutSec", min: 1, max: 3600, meaning: "seconds" },
    { key: "resolverValidSec", min: 1, max: 300, meaning: "seconds a DNS answer is trusted" },
    { key: "accessLogBufferKiB", min: 0, max: 1024, meaning: "KiB; 0 = unbuffered" },
    { key: "accessLogFlushSec", min: 1, max: 60, meaning: "seconds" },
    { key: "proxyConnectTimeoutSec", min: 1, max: 60, meaning: "seconds" },
    { key: "failTimeoutSec", min: 1, max: 300, meaning: "seconds a failed replica is skipped" },
    { key: "clientMaxBodyMiB", min: 1, max: 1024, meaning: "MiB, the largest request body" },
    { key: "clientHeaderTimeoutSec", min: 1, max: 300, meaning: "seconds" },
    { key: "clientBodyTimeoutSec", min: 1, max: 300, meaning: "seconds" },
    { key: "sendTimeoutSec", min: 1, max: 600, meaning: "seconds" },
    { key: "proxyReadTimeoutSec", min: 1, max: 3600, meaning: "seconds an app may take to answer" },
    { key: "rateLimitPerSec", min: 0, max: 100000, meaning: "requests per second per client; 0 is off" },
    { key: "rateLimitBurst", min: 0, max: 100000, meaning: "requests over the rate let through at once" },
    { key: "connLimitPerClient", min: 0, max: 100000, meaning: "open connections per client; 0 is off" },
];

const NGINX_KEYS = Object.keys(DEFAULT_NGINX);

/** Parses webstack:nginx (JSON text, or undefined for all defaults); adds problems and returns undefined if any. */
export function parseNginxTuning(p: Problems, value: string | undefined): NginxTuning | undefined {
    if (value === undefined) {
        return DEFAULT_NGINX;
    }
    const obj = jsonOrText(value);
    if (!isRecord(obj)) {
        p.add(
            "webstack:nginx",
            obj,
            "must be an object of nginx tuning keys",
            `write it as e.g. nginx: {workerConnections: 4096}; keys: ${NGINX_KEYS.join(", ")}`,
        );
        return undefined;
    }
    const before = p.count;
    unknownKeys(p, "webstack:nginx", obj, NGINX_KEYS);
    const k = (name: string) => `webstack:nginx.${name}`;
    const wp = obj.workerProcesses ?? DEFAULT_NGINX.workerProcesses;
    const workerProcesses = wp === "auto" ? "auto" : intIn(p, k("workerProcesses"), wp, 1, 64, 'nginx worker processes, or "auto"', 2);
    const proxyBuffering = obj.proxyBuffering ?? DEFAULT_NGINX.proxyBuffering;
    if (typeof proxyBuffering !== "boolean") {
        bool(p, k("proxyBuffering"), proxyBuffering, "must be true or false", true);
    }
    const ints = Object.fromEntries(
        NGINX_INT_RULES.map((r) => [
            r.key,
            intIn(p, k(r.key), obj[r.key] ?? DEFAULT_NGINX[r.key], r.min, r.max, r.meaning, DEFAULT_NGINX[r.key]),
        ]),
    );
    return p.count === before ? ({ ...ints, workerProcesses, proxyBuffering } as NginxTuning) : undefined;
}
