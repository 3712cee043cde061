// What the aws stack watches, as plain data: CloudWatch metric filters over nginx's log group (its JSON
// access log, nginx/render.ts JSON_LOG_FIELDS, and the discovery process's status lines), the alarms, and
// the dashboard body. Components declare them (components/aws/{metricFilters,alarms,dashboard}.ts); tests
// check them against real log lines.
import { ALARM_DEFAULTS } from "../config/defaults";
import type { UpstreamShare } from "../upstreams";

/** Metric names the filters publish, in the stack's own namespace (metricNamespace). */
export const METRIC = {
    requests: "Requests",
    serverErrors: "ServerErrors",
    requestTime: "RequestTime",
    /** Healthy tasks nginx's discovery found for a service (its `discovery.service` lines). */
    discoveryInstances: "DiscoveryInstances",
    /** Failed Cloud Map calls (API errors, throttling). */
    discoveryFailedCalls: "DiscoveryFailedCalls",
    /** Failed calls in a row since the last success. */
    discoveryConsecutiveErrors: "DiscoveryConsecutiveErrors",
    /** Seconds since the last successful Cloud Map answer. */
    discoveryLastSuccessAge: "DiscoveryLastSuccessAge",
} as const;
/** Dimension of the per-service metrics: the app's X-Webstack-Service, logged as `svc`. */
export const SERVICE_DIMENSION = "Service";

/** The stack's CloudWatch namespace, e.g. "Webstack/webstack-aws". */
export function metricNamespace(prefix: string): string {
    return `Webstack/${prefix}`;
}

/** One metric filter on nginx's log group. */
export interface MetricFilterSpec {
    /** Suffix of the filter's name, unique in the stack. */
    readonly name: string;
    /** CloudWatch Logs JSON filter pattern. */
    readonly pattern: string;
    readonly metricName: string;
    /** "1" counts lines; "$.rt" publishes nginx's request time. */
    readonly value: string;
    readonly unit: "Count" | "Seconds";
    /** Dimensions taken from the line (`$.svc`); none for the stack-wide totals. */
    readonly dimensions?: Readonly<Record<string, string>>;
}

/**
 * Per service: requests, 5xx and request time, with the service as a dimension; plus stack-wide requests
 * and 5xx, which also count what nginx answered itself (no service: every replica down, bad requests).
 */
export function metricFilterSpecs(services: readonly string[]): MetricFilterSpec[] {
    const dims = { [SERVICE_DIMENSION]: "$.svc" };
    const perService = services.flatMap((s): MetricFilterSpec[] => [
        { name: `${s}-requests`, pattern: `{ $.svc = "${s}" }`, metricName: METRIC.requests, value: "1", unit: "Count", dimensions: dims },
        {
            name: `${s}-5xx`,
            pattern: `{ $.svc = "${s}" && $.status >= 500 }`,
            metricName: METRIC.serverErrors,
            value: "1",
            unit: "Count",
            dimensions: dims,
        },
        {
            name: `${s}-rt`,
            pattern: `{ $.svc = "${s}" }`,
            metricName: METRIC.requestTime,
            value: "$.rt",
            unit: "Seconds",
            dimensions: dims,
        },
    ]);
    return [
        ...perService,
        { name: "all-requests", pattern: "{ $.status > 0 }", metricName: METRIC.requests, value: "1", unit: "Count" },
        { name: "all-5xx", pattern: "{ $.status >= 500 }", metricName: METRIC.serverErrors, value: "1", unit: "Count" },
        ...discoveryFilterSpecs(),
    ];
}

/**
 * The discovery process's state (DISCOVERY-CONTRACT.md status lines, one JSON object per line in nginx's
 * log group): instances per service, failed calls, errors in a row, and the age of the last success. Its
 * lines carry no `status` or `svc`, so the request filters above never count them.
 */
