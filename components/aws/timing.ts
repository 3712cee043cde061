// How long each part of a rollout waits on AWS, derived from one another so that no request fails while
// tasks come and go. test/unit/awsTiming.test.ts states each relation.
import { CLOUD_MAP_QUOTAS } from "../../lib/aws/facts";
import { type AppStopTiming as ReplicaStop, DISCOVERY, HEALTH_TIMING, LOCAL_APP_STOP } from "../../lib/runtime";
import type { NginxTuning } from "../../lib/config/types";

/** Gunicorn's own limits (app/gunicorn.conf.py; a unit test reads the file to keep them in step). */
export const GUNICORN = {
    /** `graceful_timeout`: after SIGTERM (and the lame duck), in-flight requests get this long to finish. */
    gracefulTimeoutSec: LOCAL_APP_STOP.drainSec,
    /** `timeout`: a worker busy longer than this on one request is killed, so no request outlives it. */
    timeoutSec: 30,
} as const;

/** Longest stopTimeout a Fargate container may have (ECS ContainerDefinition.stopTimeout). */
export const FARGATE_MAX_STOP_TIMEOUT_SEC = 120;

/**
 * Allowance for Cloud Map's deregistration to reach its answers (Route 53's records and the API's
 * DiscoverInstances apply the change asynchronously, usually within seconds), for one API call's own
 * time, and for clock and scheduling slack.
 */
export const DISCOVERY_MARGIN_SEC = 5;

/**
 * Cloud Map record TTL, chosen together with nginx's `valid=`: the VPC resolver caches an answer for the
 * TTL and nginx caches what the resolver gave it for `valid=`, so a removed task can be answered for
 * TTL + valid. Equal values keep that sum at twice nginx's own setting.
 */
export function cloudMapTtlSec(nginx: NginxTuning): number {
    return nginx.resolverValidSec;
}

/** DNS path (nginx's `resolve` lines, e.g. before discovery's first answer): the resolver's TTL, then nginx's valid=. */
export function dnsStalenessSec(nginx: NginxTuning): number {
    return cloudMapTtlSec(nginx) + nginx.resolverValidSec + DISCOVERY_MARGIN_SEC;
}

/**
 * API path (nginx's discovery process, lib/runtime.ts DISCOVERY): the change reaches DiscoverInstances
 * (margin), the next DiscoverInstancesRevision poll sees it (pollSec), the publish waits out the
 * coalescing window (coalesceSec), and `nginx -t` + graceful reload end (publishMaxSec). After the
 * reload only old workers finishing requests already sent still use the old set.
 */
export function apiStalenessSec(): number {
    return DISCOVERY.pollSec + DISCOVERY.coalesceSec + DISCOVERY.publishMaxSec + DISCOVERY_MARGIN_SEC;
}

/** The longest time nginx may still pick a task after ECS deregistered it from Cloud Map, by either path. */
export function discoveryStalenessSec(nginx: NginxTuning): number {
    return Math.max(dnsStalenessSec(nginx), apiStalenessSec());
}

/** When an app task stops: ECS deregisters it from Cloud Map, sends SIGTERM, and SIGKILLs after stopTimeout. */
export interface AppStopTiming {
    /** Cloud Map record TTL. */
    readonly ttlSec: number;
    /** After SIGTERM, how long the task keeps answering so that every cache forgets it first. */
    readonly lameDuckSec: number;
    /** Then Gunicorn's graceful drain of in-flight requests. */
    readonly drainSec: number;
    /** ECS stopTimeout: lame duck plus drain, so SIGKILL never cuts a request. */
    readonly stopTimeoutSec: number;
}

