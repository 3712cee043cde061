// lib/aws/operations.ts and lib/aws/logFilter.ts: the metric filter patterns, the evaluator tests run them with,
// the alarms' thresholds and dimensions, and the dashboard's metric math.
import { matchesFilter, parseFilterPattern, selectField } from "../../lib/aws/logFilter";
import { ALARM_DEFAULTS, LIMITS } from "../../lib/config/defaults";
import { CLOUDWATCH_LOGS_QUOTAS } from "../../lib/aws/facts";
import { METRIC, alarmSpecs, dashboardBody, dashboardUrl, discoveryFilterSpecs, metricFilterSpecs } from "../../lib/aws/operations";
import { computeUpstreams } from "../../lib/upstreams";
import { JSON_LOG_FIELDS } from "../../nginx/render";

// A line in nginx's JSON format (keys from JSON_LOG_FIELDS); the engine test runs the patterns over real ones.
const FILLER: Record<string, unknown> = { status: 200, rt: 0.004 };
const line = (o: Record<string, unknown>) =>
    JSON.stringify(Object.fromEntries(JSON_LOG_FIELDS.map(([k, , kind]) => [k, o[k] ?? FILLER[k] ?? (kind === "number" ? 0 : "")])));

describe("the filter evaluator (CloudWatch's JSON pattern subset)", () => {
    test.each([
        ['{ $.svc = "a" }', { svc: "a" }, true],
        ['{ $.svc = "a" }', { svc: "ab" }, false],
        ['{ $.svc = "a" }', { svc: "" }, false],
        ['{ $.svc != "a" }', { svc: "b" }, true],
        ["{ $.status >= 500 }", { status: 500 }, true],
        ["{ $.status >= 500 }", { status: 499 }, false],
        ["{ $.status > 0 }", { status: 200 }, true],
        ["{ $.status < 300 }", { status: 200 }, true],
        ["{ $.status <= 200 }", { status: 201 }, false],
        ["{ $.status = 200 }", { status: 200 }, true],
        ['{ $.svc = "a" && $.status >= 500 }', { svc: "a", status: 503 }, true],
        ['{ $.svc = "a" && $.status >= 500 }', { svc: "a", status: 200 }, false],
        ['{ $.svc = "a" && $.status >= 500 }', { svc: "b", status: 503 }, false],
    ])("%s on %j: %s", (pattern, fields, matches) => {
        expect(matchesFilter(pattern, line(fields))).toBe(matches);
    });

    test("a number field compared as text, a missing field, and a non-JSON line never match", () => {
        expect(matchesFilter('{ $.status = "200" }', line({ status: 200 }))).toBe(false);
        expect(matchesFilter('{ $.nope = "x" }', line({}))).toBe(false);
        expect(matchesFilter("{ $.status > 0 }", "[28/Nov/2026] localhost to: 10.0.0.1:8000: GET / HTTP/1.1 200")).toBe(false);
    });

    test("syntax outside the subset is refused, not guessed", () => {
        expect(() => parseFilterPattern('{ $.svc = "a" || $.svc = "b" }')).toThrow(/unsupported term/);
        expect(() => parseFilterPattern("[ip, user]")).toThrow(/not a JSON filter pattern/);
        expect(() => parseFilterPattern('{ $.status >= "500" }')).toThrow(/needs a number/);
    });

    test("selectField reads nested fields", () => {
        expect(selectField({ a: { b: 1.5 } }, "$.a.b")).toBe(1.5);
        expect(selectField({ a: 1 }, "$.a.b")).toBeUndefined();
    });
});

