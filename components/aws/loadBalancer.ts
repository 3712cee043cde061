import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NLB_ALPN_POLICY, NLB_SSL_POLICY, NlbListenerPlan } from "../../lib/aws/listeners";
import { AWS_PUBLIC_PORTS } from "../../lib/aws/facts";
import { NGINX_HEALTH_PATH } from "../../lib/runtime";
import { NLB_HEALTH_CHECK, nlbDeregistrationDelaySec } from "./timing";

export interface AwsLoadBalancerArgs {
    /** VPC of the target groups. */
    readonly vpcId: pulumi.Input<string>;
    /** Public subnets, one per AZ. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The load balancer's own security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** What must exist before the load balancer: the public subnets' internet gateway and routes. */
    readonly createAfter: readonly pulumi.Resource[];
    /** Listeners and their target groups (lib/aws/listeners.ts); port 80 first. */
    readonly listeners: readonly NlbListenerPlan[];
    /** ACM certificate of the TLS listener; required when a listener's protocol is TLS. Default: none. */
    readonly certificate?: {
        /** Certificate ARN. */
        readonly arn: pulumi.Input<string>;
        /** What must exist before the TLS listener uses it (the DNS validation of a requested certificate). Default: none. */
        readonly readyAfter?: readonly pulumi.Resource[];
    };
    /** A Route 53 alias record for the load balancer: this name in this hosted zone. Default: none. */
    readonly alias?: { readonly domain: string; readonly hostedZoneId: string };
    /** Tags on every resource. */
    readonly tags: Readonly<Record<string, string>>;
}

/** One target group as the nginx service registers in it (ECS service `loadBalancers`). */
export interface LoadBalancerTarget {
    /** Target group ARN. */
    readonly targetGroupArn: pulumi.Output<string>;
    /** nginx container port it forwards to. */
    readonly containerPort: number;
}

/**
 * An internet-facing Network Load Balancer with one listener per public port (80, and 443 with TLS),
 * each forwarding to its own target group of nginx tasks by IP, health-checked on nginx's own health
 * location. Like CDK's aws-ecs-patterns, the listeners and target groups are public.
 */
export class AwsLoadBalancer extends pulumi.ComponentResource {
    /** Public DNS name. */
    public readonly dnsName: pulumi.Output<string>;
    /** Route 53 zone of the DNS name (for alias records). */
    public readonly zoneId: pulumi.Output<string>;
    /** The listeners, by public port; ECS refuses a target group no listener uses, so nginx starts after them. */
    public readonly listeners: Readonly<Record<number, aws.lb.Listener>>;
    /** The target groups, in listener order; the nginx service registers in every one. */
    public readonly targets: readonly LoadBalancerTarget[];
    /** The alias record, with `alias`. */
    public readonly aliasRecord?: aws.route53.Record;
    /** The port-80 target group (the first), which every mode has. */
    public readonly targetGroupArn: pulumi.Output<string>;
    /** ARN suffixes: CloudWatch's LoadBalancer and (port-80) TargetGroup dimensions (alarms, dashboard). */
    public readonly arnSuffix: pulumi.Output<string>;
    public readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** With a 443 listener: its target group's ARN suffix, for the alarms and the dashboard (issue 20 row 8). */
    public readonly httpsTargetGroupArnSuffix: pulumi.Output<string> | undefined;
    /** The port-80 listener, which every mode has. */
    public readonly listener: aws.lb.Listener;