export function discoveryFilterSpecs(): MetricFilterSpec[] {
    const status = '$.event = "discovery"';
    // Every field a filter publishes (value or dimension) is also in its pattern, as CloudWatch asks of JSON filters.
    return [
        {
            name: "discovery-instances",
            pattern: '{ $.event = "discovery.service" && $.service != "" && $.instances >= 0 }',
            metricName: METRIC.discoveryInstances,
            value: "$.instances",
            unit: "Count",
            dimensions: { [SERVICE_DIMENSION]: "$.service" },
        },
        // A failed call's line has consecutiveErrors >= 1; a success's, 0.
        {
            name: "discovery-failed-calls",
            pattern: `{ ${status} && $.consecutiveErrors >= 1 }`,
            metricName: METRIC.discoveryFailedCalls,
            value: "1",
            unit: "Count",
        },
        {
            name: "discovery-consecutive-errors",
            pattern: `{ ${status} && $.consecutiveErrors >= 0 }`,
            metricName: METRIC.discoveryConsecutiveErrors,
            value: "$.consecutiveErrors",
            unit: "Count",
        },
        {
            name: "discovery-last-success-age",
            pattern: `{ ${status} && $.lastSuccessAgeSec >= 0 }`,
            metricName: METRIC.discoveryLastSuccessAge,
            value: "$.lastSuccessAgeSec",
            unit: "Seconds",
        },
    ];
}

/** A metric an alarm reads. `V` is how a dimension value is held (string in tests, a Pulumi Input in components). */
export interface AlarmMetric<V> {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, V | string>>;
    readonly stat: string;
    readonly periodSec: number;
}

/** One metric-math query of an alarm: a metric (hidden) or the expression it alarms on. */
export type AlarmQuery<V> =
    { readonly id: string; readonly metric: AlarmMetric<V> } | { readonly id: string; readonly expression: string; readonly label: string };

/** One CloudWatch alarm; every alarm notifies the stack's SNS topic. */
export interface AlarmSpec<V> {
    /** Suffix of the alarm's name. */
    readonly name: string;
    readonly description: string;
    readonly comparison: "GreaterThanThreshold";
    readonly threshold: number;
    /** Periods looked at, and how many of them must breach. */
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** No data is no trouble: no traffic, or a service with no task yet. */
    readonly treatMissingData: "notBreaching";
    /** The queries; the one with an expression is what the alarm compares (or the only metric). */
    readonly queries: readonly AlarmQuery<V>[];
}

/** What alarmSpecs reads. */
export interface AlarmInputs<V> {
    /** metricNamespace of the stack. */
    readonly namespace: string;
    /** ECS cluster name. */
    readonly clusterName: V;
    /** ECS service names: the app services and nginx. */
    readonly services: readonly string[];
    /** The NLB's and target group's ARN suffixes (CloudWatch's LoadBalancer / TargetGroup dimensions). */
    readonly loadBalancer: V;
    readonly targetGroup: V;
    /** With TLS on 443: that listener's target group (TargetGroup dimension), watched like port 80's. Default none. */
    readonly httpsTargetGroup?: V;
    /** webstack:aws.serverErrorAlarmPercent. */
    readonly serverErrorPercent: number;
    /** Container Insights on: it publishes RunningTaskCount and DesiredTaskCount. */
    readonly containerInsights: boolean;
}

/**
 * The alarms: NLB unhealthy hosts; nginx's 5xx share (metric math over the log's metrics); per ECS
 * service, running below desired (Container Insights, metric math) and CPU and memory above 85 %.
 */