describe("metric filters", () => {
    // The request filters; discovery's have their own tests below.
    const specs = metricFilterSpecs(["application1", "application2"]).filter((s) => !s.name.startsWith("discovery-"));
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]));

    test("per service: requests, 5xx and request time (from $.rt, seconds), with the service as a dimension; plus stack-wide totals", () => {
        expect(specs.map((s) => [s.name, s.metricName, s.value, s.unit, s.dimensions?.Service ?? "-"])).toEqual([
            ["application1-requests", METRIC.requests, "1", "Count", "$.svc"],
            ["application1-5xx", METRIC.serverErrors, "1", "Count", "$.svc"],
            ["application1-rt", METRIC.requestTime, "$.rt", "Seconds", "$.svc"],
            ["application2-requests", METRIC.requests, "1", "Count", "$.svc"],
            ["application2-5xx", METRIC.serverErrors, "1", "Count", "$.svc"],
            ["application2-rt", METRIC.requestTime, "$.rt", "Seconds", "$.svc"],
            ["all-requests", METRIC.requests, "1", "Count", "-"],
            ["all-5xx", METRIC.serverErrors, "1", "Count", "-"],
        ]);
    });

    test("an nginx 502 with no service counts in the stack-wide 5xx only; a service's 503 in both", () => {
        const nginx502 = line({ status: 502, svc: "" });
        const app503 = line({ status: 503, svc: "application2" });
        const matching = (l: string) => specs.filter((s) => matchesFilter(s.pattern, l)).map((s) => s.name);
        expect(matching(nginx502)).toEqual(["all-requests", "all-5xx"]);
        expect(matching(app503)).toEqual(["application2-requests", "application2-5xx", "application2-rt", "all-requests", "all-5xx"]);
        expect(matchesFilter(byName["application1-requests"].pattern, line({ svc: "application10" }))).toBe(false);
    });
});

// The discovery process's status lines, exactly as DISCOVERY-CONTRACT.md writes them (stream prefix
// `discovery`, nginx's log group).
const DISCOVERY_LINES = {
    ok: '{"event":"discovery","ok":true,"revision":"17","instances":32,"services":2,"consecutiveErrors":0,"lastSuccessAgeSec":0,"reloads":5}',
    service1: '{"event":"discovery.service","service":"application1","instances":24}',
    service2: '{"event":"discovery.service","service":"application2","instances":8}',
    failed: '{"event":"discovery","ok":false,"error":"RequestLimitExceeded","consecutiveErrors":3,"lastSuccessAgeSec":41,"backoffSec":8}',
};

describe("metric filters: discovery's state", () => {
    const specs = metricFilterSpecs(["application1", "application2"]);
    const discovery = discoveryFilterSpecs();
    const matching = (l: string) => specs.filter((s) => matchesFilter(s.pattern, l)).map((s) => s.name);
    const valueOf = (name: string, l: string) => selectField(JSON.parse(l), discovery.find((s) => s.name === name)!.value);

    test("the stack's filters include discovery's: instances per service, failed calls, errors in a row, last success age", () => {
        expect(discovery.map((s) => [s.name, s.metricName, s.value, s.unit, s.dimensions?.Service ?? "-"])).toEqual([
            ["discovery-instances", METRIC.discoveryInstances, "$.instances", "Count", "$.service"],
            ["discovery-failed-calls", METRIC.discoveryFailedCalls, "1", "Count", "-"],
            ["discovery-consecutive-errors", METRIC.discoveryConsecutiveErrors, "$.consecutiveErrors", "Count", "-"],
            ["discovery-last-success-age", METRIC.discoveryLastSuccessAge, "$.lastSuccessAgeSec", "Seconds", "-"],
        ]);
        expect(specs.slice(-discovery.length)).toEqual(discovery);
    });

    test("a service line publishes its instance count under its service; a success line, 0 errors and its age; a failure, one failed call", () => {
        expect([matching(DISCOVERY_LINES.service1), valueOf("discovery-instances", DISCOVERY_LINES.service1)]).toEqual([
            ["discovery-instances"],
            24,
        ]);
        expect(selectField(JSON.parse(DISCOVERY_LINES.service2), "$.service")).toBe("application2");
        expect(matching(DISCOVERY_LINES.ok)).toEqual(["discovery-consecutive-errors", "discovery-last-success-age"]);
        expect(matching(DISCOVERY_LINES.failed)).toEqual([
            "discovery-failed-calls",
            "discovery-consecutive-errors",
            "discovery-last-success-age",
        ]);
        expect([
            valueOf("discovery-consecutive-errors", DISCOVERY_LINES.failed),
            valueOf("discovery-last-success-age", DISCOVERY_LINES.failed),
        ]).toEqual([3, 41]);
    });

    test("every field a discovery filter publishes, as value or dimension, is in its pattern", () => {
        for (const f of discovery) {
            const fields = [f.value, ...Object.values(f.dimensions ?? {})].filter((v) => v.startsWith("$."));
            for (const field of fields) {
                expect([f.name, f.pattern]).toEqual([f.name, expect.stringContaining(`${field} `)]);
            }
        }
    });

    test("a service line without a service name or a count publishes nothing", () => {
        expect(matching('{"event":"discovery.service","service":"","instances":3}')).toEqual([]);
        expect(matching('{"event":"discovery.service","service":"application1"}')).toEqual([]);
    });

    test("the request filters count no discovery line, and discovery's filters no access line", () => {
        const requestFilters = specs.filter((s) => !discovery.some((d) => d.name === s.name));
        expect(requestFilters).toHaveLength(specs.length - discovery.length);
        for (const l of Object.values(DISCOVERY_LINES)) {
            expect([l, requestFilters.filter((s) => matchesFilter(s.pattern, l)).map((s) => s.name)]).toEqual([l, []]);
        }
        for (const l of [line({ status: 200, svc: "application1" }), line({ status: 502, svc: "" })]) {
            expect(discovery.filter((s) => matchesFilter(s.pattern, l))).toEqual([]);
        }
    });

    test("at the most services the stack allows, nginx's log group stays within CloudWatch Logs' metric filters per log group", () => {
        const names = Array.from({ length: LIMITS.services }, (_, i) => `s${i}`);
        expect(metricFilterSpecs(names).length).toBeLessThanOrEqual(CLOUDWATCH_LOGS_QUOTAS.metricFiltersPerLogGroup);
    });
});

