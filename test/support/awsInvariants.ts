// Invariants of a declared aws stack, each derived from what a task needs at start and what AWS enforces
// (issue 20). Each returns the violations as sentences, so a test asserts `toEqual([])` and a failure
// says what is wrong. They read only the declared resources (evaluation/evaluate.ts), never the program.
import type { DeclaredResource, Evaluation } from "../../evaluation/evaluate";
import { AWS } from "../../evaluation/resourceTypes";
import { secretResourceArn } from "../../components/aws/executionRole";

const HTTPS = 443;
type Rule = DeclaredResource;

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type && r.custom);
const coversHttps = (r: Rule) =>
    (r.inputs.fromPort as number) <= HTTPS && HTTPS <= (r.inputs.toPort as number) && r.inputs.ipProtocol === "tcp";

/** One ECS service's tasks, as the invariants see them. */
export interface Task {
    /** ECS service name. */
    readonly service: string;
    /** "nginx" for the task behind the load balancer, else "app". */
    readonly kind: "nginx" | "app";
    /** The tasks' security group. */
    readonly securityGroupId: string;
    /** The task definition's containers (as ECS receives them). */
    readonly containers: readonly { name: string; secrets?: { name: string; valueFrom: string }[]; readonlyRootFilesystem?: boolean }[];
    readonly taskDefinition: Rule;
    readonly ecsService: Rule;
}

/** Every ECS service's tasks. */
export function tasks(ev: Evaluation): Task[] {
    const defs = ofType(ev, AWS.taskDefinition);
    return ofType(ev, AWS.service).map((s) => {
        const td = defs.find((d) => d.state.arn === s.inputs.taskDefinition);
        if (!td) {
            throw new Error(`ECS service ${String(s.inputs.name)} runs no declared task definition`);
        }
        const net = s.inputs.networkConfiguration as { securityGroups: string[] };
        return {
            service: s.inputs.name as string,
            kind: s.inputs.loadBalancers ? "nginx" : "app",
            securityGroupId: net.securityGroups[0],
            containers: JSON.parse(td.inputs.containerDefinitions as string) as Task["containers"],
            taskDefinition: td,
            ecsService: s,
        };
    });
}

/**
 * What a task calls at start (or, for exec and discovery, while it runs): ECR's API and registry, S3 for
 * the image layers, CloudWatch Logs (awslogs), each secret's service (ECS reads `secrets` for the task),
 * ssmmessages with ECS Exec, and for nginx Cloud Map's DiscoverInstances (its discovery sidecar, issue 19).
 */
export function apisOf(task: Task): string[] {
    const secrets = task.containers.flatMap((c) => (c.secrets ?? []).map((s) => s.valueFrom.split(":")[2]));
    return [
        ...new Set([
            "ecr.api",
            "ecr.dkr",
            "s3",
            "logs",
            ...secrets,
            ...(task.ecsService.inputs.enableExecuteCommand ? ["ssmmessages"] : []),
            ...(task.kind === "nginx" ? ["data-servicediscovery"] : []),
        ]),
    ].sort();
}

/**
 * Every API a task calls is reachable: through the NAT gateway (a 0.0.0.0/0 route to it and the task's
 * group open to 0.0.0.0/0 on 443), or through an endpoint of com.amazonaws.<region>.<api> that exists and
 * whose security group admits the task's (ingress from it on 443, and the task's egress to it). Interface
 * endpoints need private DNS, or the SDKs' default host names would not reach them. And the other way:
 * an endpoint admits only tasks that call it, and none exists that no task calls.
 */