export function alarmSpecs<V>(a: AlarmInputs<V>): AlarmSpec<V>[] {
    const d = ALARM_DEFAULTS;
    const period = d.periodSec;
    const base = { comparison: "GreaterThanThreshold" as const, treatMissingData: "notBreaching" as const };
    const minutes = (n: number) => ({ evaluationPeriods: n, datapointsToAlarm: n });
    // One per target group: a health check can fail on 443 (nginx's TLS port) while 80 passes. Port 80's keeps its name.
    const unhealthy = (suffix: string, targetGroup: V, port: string): AlarmSpec<V> => ({
        ...base,
        name: `nlb-unhealthy-hosts${suffix}`,
        description: `The load balancer sees an nginx task failing its health check (listener ${port})`,
        threshold: 0,
        ...minutes(d.unhealthyHostMinutes),
        queries: [
            {
                id: "m1",
                metric: {
                    namespace: "AWS/NetworkELB",
                    metricName: "UnHealthyHostCount",
                    dimensions: { LoadBalancer: a.loadBalancer, TargetGroup: targetGroup },
                    stat: "Maximum",
                    periodSec: period,
                },
            },
        ],
    });
    const out: AlarmSpec<V>[] = [
        unhealthy("", a.targetGroup, "80"),
        ...(a.httpsTargetGroup !== undefined ? [unhealthy("-443", a.httpsTargetGroup, "443")] : []),
        {
            ...base,
            name: "5xx-rate",
            description: `More than ${a.serverErrorPercent} % of nginx's answers were 5xx over ${d.serverErrorWindowSec / 60} minutes`,
            threshold: a.serverErrorPercent,
            ...minutes(1),
            queries: [
                {
                    id: "errors",
                    metric: {
                        namespace: a.namespace,
                        metricName: METRIC.serverErrors,
                        dimensions: {},
                        stat: "Sum",
                        periodSec: d.serverErrorWindowSec,
                    },
                },
                {
                    id: "requests",
                    metric: {
                        namespace: a.namespace,
                        metricName: METRIC.requests,
                        dimensions: {},
                        stat: "Sum",
                        periodSec: d.serverErrorWindowSec,
                    },
                },
                // No 5xx line in the window publishes nothing: that is 0 errors, not missing data.
                { id: "rate", expression: "100 * FILL(errors, 0) / requests", label: "5xx % of requests" },
            ],
        },
    ];
    // Any nginx task without a successful Cloud Map answer for that long: it still serves, from the last good set.
    out.push({
        ...base,
        name: "discovery-stale",
        description:
            `An nginx task's discovery has had no successful Cloud Map answer for more than ${d.discoveryStaleMinutes} minutes ` +
            "(it keeps routing to the last good set of tasks; see its discovery log lines)",
        threshold: d.discoveryStaleMinutes * 60,
        ...minutes(1),
        queries: [
            {
                id: "m1",
                metric: {
                    namespace: a.namespace,
                    metricName: METRIC.discoveryLastSuccessAge,
                    dimensions: {},
                    stat: "Maximum",
                    periodSec: period,
                },
            },
        ],
    });
    for (const s of a.services) {
        const dims = { ClusterName: a.clusterName, ServiceName: s };
        if (a.containerInsights) {
            const insights = (metricName: string) => ({
                namespace: "ECS/ContainerInsights",
                metricName,
                dimensions: dims,
                stat: "Average",
                periodSec: period,
            });
            out.push({
                ...base,
                name: `${s}-below-desired`,
                description: `ECS service ${s} runs fewer tasks than desired for ${d.belowDesiredMinutes} minutes`,
                threshold: 0,
                ...minutes(d.belowDesiredMinutes),
                queries: [
                    { id: "running", metric: insights("RunningTaskCount") },
                    { id: "desired", metric: insights("DesiredTaskCount") },
                    { id: "missing", expression: "desired - running", label: "tasks missing" },
                ],
            });
        }
        for (const [key, metricName] of [
            ["cpu", "CPUUtilization"],
            ["memory", "MemoryUtilization"],
        ] as const) {
            out.push({
                ...base,
                name: `${s}-${key}`,
                description: `ECS service ${s}: average ${key} above ${d.utilizationPercent} % for ${d.utilizationMinutes} minutes`,
                threshold: d.utilizationPercent,
                ...minutes(d.utilizationMinutes),
                queries: [{ id: "m1", metric: { namespace: "AWS/ECS", metricName, dimensions: dims, stat: "Average", periodSec: period } }],
            });
        }
    }
    return out;
}