describe("alarms", () => {
    const specs = alarmSpecs({
        namespace: "Webstack/w",
        clusterName: "w",
        services: ["application1", "nginx"],
        loadBalancer: "net/w-lb/abc",
        targetGroup: "targetgroup/w-tg/def",
        serverErrorPercent: 2.5,
        containerInsights: true,
    });
    const by = Object.fromEntries(specs.map((s) => [s.name, s]));

    test("one NLB alarm, one 5xx alarm, and per ECS service: below desired, CPU, memory", () => {
        expect(specs.map((s) => s.name)).toEqual([
            "nlb-unhealthy-hosts",
            "5xx-rate",
            "discovery-stale",
            "application1-below-desired",
            "application1-cpu",
            "application1-memory",
            "nginx-below-desired",
            "nginx-cpu",
            "nginx-memory",
        ]);
    });

    test("thresholds: unhealthy hosts > 0 for 2 minutes; 5xx above the configured percent over 5 minutes; tasks missing > 0 for 5 minutes; CPU/memory > 85 % for 5 minutes", () => {
        const t = (n: string) => [by[n].comparison, by[n].threshold, by[n].evaluationPeriods, by[n].datapointsToAlarm];
        expect(t("nlb-unhealthy-hosts")).toEqual(["GreaterThanThreshold", 0, 2, 2]);
        expect(t("5xx-rate")).toEqual(["GreaterThanThreshold", 2.5, 1, 1]);
        expect(t("nginx-below-desired")).toEqual(["GreaterThanThreshold", 0, 5, 5]);
        expect(t("application1-cpu")).toEqual(["GreaterThanThreshold", 85, 5, 5]);
        expect(t("application1-memory")).toEqual(["GreaterThanThreshold", 85, 5, 5]);
        expect(ALARM_DEFAULTS.utilizationPercent).toBe(85);
    });

    test("the 5xx rate is metric math over the stack-wide 5-minute sums, a missing 5xx count read as 0", () => {
        expect(by["5xx-rate"].queries).toEqual([
            { id: "errors", metric: { namespace: "Webstack/w", metricName: "ServerErrors", dimensions: {}, stat: "Sum", periodSec: 300 } },
            { id: "requests", metric: { namespace: "Webstack/w", metricName: "Requests", dimensions: {}, stat: "Sum", periodSec: 300 } },
            { id: "rate", expression: "100 * FILL(errors, 0) / requests", label: "5xx % of requests" },
        ]);
    });

    test("dimensions: the NLB by ARN suffixes; ECS metrics by cluster and service name; below-desired is desired - running from Container Insights", () => {
        const metricOf = (n: string, i = 0) =>
            (by[n].queries[i] as { metric: { namespace: string; metricName: string; dimensions: object } }).metric;
        expect(metricOf("nlb-unhealthy-hosts")).toMatchObject({
            namespace: "AWS/NetworkELB",
            metricName: "UnHealthyHostCount",
            dimensions: { LoadBalancer: "net/w-lb/abc", TargetGroup: "targetgroup/w-tg/def" },
        });
        expect(metricOf("nginx-memory")).toMatchObject({
            namespace: "AWS/ECS",
            metricName: "MemoryUtilization",
            dimensions: { ClusterName: "w", ServiceName: "nginx" },
        });
        expect(
            by["application1-below-desired"].queries.map((q) =>
                "metric" in q ? `${q.metric.namespace} ${q.metric.metricName}` : q.expression,
            ),
        ).toEqual(["ECS/ContainerInsights RunningTaskCount", "ECS/ContainerInsights DesiredTaskCount", "desired - running"]);
    });

    test("without Container Insights there is no task count to alarm on: no below-desired alarms", () => {
        const off = alarmSpecs({
            ...{ namespace: "n", clusterName: "w", services: ["a"], loadBalancer: "l", targetGroup: "t", serverErrorPercent: 1 },
            containerInsights: false,
        });
        expect(off.map((s) => s.name)).toEqual(["nlb-unhealthy-hosts", "5xx-rate", "discovery-stale", "a-cpu", "a-memory"]);
    });

    test("discovery: the worst nginx task's seconds since its last Cloud Map answer above 5 minutes, in any one minute", () => {
        const a = by["discovery-stale"];
        expect([a.comparison, a.threshold, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData]).toEqual([
            "GreaterThanThreshold",
            ALARM_DEFAULTS.discoveryStaleMinutes * 60,
            1,
            1,
            "notBreaching",
        ]);
        expect(a.queries).toEqual([
            {
                id: "m1",
                metric: {
                    namespace: "Webstack/w",
                    metricName: METRIC.discoveryLastSuccessAge,
                    dimensions: {},
                    stat: "Maximum",
                    periodSec: 60,
                },
            },
        ]);
        // What the filter publishes from failure lines 5 minutes and 5 minutes + 1 s into an outage.
        const age = (sec: number) =>
            selectField(
                JSON.parse(DISCOVERY_LINES.failed.replace('"lastSuccessAgeSec":41', `"lastSuccessAgeSec":${sec}`)),
                "$.lastSuccessAgeSec",
            ) as number;
        expect([age(300) > a.threshold, age(301) > a.threshold]).toEqual([false, true]);
        expect(ALARM_DEFAULTS.discoveryStaleMinutes).toBe(5);
    });
});

