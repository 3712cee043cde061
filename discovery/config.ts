// The discovery sidecar's one JSON setting (lib/runtime.ts DISCOVERY_CONFIG_ENV), checked at start: a
// wrong value stops the container at once with the reason, instead of rendering a wrong upstream.
import type { DiscoveryConfig } from "../lib/runtime";

function fail(what: string): never {
    throw new Error(`discovery config: ${what}`);
}

const positive = (v: unknown, key: string): number =>
    typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fail(`${key} must be a positive number, got ${JSON.stringify(v)}`);

export function parseDiscoveryConfig(text: string | undefined): DiscoveryConfig {
    if (!text) {
        fail("not set");
    }
    let raw: Record<string, unknown>;
    try {
        raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
        return fail("not JSON");
    }
    if (typeof raw.namespace !== "string" || raw.namespace === "") {
        fail("namespace must be a non-empty string");
    }
    if (!Array.isArray(raw.services) || raw.services.length === 0) {
        fail("services must be a non-empty list");
    }
    const services = (raw.services as Record<string, unknown>[]).map((s, i) => {
        if (typeof s.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(s.name)) {
            fail(`services[${i}].name must be a DNS label`);
        }
        if (!Number.isInteger(s.weight) || (s.weight as number) < 1) {
            fail(`services[${i}].weight must be a positive integer`);
        }
        if (!Number.isInteger(s.minReplicas) || (s.minReplicas as number) < 0) {
            fail(`services[${i}].minReplicas must be an integer >= 0`);
        }
        return { name: s.name, weight: s.weight as number, backup: s.backup === true, minReplicas: s.minReplicas as number };
    });
    return {
        namespace: raw.namespace as string,
        services,
        port: positive(raw.port, "port"),
        failTimeoutSec: positive(raw.failTimeoutSec, "failTimeoutSec"),
        pollSec: positive(raw.pollSec, "pollSec"),
        coalesceSec: positive(raw.coalesceSec, "coalesceSec"),
    };
}
