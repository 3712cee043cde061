// The waits of an AWS rollout, as relations: each test states one inequality that keeps requests from
// failing while tasks come and go, for every nginx tuning the relation depends on.
import * as fs from "fs";
import * as path from "path";
import { CLOUD_MAP_QUOTAS } from "../../lib/aws/facts";
import { AUTOSCALING_LIMITS, DEFAULT_NGINX, DEFAULT_SERVICES, LIMITS } from "../../lib/config/defaults";
import { DISCOVERY, HEALTH_TIMING, appEnvironment } from "../../lib/runtime";
import type { NginxTuning } from "../../lib/config/types";
import {
    DISCOVERY_MARGIN_SEC,
    FARGATE_MAX_STOP_TIMEOUT_SEC,
    GUNICORN,
    NLB_HEALTH_CHECK,
    appStopTiming,
    cloudMapTtlSec,
    discoveryCallsPerSec,
    discoveryFitsApiRates,
    ecsAppStop,
    maxResolverValidSec,
    nginxHealthCheckGracePeriodSec,
    nginxStopTimeoutSec,
    nlbDeregistrationDelaySec,
} from "../../components/aws/timing";

const tuning = (resolverValidSec: number): NginxTuning => ({ ...DEFAULT_NGINX, resolverValidSec });
const VALIDS = [1, 2, DEFAULT_NGINX.resolverValidSec, 10, 30, maxResolverValidSec()];

describe("app tasks leave DNS before they stop", () => {
    test.each(VALIDS)("valid=%is: the lame duck outlasts the resolver's TTL plus nginx's valid= plus a margin", (valid) => {
        const t = appStopTiming(tuning(valid));
        expect(t.lameDuckSec).toBeGreaterThanOrEqual(t.ttlSec + valid + DISCOVERY_MARGIN_SEC);
    });

    test.each(VALIDS)("valid=%is: stopTimeout covers the lame duck and then Gunicorn's whole drain", (valid) => {
        const t = appStopTiming(tuning(valid));
        expect(t.drainSec).toBeGreaterThanOrEqual(GUNICORN.gracefulTimeoutSec);
        expect(t.stopTimeoutSec).toBeGreaterThanOrEqual(t.lameDuckSec + t.drainSec);
    });

    test.each(VALIDS)("valid=%is: stopTimeout stays within what Fargate accepts", (valid) => {
        expect(appStopTiming(tuning(valid)).stopTimeoutSec).toBeLessThanOrEqual(FARGATE_MAX_STOP_TIMEOUT_SEC);
    });

    test("the Cloud Map TTL is chosen with nginx's valid=: never longer, so nginx's setting bounds staleness", () => {
        for (const valid of VALIDS) {
            expect(cloudMapTtlSec(tuning(valid))).toBeLessThanOrEqual(valid);
            expect(appStopTiming(tuning(valid)).ttlSec).toBe(cloudMapTtlSec(tuning(valid)));
        }
    });

    test("a valid= too long for any Fargate stopTimeout is refused, naming the key and the largest value that fits", () => {
        const max = maxResolverValidSec();
        expect(() => appStopTiming(tuning(max))).not.toThrow();
        expect(() => appStopTiming(tuning(max + 1))).toThrow(
            new RegExp(`^webstack:nginx\\.resolverValidSec: got ${max + 1};.*Fix: set it to at most ${max}$`),
        );
    });
});