describe("dashboard", () => {
    const services = [
        { name: "application1", weight: 3, replicas: 1 },
        { name: "application2", weight: 1, replicas: 2 },
    ];
    const args = {
        region: "eu-west-1",
        namespace: "Webstack/w",
        clusterName: "w",
        services,
        upstreams: computeUpstreams(services),
        loadBalancer: "net/w/1",
        targetGroup: "targetgroup/w/2",
        containerInsights: true,
    };
    type Widget = { properties: { title: string; metrics: unknown[][]; annotations?: { horizontal: unknown[] } } };
    const widgets = (a = args) => (dashboardBody(a) as { widgets: Widget[] }).widgets;
    const expressions = (w: Widget) => w.properties.metrics.map((m) => (m[0] as { expression?: string }).expression).filter(Boolean);

    test("eight widgets: rps, shares, 5xx, p50/p99, running tasks, discovery's tasks and health, NLB hosts", () => {
        expect(widgets().map((w) => w.properties.title)).toEqual([
            "Requests per second, per service",
            "Share of requests: observed vs expected (%)",
            "5xx answers",
            "Request time p50 / p99 (s)",
            "Running vs desired tasks per service",
            "Discovery: tasks nginx routes to, per service (fewest over nginx tasks)",
            "Discovery: seconds since the last Cloud Map answer, failed calls",
            "Load balancer: nginx tasks healthy / unhealthy",
        ]);
    });

    test("discovery widgets read the discovery filters' metrics: instances per service, age with the alarm's line, errors", () => {
        const [tasks, health] = [widgets()[5], widgets()[6]];
        expect(tasks.properties.metrics).toEqual([
            ["Webstack/w", METRIC.discoveryInstances, "Service", "application1", { stat: "Minimum", label: "application1" }],
            ["Webstack/w", METRIC.discoveryInstances, "Service", "application2", { stat: "Minimum", label: "application2" }],
        ]);
        expect(health.properties.metrics.map((m) => [m[1], (m[2] as { stat: string }).stat])).toEqual([
            [METRIC.discoveryLastSuccessAge, "Maximum"],
            [METRIC.discoveryConsecutiveErrors, "Maximum"],
            [METRIC.discoveryFailedCalls, "Sum"],
        ]);
        expect(health.properties.annotations!.horizontal).toEqual([{ label: "alarm", value: ALARM_DEFAULTS.discoveryStaleMinutes * 60 }]);
        // Every metric a widget names is one a filter publishes.
        const published = new Set(discoveryFilterSpecs().map((f) => f.metricName));
        for (const m of [...tasks.properties.metrics, ...health.properties.metrics]) {
            expect(published.has(m[1] as never)).toBe(true);
        }
    });

    test("observed share is each service's requests over all; expected is live (weight x running tasks) and declared (computeUpstreams)", () => {
        const share = widgets()[1];
        expect(expressions(share)).toEqual([
            "100 * r0 / (r0 + r1)",
            "100 * r1 / (r0 + r1)",
            "100 * 3 * t0 / (3 * t0 + 1 * t1)",
            "100 * 1 * t1 / (3 * t0 + 1 * t1)",
        ]);
        expect(share.properties.annotations!.horizontal).toEqual([
            { label: "application1 expected", value: 60 },
            { label: "application2 expected", value: 40 },
        ]);
        expect(expressions(widgets()[0])).toEqual(["r0 / PERIOD(r0)", "r1 / PERIOD(r1)"]);
    });

    test("a backup service is expected to get no share; with autoscaling the declared share is a band", () => {
        const withBackup = [...services, { name: "canary", weight: 5, replicas: 1, backup: true }];
        expect(expressions(widgets({ ...args, services: withBackup, upstreams: computeUpstreams(withBackup) })[1])[5]).toBe(
            "100 * 0 * t2 / (3 * t0 + 1 * t1 + 0 * t2)",
        );
        const scaled = [services[0], { ...services[1], autoscaling: { min: 2, max: 6 } }];
        expect(widgets({ ...args, upstreams: computeUpstreams(scaled) })[1].properties.annotations!.horizontal[1]).toEqual([
            { label: "application2 expected (min)", value: 40 },
            { value: 66.67 },
        ]);
    });

    test("p50 and p99 of the request time per service; task counts include nginx", () => {
        const stats = widgets()[3].properties.metrics.map((m) => `${m[3] as string} ${(m[4] as { stat: string }).stat}`);
        expect(stats).toEqual(["application1 p50", "application1 p99", "application2 p50", "application2 p99"]);
        expect(widgets()[4].properties.metrics.map((m) => m[5])).toEqual([
            "application1",
            "application1",
            "application2",
            "application2",
            "nginx",
            "nginx",
        ]);
    });

    test("the URL opens the dashboard in its region's console", () => {
        expect(dashboardUrl("eu-west-1", "webstack-aws")).toBe(
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/webstack-aws",
        );
    });
});
