import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NGINX_HEALTH_PATH, NGINX_PROXY_PROTOCOL_PORT } from "../../lib/runtime";
import { NLB_HEALTH_CHECK, nlbDeregistrationDelaySec } from "./timing";

export interface AwsLoadBalancerArgs {
    /** VPC of the target group. */
    readonly vpcId: pulumi.Input<string>;
    /** Public subnets, one per AZ. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The load balancer's own security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** What must exist before the load balancer: the public subnets' internet gateway and routes. */
    readonly createAfter: readonly pulumi.Resource[];
    /** Public TCP listener port (webstack:httpPort). */
    readonly port: number;
    /** Tags on every resource. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An internet-facing Network Load Balancer: a TCP listener on the public port forwarding to the nginx
 * tasks by IP, health-checked over HTTP on nginx's own health location.
 */
export class AwsLoadBalancer extends pulumi.ComponentResource {
    /** Public DNS name. */
    public readonly dnsName: pulumi.Output<string>;
    /** Target group the nginx service registers in. */
    public readonly targetGroupArn: pulumi.Output<string>;
    /** ARN suffixes: CloudWatch's LoadBalancer and TargetGroup dimensions (alarms, dashboard). */
    public readonly arnSuffix: pulumi.Output<string>;
    public readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** The listener; ECS refuses a target group no listener uses, so the nginx service starts after it. */
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
        const targetGroup = new aws.lb.TargetGroup(
            name,
            {
                vpcId: args.vpcId,
                targetType: "ip",
                protocol: "TCP",
                // nginx's PROXY protocol port: the header carries the client's address (nginx/realIp.ts).
                port: NGINX_PROXY_PROTOCOL_PORT,
                proxyProtocolV2: true,
                // Connections then come from the NLB's own addresses, which nginx's security group admits
                // by referring to the NLB's group; client addresses would need a CIDR rule instead.
                preserveClientIp: "false",
                // Long enough for any proxied request to end (timing.ts); the default 300 s only slows deploys.
                deregistrationDelay: nlbDeregistrationDelaySec(),
                healthCheck: {
                    enabled: true,
                    protocol: "HTTP",
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
        this.listener = new aws.lb.Listener(
            name,
            {
                loadBalancerArn: nlb.arn,
                port: args.port,
                protocol: "TCP",
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                tags: args.tags,
            },
            parent,
        );
        this.dnsName = nlb.dnsName;
        this.targetGroupArn = targetGroup.arn;
        this.arnSuffix = nlb.arnSuffix;
        this.targetGroupArnSuffix = targetGroup.arnSuffix;
        this.registerOutputs({ dnsName: this.dnsName, targetGroupArn: this.targetGroupArn });
    }
}