/** App task stop timing for a given nginx tuning; throws when no Fargate stopTimeout can hold it. */
export function appStopTiming(nginx: NginxTuning): AppStopTiming {
    const lameDuckSec = discoveryStalenessSec(nginx);
    const drainSec = GUNICORN.gracefulTimeoutSec;
    const stopTimeoutSec = lameDuckSec + drainSec;
    if (apiStalenessSec() + drainSec > FARGATE_MAX_STOP_TIMEOUT_SEC) {
        throw new Error(
            `lib/runtime.ts DISCOVERY: poll ${DISCOVERY.pollSec} s + coalescing ${DISCOVERY.coalesceSec} s + publish ${DISCOVERY.publishMaxSec} s ` +
                `+ ${DISCOVERY_MARGIN_SEC} s, then ${drainSec} s of drain, exceed Fargate's ${FARGATE_MAX_STOP_TIMEOUT_SEC} s stopTimeout. ` +
                `Fix: shorten the discovery intervals`,
        );
    }
    if (stopTimeoutSec > FARGATE_MAX_STOP_TIMEOUT_SEC) {
        throw new Error(
            `webstack:nginx.resolverValidSec: got ${nginx.resolverValidSec}; on aws, tasks must outlive the DNS caches ` +
                `(2 x resolverValidSec + ${DISCOVERY_MARGIN_SEC} s, then ${drainSec} s of drain) within Fargate's ` +
                `${FARGATE_MAX_STOP_TIMEOUT_SEC} s stopTimeout. Fix: set it to at most ${maxResolverValidSec()}`,
        );
    }
    return { ttlSec: cloudMapTtlSec(nginx), lameDuckSec, drainSec, stopTimeoutSec };
}

/** The stop timing an ECS app task runs with, in the runtime contract's terms (lib/runtime.ts). */
export function ecsAppStop(nginx: NginxTuning): ReplicaStop {
    const t = appStopTiming(nginx);
    return { lameDuckSec: t.lameDuckSec, drainSec: t.drainSec, stopGraceSec: t.stopTimeoutSec };
}

/** The largest nginx `valid=` whose app stop timing still fits Fargate's stopTimeout. */
export function maxResolverValidSec(): number {
    return Math.floor((FARGATE_MAX_STOP_TIMEOUT_SEC - GUNICORN.gracefulTimeoutSec - DISCOVERY_MARGIN_SEC) / 2);
}

/** Cloud Map API calls per second of every nginx task's discovery together, at the discovery intervals. */
export function discoveryCallsPerSec(nginxTasks: number, services: number): { revision: number; instances: number } {
    return {
        // One DiscoverInstancesRevision per service per poll.
        revision: (nginxTasks * services) / DISCOVERY.pollSec,
        // At most one DiscoverInstances per service per publish (≤ 1,000 instances: one page), publishes coalesced.
        instances: (nginxTasks * services) / DISCOVERY.coalesceSec,
    };
}

/** True when that rate stays within Cloud Map's default per-account API rates. */
export function discoveryFitsApiRates(nginxTasks: number, services: number): boolean {
    const r = discoveryCallsPerSec(nginxTasks, services);
    return r.revision <= CLOUD_MAP_QUOTAS.discoverInstancesRevisionPerSec && r.instances <= CLOUD_MAP_QUOTAS.discoverInstancesPerSec;
}

/** The NLB target group's health check of nginx. */
export const NLB_HEALTH_CHECK = { intervalSec: 10, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

/** Seconds from a new nginx task's registration until the NLB sends it traffic. */
export function nlbHealthyAfterSec(): number {
    return NLB_HEALTH_CHECK.intervalSec * NLB_HEALTH_CHECK.healthyThreshold;
}

/**
 * How long ECS ignores NLB health checks of a new nginx task: its container health check may take its
 * start period, then the NLB needs `healthyThreshold` passing checks. Shorter, and ECS would kill tasks
 * that are merely not yet healthy.
 */
export function nginxHealthCheckGracePeriodSec(): number {
    return HEALTH_TIMING.startPeriodSec + nlbHealthyAfterSec();
}

/**
 * Target group deregistration delay: ECS stops an nginx task only after its target has drained, and
 * no proxied request can outlive Gunicorn's timeout, so one that long lets every in-flight request end.
 */
export function nlbDeregistrationDelaySec(): number {
    return GUNICORN.timeoutSec;
}

/**
 * nginx's stopTimeout: SIGQUIT lets in-flight requests finish (a client's keep-alive connection can
 * still carry a request that started during the drain), each bounded by Gunicorn's timeout.
 */
export function nginxStopTimeoutSec(): number {
    return GUNICORN.timeoutSec + DISCOVERY_MARGIN_SEC;
}