/** What the dashboard shows. */
export interface DashboardInputs {
    readonly region: string;
    readonly namespace: string;
    readonly clusterName: string;
    /** App services, with weights (a backup service counts for no share, as in computeUpstreams). */
    readonly services: readonly { readonly name: string; readonly weight: number; readonly backup?: boolean }[];
    /** computeUpstreams of the services: the declared expected share (and its range with autoscaling). */
    readonly upstreams: Readonly<Record<string, UpstreamShare>>;
    /** ECS service name per app service where it differs from the service's (a Spot service's "-spot"). Default: the same. */
    readonly ecsServiceNames?: Readonly<Record<string, string>>;
    readonly loadBalancer: string;
    readonly targetGroup: string;
    /** With TLS on 443: that listener's target group, shown next to port 80's. Default none. */
    readonly httpsTargetGroup?: string;
    readonly containerInsights: boolean;
}

type WidgetMetric = (string | Record<string, unknown>)[] | [Record<string, unknown>];

const widget = (title: string, region: string, metrics: WidgetMetric[], extra: Record<string, unknown> = {}) => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra },
});

/** Metric-math id of a service (ids must start lowercase and hold only letters, digits and _). */
const idOf = (prefix: string, i: number) => `${prefix}${i}`;

/**
 * The dashboard body (CloudWatch's JSON): requests/s per service, observed vs expected share (metric
 * math; expected both as declared, from computeUpstreams, and live from running tasks x weight), 5xx,
 * p50/p99 request time, running tasks per service, discovery's tasks per service and its health, and the
 * NLB's healthy hosts.
 */