    constructor(name: string, args: AwsLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:LoadBalancer", name, {}, opts);
        const parent = { parent: this };
        const nlb = new aws.lb.LoadBalancer(
            name,
            {
                loadBalancerType: "network",
                internal: false,
                subnets: args.subnetIds,
                securityGroups: [args.securityGroupId],
                // Even shares across both AZs' nginx tasks, whichever AZ a client's DNS answer points at.
                enableCrossZoneLoadBalancing: true,
                tags: args.tags,
            },
            { parent: this, dependsOn: [...args.createAfter] },
        );
        const listeners: Record<number, aws.lb.Listener> = {};
        const targets: LoadBalancerTarget[] = [];
        const targetGroups: aws.lb.TargetGroup[] = [];
        for (const plan of args.listeners) {
            const tg = plan.targetGroup;
            // Names: the port-80 pair keeps the component's own name (suffix ""), as before TLS existed.
            const targetGroup = new aws.lb.TargetGroup(
                `${name}${tg.nameSuffix}`,
                {
                    vpcId: args.vpcId,
                    targetType: "ip",
                    protocol: "TCP",
                    port: tg.port,
                    // Every nginx port behind the NLB takes a PROXY v2 header: the client's address (nginx/realIp.ts).
                    proxyProtocolV2: true,
                    // Connections then come from the NLB's own addresses, which nginx's security group admits
                    // by referring to the NLB's group; client addresses would need a CIDR rule instead.
                    preserveClientIp: "false",
                    // Long enough for any proxied request to end (timing.ts); the default 300 s only slows deploys.
                    deregistrationDelay: nlbDeregistrationDelaySec(),
                    healthCheck: {
                        enabled: true,
                        protocol: tg.healthCheckProtocol,
                        path: NGINX_HEALTH_PATH,
                        port: "traffic-port",
                        matcher: "200",
                        interval: NLB_HEALTH_CHECK.intervalSec,
                        timeout: NLB_HEALTH_CHECK.timeoutSec,
                        healthyThreshold: NLB_HEALTH_CHECK.healthyThreshold,
                        unhealthyThreshold: NLB_HEALTH_CHECK.unhealthyThreshold,
                    },
                    tags: args.tags,
                },
                parent,
            );
            let tlsArgs: Partial<aws.lb.ListenerArgs> = {};
            let readyAfter: pulumi.Resource[] = [];
            if (plan.protocol === "TLS") {
                if (!args.certificate) {
                    throw new Error(`the TLS listener on ${plan.port} needs a certificate`);
                }
                tlsArgs = { certificateArn: args.certificate.arn, sslPolicy: NLB_SSL_POLICY, alpnPolicy: NLB_ALPN_POLICY };
                readyAfter = [...(args.certificate.readyAfter ?? [])];
            }
            listeners[plan.port] = new aws.lb.Listener(
                `${name}${plan.nameSuffix}`,
                {
                    loadBalancerArn: nlb.arn,
                    port: plan.port,
                    protocol: plan.protocol,
                    ...tlsArgs,
                    defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                    tags: args.tags,
                },
                { parent: this, dependsOn: readyAfter },
            );
            targets.push({ targetGroupArn: targetGroup.arn, containerPort: tg.port });
            targetGroups.push(targetGroup);
        }
        if (args.alias) {
            // IPv4 only: the NLB is not dualstack, so an AAAA record would point at nothing.
            this.aliasRecord = new aws.route53.Record(
                `${name}-alias`,
                {
                    zoneId: args.alias.hostedZoneId,
                    name: args.alias.domain,
                    type: "A",
                    aliases: [{ name: nlb.dnsName, zoneId: nlb.zoneId, evaluateTargetHealth: true }],
                },
                parent,
            );
        }
        this.dnsName = nlb.dnsName;
        this.zoneId = nlb.zoneId;
        this.listeners = listeners;
        this.targets = targets;
        this.targetGroupArn = targetGroups[0].arn;
        this.arnSuffix = nlb.arnSuffix;
        this.targetGroupArnSuffix = targetGroups[0].arnSuffix;
        const https = args.listeners.findIndex((l) => l.port === AWS_PUBLIC_PORTS.https);
        this.httpsTargetGroupArnSuffix = https >= 0 ? targetGroups[https].arnSuffix : undefined;
        this.listener = listeners[args.listeners[0].port];
        this.registerOutputs({ dnsName: this.dnsName, targetGroupArns: targets.map((t) => t.targetGroupArn) });
    }
}