export function reachabilityViolations(ev: Evaluation, region: string): string[] {
    const out: string[] = [];
    const egress = ofType(ev, AWS.securityGroupEgress).filter(coversHttps);
    const ingress = ofType(ev, AWS.securityGroupIngress).filter(coversHttps);
    const nat = ofType(ev, AWS.route).some((r) => r.inputs.natGatewayId !== undefined && r.inputs.destinationCidrBlock === "0.0.0.0/0");
    const endpoints = ofType(ev, AWS.vpcEndpoint);
    const apiOf = (e: Rule) => String(e.inputs.serviceName).replace(`com.amazonaws.${region}.`, "");
    const all = tasks(ev);
    const admits = (endpointSg: string, taskSg: string) =>
        ingress.some((r) => r.inputs.securityGroupId === endpointSg && r.inputs.referencedSecurityGroupId === taskSg) &&
        egress.some((r) => r.inputs.securityGroupId === taskSg && r.inputs.referencedSecurityGroupId === endpointSg);
    for (const t of all) {
        const viaNat = nat && egress.some((r) => r.inputs.securityGroupId === t.securityGroupId && r.inputs.cidrIpv4 === "0.0.0.0/0");
        for (const api of apisOf(t)) {
            if (viaNat) {
                continue;
            }
            const ep = endpoints.find((e) => apiOf(e) === api);
            if (!ep) {
                out.push(`${t.service}: calls ${api}, but there is no NAT route and no ${api} endpoint`);
            } else if (api === "s3") {
                const pl = ep.state.prefixListId;
                if (
                    ep.inputs.vpcEndpointType !== "Gateway" ||
                    !egress.some((r) => r.inputs.securityGroupId === t.securityGroupId && r.inputs.prefixListId === pl)
                ) {
                    out.push(`${t.service}: the S3 gateway endpoint's prefix list is not open to it on 443`);
                }
            } else if (ep.inputs.privateDnsEnabled !== true) {
                out.push(`${t.service}: the ${api} endpoint has no private DNS`);
            } else if (!(ep.inputs.securityGroupIds as string[]).some((sg) => admits(sg, t.securityGroupId))) {
                out.push(`${t.service}: the ${api} endpoint's security group does not admit its tasks on 443`);
            }
        }
    }
    for (const ep of endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface")) {
        const api = apiOf(ep);
        const callers = new Set(all.filter((t) => apisOf(t).includes(api)).map((t) => t.securityGroupId));
        if (callers.size === 0) {
            out.push(`the ${api} endpoint exists, but no task calls ${api}`);
        }
        for (const sg of ep.inputs.securityGroupIds as string[]) {
            for (const r of ingress.filter((x) => x.inputs.securityGroupId === sg)) {
                const from = r.inputs.referencedSecurityGroupId as string | undefined;
                if (from === undefined || !callers.has(from)) {
                    out.push(`the ${api} endpoint admits ${from ?? String(r.inputs.cidrIpv4)}, which does not call ${api}`);
                }
            }
        }
    }
    return out;
}

/** The statements of the inline policy of the role with this ARN. */
function policyOfRole(
    ev: Evaluation,
    roleArn: string,
): { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> }[] {
    const role = ofType(ev, AWS.role).find((r) => r.state.arn === roleArn);
    if (!role) {
        return [];
    }
    return ofType(ev, AWS.rolePolicy)
        .filter((p) => p.inputs.role === role.state.name)
        .flatMap((p) => (JSON.parse(p.inputs.policy as string) as { Statement: ReturnType<typeof policyOfRole> }).Statement);
}

/**
 * Every secret a container reads is granted to its own task's execution role, by exact ARN, and to
 * nothing else: no other role reads it, no role reads a secret its tasks do not, no wildcard, and
 * kms:Decrypt only through SSM / Secrets Manager (kms:ViaService).
 */