export function dashboardBody(a: DashboardInputs): object {
    const ns = a.namespace;
    const names = a.services.map((s) => s.name);
    const req = (s: string, i: number, visible: boolean) => [
        ns,
        METRIC.requests,
        SERVICE_DIMENSION,
        s,
        { id: idOf("r", i), stat: "Sum", visible },
    ];
    const sumOf = names.map((_, i) => idOf("r", i)).join(" + ");
    const rps: WidgetMetric[] = [
        ...names.map((s, i) => req(s, i, false)),
        ...names.map((s, i) => [{ expression: `${idOf("r", i)} / PERIOD(${idOf("r", i)})`, label: s, id: idOf("rps", i) }]),
    ];
    const observed: WidgetMetric[] = [
        ...names.map((s, i) => req(s, i, false)),
        ...names.map((s, i) => [{ expression: `100 * ${idOf("r", i)} / (${sumOf})`, label: `${s} observed %`, id: idOf("obs", i) }]),
    ];
    if (a.containerInsights) {
        // nginx gives each task of a name its weight: live expected share = weight x running / sum of the same.
        const w = (s: { weight: number; backup?: boolean }) => (s.backup ? 0 : s.weight);
        const weighted = a.services.map((s, i) => `${w(s)} * ${idOf("t", i)}`).join(" + ");
        observed.push(
            ...a.services.map((s, i) => [
                "ECS/ContainerInsights",
                "RunningTaskCount",
                "ClusterName",
                a.clusterName,
                "ServiceName",
                a.ecsServiceNames?.[s.name] ?? s.name,
                { id: idOf("t", i), stat: "Average", visible: false },
            ]),
            ...a.services.map((s, i) => [
                {
                    expression: `100 * ${w(s)} * ${idOf("t", i)} / (${weighted})`,
                    label: `${s.name} expected % (running tasks)`,
                    id: idOf("exp", i),
                },
            ]),
        );
    }
    const declared = names.map((s) => {
        const u = a.upstreams[s];
        return u.shareRange
            ? [{ label: `${s} expected (min)`, value: 100 * u.shareRange[0] }, { value: 100 * u.shareRange[1] }]
            : { label: `${s} expected`, value: 100 * u.expectedShare };
    });
    const ecs = (metricName: string, s: string) => ["ECS/ContainerInsights", metricName, "ClusterName", a.clusterName, "ServiceName", s];
    const ecsServices = [...names.map((s) => a.ecsServiceNames?.[s] ?? s), "nginx"];
    const widgets = [
        widget("Requests per second, per service", a.region, rps),
        widget("Share of requests: observed vs expected (%)", a.region, observed, {
            yAxis: { left: { min: 0, max: 100 } },
            annotations: { horizontal: declared },
        }),
        widget("5xx answers", a.region, [
            [ns, METRIC.serverErrors, { stat: "Sum", label: "all (nginx)" }],
            ...names.map((s) => [ns, METRIC.serverErrors, SERVICE_DIMENSION, s, { stat: "Sum", label: s }]),
        ]),
        widget(
            "Request time p50 / p99 (s)",
            a.region,
            names.flatMap((s) =>
                ["p50", "p99"].map((p) => [ns, METRIC.requestTime, SERVICE_DIMENSION, s, { stat: p, label: `${s} ${p}` }]),
            ),
        ),
        a.containerInsights
            ? widget(
                  "Running vs desired tasks per service",
                  a.region,
                  ecsServices.flatMap((s) => [
                      [...ecs("RunningTaskCount", s), { stat: "Average", label: `${s} running` }],
                      [...ecs("DesiredTaskCount", s), { stat: "Average", label: `${s} desired` }],
                  ]),
              )
            : // Task counts come from Container Insights; without it, CPU per service is what there is.
              widget(
                  "CPU % per service (task counts need Container Insights)",
                  a.region,
                  ecsServices.map((s) => [
                      "AWS/ECS",
                      "CPUUtilization",
                      "ClusterName",
                      a.clusterName,
                      "ServiceName",
                      s,
                      { stat: "Average", label: s },
                  ]),
              ),
        widget(
            "Discovery: tasks nginx routes to, per service (fewest over nginx tasks)",
            a.region,
            names.map((s) => [ns, METRIC.discoveryInstances, SERVICE_DIMENSION, s, { stat: "Minimum", label: s }]),
        ),
        widget(
            "Discovery: seconds since the last Cloud Map answer, failed calls",
            a.region,
            [
                [ns, METRIC.discoveryLastSuccessAge, { stat: "Maximum", label: "last success age, s (worst nginx task)" }],
                [ns, METRIC.discoveryConsecutiveErrors, { stat: "Maximum", label: "errors in a row" }],
                [ns, METRIC.discoveryFailedCalls, { stat: "Sum", label: "failed calls" }],
            ],
            { annotations: { horizontal: [{ label: "alarm", value: ALARM_DEFAULTS.discoveryStaleMinutes * 60 }] } },
        ),
        widget(
            "Load balancer: nginx tasks healthy / unhealthy",
            a.region,
            [
                { group: a.targetGroup, port: "" },
                ...(a.httpsTargetGroup !== undefined ? [{ group: a.httpsTargetGroup, port: " (443)" }] : []),
            ].flatMap(({ group, port }) => [
                [
                    "AWS/NetworkELB",
                    "HealthyHostCount",
                    "LoadBalancer",
                    a.loadBalancer,
                    "TargetGroup",
                    group,
                    { stat: "Minimum", label: `healthy${port}` },
                ],
                [
                    "AWS/NetworkELB",
                    "UnHealthyHostCount",
                    "LoadBalancer",
                    a.loadBalancer,
                    "TargetGroup",
                    group,
                    { stat: "Maximum", label: `unhealthy${port}` },
                ],
            ]),
        ),
    ];
    // Two widgets a row.
    return { widgets: widgets.map((w, i) => ({ ...w, x: (i % 2) * 12, y: Math.floor(i / 2) * 6 })) };
}

/** The console URL of a dashboard. */
export function dashboardUrl(region: string, name: string): string {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}
