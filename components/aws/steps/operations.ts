// Step 7 of AwsWebStack: operations (docs/aws-operations.md): metrics from nginx's log, alarms to an SNS topic,
// a dashboard.
import { NGINX_SERVICE_NAME } from "../../../lib/config/defaults";
import { metricNamespace } from "../../../lib/aws/operations";
import { computeUpstreams } from "../../../lib/upstreams";
import { AwsAlarms } from "../alarms";
import { AwsDashboard } from "../dashboard";
import { ecsServiceName } from "../fargateService";
import type { AwsLoadBalancer } from "../loadBalancer";
import { AwsMetricFilters } from "../metricFilters";
import type { declareEcs } from "./ecs";
import type { declareIdentities } from "./identities";
import type { StackScope } from "./scope";

export function declareOperations(
    s: StackScope,
    deps: { readonly ids: ReturnType<typeof declareIdentities>; readonly ecs: ReturnType<typeof declareEcs>; readonly lb: AwsLoadBalancer },
) {
    const c = s.config;
    const a = c.aws;
    const name = s.name;
    const parent = { parent: s.parent };
    const { ids, ecs, lb } = deps;
    const namespace = metricNamespace(s.prefix);
    const appNames = c.services.map((x) => x.name);
    const insights = a.containerInsights !== "disabled";
    new AwsMetricFilters(
        `${name}-metrics`,
        { logGroupName: ids.logs.groupNames[NGINX_SERVICE_NAME], services: appNames, namespace, createAfter: [ids.logs] },
        parent,
    );
    const alarms = new AwsAlarms(
        `${name}-alarms`,
        {
            namePrefix: s.prefix,
            watch: {
                namespace,
                clusterName: ecs.cluster.clusterName,
                services: [...c.services.map((x) => ecsServiceName(x.name, x.capacity)), NGINX_SERVICE_NAME],
                loadBalancer: lb.arnSuffix,
                targetGroup: lb.targetGroupArnSuffix,
                ...(lb.httpsTargetGroupArnSuffix ? { httpsTargetGroup: lb.httpsTargetGroupArnSuffix } : {}),
                serverErrorPercent: a.serverErrorAlarmPercent,
                containerInsights: insights,
            },
            ...(a.alarmEmail ? { email: a.alarmEmail } : {}),
            tags: s.tags,
        },
        parent,
    );
    const dashboard = new AwsDashboard(
        `${name}-dashboard`,
        {
            dashboardName: s.prefix,
            show: {
                region: a.region,
                namespace,
                clusterName: s.prefix,
                services: c.services,
                ecsServiceNames: Object.fromEntries(c.services.map((x) => [x.name, ecsServiceName(x.name, x.capacity)])),
                upstreams: computeUpstreams(c.services),
                containerInsights: insights,
            },
            loadBalancer: lb.arnSuffix,
            targetGroup: lb.targetGroupArnSuffix,
            ...(lb.httpsTargetGroupArnSuffix ? { httpsTargetGroup: lb.httpsTargetGroupArnSuffix } : {}),
        },
        parent,
    );
    return { alarms, dashboard };
}
