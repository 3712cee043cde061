import type * as docker from "@pulumi/docker";
import { HEALTH_TIMING } from "../../lib/runtime";

/** Docker health check from the shared runtime contract. */
export function dockerHealthcheck(tests: readonly string[]): docker.types.input.ContainerHealthcheck {
    return {
        tests: [...tests],
        interval: `${HEALTH_TIMING.intervalSec}s`,
        timeout: `${HEALTH_TIMING.timeoutSec}s`,
        retries: HEALTH_TIMING.retries,
        startPeriod: `${HEALTH_TIMING.startPeriodSec}s`,
    };
}

/** Settings every container of the stack shares: restart, bounded logs, no privilege escalation. */
export const COMMON_CONTAINER = {
    // Comes back after a crash or an engine restart, but stays down when a person stops it.
    restart: "unless-stopped",
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    securityOpts: ["no-new-privileges:true"],
    // `pulumi up` returns only once the container reports healthy.
    wait: true,
    waitTimeout: 60,
} as const;

/** Environment map to Docker's KEY=value list. */
export function envList(env: Readonly<Record<string, string>>): string[] {
    return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