export function secretGrantViolations(ev: Evaluation): string[] {
    const out: string[] = [];
    const all = tasks(ev);
    const roleOf = (t: Task) => t.taskDefinition.inputs.executionRoleArn as string;
    for (const t of all) {
        const sharing = all.filter((o) => o !== t && roleOf(o) === roleOf(t));
        if (sharing.length > 0) {
            out.push(`${t.service}: its execution role is shared with ${sharing.map((o) => o.service).join(", ")}`);
        }
        const needed = [...new Set(t.containers.flatMap((c) => (c.secrets ?? []).map((s) => secretResourceArn(s.valueFrom))))].sort();
        const statements = policyOfRole(ev, roleOf(t));
        const secretActions = statements.filter((s) => [s.Action].flat().some((a) => /^(ssm|secretsmanager):/.test(a)));
        const granted = [...new Set(secretActions.flatMap((s) => [s.Resource].flat()))].sort();
        if (JSON.stringify(granted) !== JSON.stringify(needed)) {
            out.push(`${t.service}: reads ${JSON.stringify(needed)} but its execution role is granted ${JSON.stringify(granted)}`);
        }
        for (const s of statements.filter((x) => [x.Action].flat().includes("kms:Decrypt"))) {
            const via = s.Condition?.StringEquals?.["kms:ViaService"];
            if (!Array.isArray(via) || via.length === 0) {
                out.push(`${t.service}: kms:Decrypt without kms:ViaService`);
            }
        }
        if (JSON.stringify(secretActions).includes('"*"')) {
            out.push(`${t.service}: a secret permission with a wildcard resource`);
        }
    }
    return out;
}

/** AWS's name limits (service quotas / API models), by type and input. */
const NAME_LIMITS: readonly { type: string; key: string; max: number; what: string }[] = [
    { type: AWS.role, key: "name", max: 64, what: "IAM role name" },
    { type: AWS.targetGroup, key: "name", max: 32, what: "target group name" },
    { type: AWS.loadBalancer, key: "name", max: 32, what: "load balancer name" },
    { type: AWS.service, key: "name", max: 255, what: "ECS service name" },
    { type: AWS.cluster, key: "name", max: 255, what: "ECS cluster name" },
    { type: AWS.taskDefinition, key: "family", max: 255, what: "task definition family" },
    { type: AWS.repository, key: "name", max: 256, what: "ECR repository name" },
    { type: AWS.logGroup, key: "name", max: 512, what: "log group name" },
    { type: AWS.metricAlarm, key: "name", max: 255, what: "alarm name" },
    { type: AWS.dashboard, key: "dashboardName", max: 255, what: "dashboard name" },
    { type: AWS.snsTopic, key: "name", max: 256, what: "SNS topic name" },
    { type: AWS.securityGroup, key: "name", max: 255, what: "security group name" },
];

/**
 * Every name within its AWS limit (autonamed resources: the provider's name, as the mocks derive it: the
 * logical name and a 7-character suffix), and every DNS label (Cloud Map namespace and service names)
 * at most 63 characters, a whole name at most 253.
 */
export function nameViolations(ev: Evaluation): string[] {
    const out: string[] = [];
    for (const limit of NAME_LIMITS) {
        for (const r of ofType(ev, limit.type)) {
            const name = (r.inputs[limit.key] ?? r.state[limit.key]) as string | undefined;
            if (name !== undefined && name.length > limit.max) {
                out.push(`${limit.what} "${name}" has ${name.length} characters; AWS allows ${limit.max}`);
            }
        }
    }
    const namespaces = ofType(ev, AWS.namespace).map((n) => n.inputs.name as string);
    const dnsNames = [
        ...namespaces,
        ...ofType(ev, AWS.discoveryService).flatMap((s) => namespaces.map((n) => `${String(s.inputs.name)}.${n}`)),
    ];
    for (const name of dnsNames) {
        for (const label of name.split(".")) {
            if (label.length > 63) {
                out.push(`DNS label "${label}" of ${name} has ${label.length} characters; DNS allows 63`);
            }
        }
        if (name.length > 253) {
            out.push(`DNS name ${name} has ${name.length} characters; DNS allows 253`);
        }
    }
    return out;
}

/** ECS Exec's agent writes into the container: every container of an exec task has a writable root, and only then. */
export function execRootViolations(ev: Evaluation): string[] {
    return tasks(ev).flatMap((t) =>
        t.containers
            .filter((c) => c.readonlyRootFilesystem === Boolean(t.ecsService.inputs.enableExecuteCommand))
            .map(
                (c) =>
                    `${t.service}/${c.name}: readonlyRootFilesystem ${String(c.readonlyRootFilesystem)} with exec ${String(Boolean(t.ecsService.inputs.enableExecuteCommand))}`,
            ),
    );
}
