import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { APP_PORT, NGINX_PROXY_PROTOCOL_PORT } from "../../lib/runtime";
import { AWS_PUBLIC_PORTS } from "../../lib/aws/facts";

export interface AwsSecurityGroupsArgs {
    /** VPC the groups belong to. */
    readonly vpcId: pulumi.Input<string>;
    /** The load balancer's listener ports (80, and 443 with TLS): the only ports open to 0.0.0.0/0. */
    readonly publicPorts: readonly number[];
    /** nginx ports the load balancer forwards to and health-checks (its target groups' ports). */
    readonly targetPorts: readonly number[];
    /**
     * The VPC endpoints the tasks reach AWS through, or undefined when they reach AWS's public HTTPS
     * endpoints (through a NAT gateway, or whatever an existing VPC provides).
     */
    readonly endpoints: EndpointAccess | undefined;
    /** Tags on every group and rule. */
    readonly tags: Readonly<Record<string, string>>;
}

/** Where tasks reach AWS in a VPC without an internet route. */
export interface EndpointAccess {
    /** Security group of the interface endpoints (ECR API, ECR registry, CloudWatch Logs). */
    readonly securityGroupId: pulumi.Input<string>;
    /** Prefix list of the S3 gateway endpoint (image layers). */
    readonly s3PrefixListId: pulumi.Input<string>;
    /** Further interface endpoints (secrets, ssmmessages, Cloud Map), each with its own group and its clients. Default none. */
    readonly optional?: readonly {
        readonly service: string;
        readonly clients: readonly ("nginx" | "app")[];
        readonly securityGroupId: pulumi.Input<string>;
    }[];
}

const HTTPS = 443;

/**
 * Who may talk to whom, one rule per path, and rules refer to security groups rather than addresses:
 * internet -> NLB on the listener ports (the only 0.0.0.0/0 ingress), NLB -> nginx on its target ports,
 * nginx -> app on 8000, and each task -> AWS over HTTPS (ECR, S3, CloudWatch Logs). DNS to the VPC
 * resolver needs no rule: security groups do not filter traffic to the Amazon DNS server.
 */
export class AwsSecurityGroups extends pulumi.ComponentResource {
    /** The load balancer's group. */
    public readonly nlbSecurityGroupId: pulumi.Output<string>;
    /** The nginx tasks' group. */
    public readonly nginxSecurityGroupId: pulumi.Output<string>;
    /** The app tasks' group. */
    public readonly appSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: AwsSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:SecurityGroups", name, {}, opts);
        const parent = { parent: this };
        // The provider removes AWS's default allow-all egress rule, so a group allows only what follows.
        const group = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(
                `${name}-${role}`,
                { vpcId: args.vpcId, description, tags: { ...args.tags, Name: `${name}-${role}` } },
                parent,
            );
        const nlb = group("nlb", "Network Load Balancer: the public listener");
        const nginx = group("nginx", "nginx tasks: from the load balancer only");
        const app = group("app", "app tasks: from nginx only");

        const ingress = (
            rule: string,
            sg: aws.ec2.SecurityGroup,
            port: number,
            source: { referencedSecurityGroupId?: pulumi.Input<string>; cidrIpv4?: string },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${rule}`,
                { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...source, tags: args.tags },
                parent,
            );
        const egress = (
            rule: string,
            sg: aws.ec2.SecurityGroup,
            port: number,
            dest: { referencedSecurityGroupId?: pulumi.Input<string>; cidrIpv4?: string; prefixListId?: pulumi.Input<string> },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-${rule}`,
                { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...dest, tags: args.tags },
                parent,
            );

        // Rule names: the port-80 and port-8081 rules keep the names they had before TLS, so they stay in place.
        for (const port of args.publicPorts) {
            const http = port === AWS_PUBLIC_PORTS.http;
            ingress(
                `nlb-from-internet${http ? "" : `-${port}`}`,
                nlb,
                port,
                { cidrIpv4: "0.0.0.0/0" },
                http ? "public HTTP listener" : `public listener on ${port}`,
            );
        }
        for (const port of new Set(args.targetPorts)) {
            const suffix = port === NGINX_PROXY_PROTOCOL_PORT ? "" : `-${port}`;
            egress(`nlb-to-nginx${suffix}`, nlb, port, { referencedSecurityGroupId: nginx.id }, "forward and health-check to nginx");
            ingress(
                `nginx-from-nlb${suffix}`,
                nginx,
                port,
                { referencedSecurityGroupId: nlb.id },
                "traffic and health checks from the load balancer",
            );
        }
        egress("nginx-to-app", nginx, APP_PORT, { referencedSecurityGroupId: app.id }, "proxy to the app replicas");
        ingress("app-from-nginx", app, APP_PORT, { referencedSecurityGroupId: nginx.id }, "requests from nginx");

        // An endpoint's group admits HTTPS from one task group (the endpoints live in another group than the tasks).
        const endpointFrom = (rule: string, endpointGroupId: pulumi.Input<string>, role: string, sg: aws.ec2.SecurityGroup) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${rule}`,
                {
                    securityGroupId: endpointGroupId,
                    ipProtocol: "tcp",
                    fromPort: HTTPS,
                    toPort: HTTPS,
                    referencedSecurityGroupId: sg.id,
                    description: `HTTPS from the ${role} tasks`,
                    tags: args.tags,
                },
                parent,
            );
        for (const [role, sg] of [
            ["nginx", nginx],
            ["app", app],
        ] as const) {
            if (args.endpoints !== undefined) {
                egress(
                    `${role}-to-endpoints`,
                    sg,
                    HTTPS,
                    { referencedSecurityGroupId: args.endpoints.securityGroupId },
                    "ECR and CloudWatch Logs interface endpoints",
                );
                egress(
                    `${role}-to-s3`,
                    sg,
                    HTTPS,
                    { prefixListId: args.endpoints.s3PrefixListId },
                    "image layers from S3 through the gateway endpoint",
                );
                for (const e of (args.endpoints.optional ?? []).filter((x) => x.clients.includes(role))) {
                    egress(
                        `${role}-to-${e.service}`,
                        sg,
                        HTTPS,
                        { referencedSecurityGroupId: e.securityGroupId },
                        `${e.service} interface endpoint`,
                    );
                    endpointFrom(`${e.service}-from-${role}`, e.securityGroupId, role, sg);
                }
                endpointFrom(`endpoints-from-${role}`, args.endpoints.securityGroupId, role, sg);
            } else {
                // ECR, S3 and CloudWatch Logs have no fixed addresses; through the NAT gateway the only
                // bound that holds is the port. Outbound only: nothing can connect in this way.
                egress(`${role}-to-aws`, sg, HTTPS, { cidrIpv4: "0.0.0.0/0" }, "ECR, S3 and CloudWatch Logs over HTTPS (via NAT)");
            }
        }

        this.nlbSecurityGroupId = nlb.id;
        this.nginxSecurityGroupId = nginx.id;
        this.appSecurityGroupId = app.id;
        this.registerOutputs({
            nlbSecurityGroupId: this.nlbSecurityGroupId,
            nginxSecurityGroupId: this.nginxSecurityGroupId,
            appSecurityGroupId: this.appSecurityGroupId,
        });
    }
}