describe("app tasks leave nginx's discovered upstream (the Cloud Map API path) before they stop", () => {
    test.each(VALIDS)("valid=%is: the lame duck outlasts poll + coalescing + publish (nginx -t and reload) + a margin", (valid) => {
        const t = appStopTiming(tuning(valid));
        expect(t.lameDuckSec).toBeGreaterThanOrEqual(
            DISCOVERY.pollSec + DISCOVERY.coalesceSec + DISCOVERY.publishMaxSec + DISCOVERY_MARGIN_SEC,
        );
    });

    test("with the API path, stopTimeout still fits Fargate's 120 s at the longest DNS setting too", () => {
        const t = appStopTiming(tuning(maxResolverValidSec()));
        expect(DISCOVERY.pollSec + DISCOVERY.coalesceSec + DISCOVERY.publishMaxSec + DISCOVERY_MARGIN_SEC + t.drainSec).toBeLessThanOrEqual(
            FARGATE_MAX_STOP_TIMEOUT_SEC,
        );
        expect(t.stopTimeoutSec).toBeLessThanOrEqual(FARGATE_MAX_STOP_TIMEOUT_SEC);
    });

    test("discovery intervals no Fargate stopTimeout can cover are refused, naming lib/runtime.ts DISCOVERY", () => {
        jest.isolateModules(() => {
            jest.doMock("../../lib/runtime", () => ({
                ...jest.requireActual<object>("../../lib/runtime"),
                DISCOVERY: { pollSec: 60, coalesceSec: 30, publishMaxSec: 10 },
            }));
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const timing = require("../../components/aws/timing") as typeof import("../../components/aws/timing");
            expect(() => timing.appStopTiming(DEFAULT_NGINX)).toThrow(
                /^lib\/runtime\.ts DISCOVERY: poll 60 s .* Fix: shorten the discovery intervals$/,
            );
        });
        jest.dontMock("../../lib/runtime");
    });

    test("every nginx task polling every service stays within Cloud Map's API rates, at the most nginx tasks and services", () => {
        const r = discoveryCallsPerSec(AUTOSCALING_LIMITS.nginxMaxTasks, LIMITS.services);
        expect(r.revision).toBeLessThanOrEqual(CLOUD_MAP_QUOTAS.discoverInstancesRevisionPerSec);
        expect(r.instances).toBeLessThanOrEqual(CLOUD_MAP_QUOTAS.discoverInstancesPerSec);
        expect(discoveryFitsApiRates(AUTOSCALING_LIMITS.nginxMaxTasks, LIMITS.services)).toBe(true);
        // Ten times the nginx tasks would be throttled: the relation is what bounds nginxAutoscaling.max.
        expect(discoveryFitsApiRates(10 * AUTOSCALING_LIMITS.nginxMaxTasks, LIMITS.services)).toBe(false);
    });
});

describe("nginx tasks behind the NLB", () => {
    test("ECS waits for the NLB's first passing checks (after the container's start period) before judging a new task", () => {
        expect(nginxHealthCheckGracePeriodSec()).toBeGreaterThanOrEqual(
            HEALTH_TIMING.startPeriodSec + NLB_HEALTH_CHECK.healthyThreshold * NLB_HEALTH_CHECK.intervalSec,
        );
    });

    test("a draining target keeps its connections until any proxied request has ended", () => {
        expect(nlbDeregistrationDelaySec()).toBeGreaterThanOrEqual(GUNICORN.timeoutSec);
    });

    test("after SIGQUIT, nginx has time to finish a request that began during the drain", () => {
        expect(nginxStopTimeoutSec()).toBeGreaterThanOrEqual(GUNICORN.timeoutSec);
        expect(nginxStopTimeoutSec()).toBeLessThanOrEqual(FARGATE_MAX_STOP_TIMEOUT_SEC);
    });

    test("each NLB health check times out before the next one is due", () => {
        expect(NLB_HEALTH_CHECK.timeoutSec).toBeLessThan(NLB_HEALTH_CHECK.intervalSec);
    });
});

describe("the numbers come from the app itself", () => {
    // The relations are only as true as these: read them from the file Gunicorn reads.
    const conf = fs.readFileSync(path.join(__dirname, "../../app/gunicorn.conf.py"), "utf8");

    test("Gunicorn's graceful_timeout is the drain the stop timing hands it through the environment", () => {
        expect(conf).toMatch(/^graceful_timeout = int\(os\.environ\["GUNICORN_GRACEFUL_TIMEOUT_SEC"\]\)$/m);
        expect(appEnvironment(DEFAULT_SERVICES[0], DEFAULT_NGINX, ecsAppStop(DEFAULT_NGINX)).GUNICORN_GRACEFUL_TIMEOUT_SEC).toBe(
            String(GUNICORN.gracefulTimeoutSec),
        );
    });

    test("Gunicorn's request timeout is the bound the NLB and nginx waits are sized for", () => {
        expect(conf).toMatch(new RegExp(`^timeout = ${GUNICORN.timeoutSec}$`, "m"));
    });
});
