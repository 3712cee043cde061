import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { splitCidr } from "../../lib/aws/cidr";
import type { AwsNetworkConfig } from "../../lib/config/types";
import { checkedSubnets, fargateZoneNames } from "./availabilityZones";
import type { EndpointAccess } from "./securityGroups";

export interface AwsNetworkArgs {
    /** AWS region; names the VPC endpoint services (com.amazonaws.<region>.<service>). */
    readonly region: string;
    /** A VPC to create (its CIDR, split into 2 public and 2 private subnets, and its egress), or an existing one. */
    readonly network: AwsNetworkConfig;
    /** What the tasks call beyond ECR and Logs: decides the extra interface endpoints (endpoints egress only). */
    readonly taskApis: TaskApiUse;
    /** Tags on every resource. */
    readonly tags: Readonly<Record<string, string>>;
}

/** Interface endpoints every Fargate task needs to pull from ECR and write to CloudWatch Logs. */
export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs"] as const;

/** The two kinds of task; each has its own security group (components/aws/securityGroups.ts). */
export type TaskKind = "nginx" | "app";

/** What the tasks call at start or while running, beyond ECR, S3 and CloudWatch Logs. */
export interface TaskApiUse {
    /** AWS services the app tasks' `secrets` come from ("ssm", "secretsmanager"). */
    readonly appSecretServices: readonly string[];
    /** nginx reads its TLS certificate and key from Secrets Manager (webstack:tls). */
    readonly nginxTlsSecret: boolean;
    /** ECS Exec: every task's agent opens ssmmessages channels. */
    readonly exec: boolean;
    /** nginx's discovery sidecar calls Cloud Map's DiscoverInstances (data-servicediscovery). */
    readonly nginxDiscovery: boolean;
}

/** One interface endpoint beyond ECR and Logs, and the tasks its security group admits. */
export interface OptionalEndpoint {
    /** The service's endpoint name, com.amazonaws.<region>.<service>. */
    readonly service: "secretsmanager" | "ssm" | "ssmmessages" | "data-servicediscovery";
    /** Tasks that call it; its security group admits exactly these. */
    readonly clients: readonly TaskKind[];
}

/**
 * The interface endpoints a stack without an internet route needs beyond ECR and Logs, each only when some
 * task calls it, admitting only those tasks: ECS reads `secrets` through ssm / secretsmanager for the
 * task at start (ECS guide, "Pass Secrets Manager secrets"), ECS Exec's agent dials ssmmessages, and
 * nginx's discovery sidecar calls DiscoverInstances on data-servicediscovery.<region>.amazonaws.com (the
 * SDK's "data-" host prefix; Cloud Map guide, "Access AWS Cloud Map using an interface endpoint").
 */
export function optionalEndpoints(use: TaskApiUse): OptionalEndpoint[] {
    const all: [OptionalEndpoint["service"], boolean, boolean][] = [
        ["secretsmanager", use.nginxTlsSecret, use.appSecretServices.includes("secretsmanager")],
        ["ssm", false, use.appSecretServices.includes("ssm")],
        ["ssmmessages", use.exec, use.exec],
        ["data-servicediscovery", use.nginxDiscovery, false],
    ];
    return all
        .map(([service, nginx, app]) => ({ service, clients: [...(nginx ? ["nginx" as const] : []), ...(app ? ["app" as const] : [])] }))
        .filter((e) => e.clients.length > 0);
}

/**
 * A VPC across 2 AZs: public subnets (load balancer, NAT gateway) routed to an internet gateway, and
 * private subnets (tasks) with no public addresses. Tasks pull images and ship logs from the private
 * subnets, either through one NAT gateway or through VPC endpoints (no internet route at all).
 */
export class AwsNetwork extends pulumi.ComponentResource {
    /** The VPC's ID. */
    public readonly vpcId: pulumi.Output<string>;
    /** Load balancer subnets, one per AZ. */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Task subnets, one per AZ. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The VPC endpoints the tasks' security group rules refer to (endpoints egress only). */
    public readonly endpoints: EndpointAccess | undefined;
    /** The private subnets' way out (NAT route, or endpoints): no task can pull its image before these exist. */
    public readonly egress: readonly pulumi.Resource[];
    /**
     * The public subnets' internet gateway, route and route table associations. An internet-facing load
     * balancer created before them fails with "InvalidSubnet: VPC ... has no internet gateway".
     */
    public readonly internetAccess: readonly pulumi.Resource[];

    constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Network", name, {}, opts);
        const net = args.network;
        if (net.kind === "existing") {
            // Nothing to create, nothing to wait for; the config parser has checked the IDs' shapes and counts,
            // and EC2 is asked for each subnet's AZ (two in one AZ fail before anything uses them).
            const subnets = checkedSubnets(args.region, net, { parent: this });
            // The VPC ID waits for the check too, so nothing is created in the VPC while a subnet is wrong.
            this.vpcId = subnets.publicSubnetIds.apply(() => net.vpcId);
            this.publicSubnetIds = subnets.publicSubnetIds;
            this.privateSubnetIds = subnets.privateSubnetIds;
            this.endpoints = undefined;
            this.egress = [];
            this.internetAccess = [];
            this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
            return;
        }
        const cidr = net.vpcCidr;
        const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
        const parent = { parent: this };

        // Cloud Map private DNS and interface endpoints' private DNS both need DNS support and hostnames.
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") },
            parent,
        );
        // Two AZs where Fargate runs, picked by AZ ID (some regions run Fargate in some AZs only).
        const azNames = fargateZoneNames(args.region, parent);
        const [publicA, publicB, privateA, privateB] = splitCidr(cidr, 4);
        const subnet = (kind: "public" | "private", i: number, cidrBlock: string) =>
            new aws.ec2.Subnet(
                `${name}-${kind}-${i + 1}`,
                { vpcId: vpc.id, cidrBlock, availabilityZone: azNames[i], mapPublicIpOnLaunch: false, tags: tags(`${kind}-${i + 1}`) },
                parent,
            );
        const publicSubnets = [subnet("public", 0, publicA), subnet("public", 1, publicB)];
        const privateSubnets = [subnet("private", 0, privateA), subnet("private", 1, privateB)];

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
        const publicRt = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, parent);
        const internetRoute = new aws.ec2.Route(
            `${name}-public-internet`,
            { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            parent,
        );
        const publicAssociations = publicSubnets.map(
            (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: s.id, routeTableId: publicRt.id }, parent),
        );
        this.internetAccess = [igw, internetRoute, ...publicAssociations];

        // One private route table for both AZs: with a single NAT gateway (or none) they route alike.
        const privateRt = new aws.ec2.RouteTable(`${name}-private`, { vpcId: vpc.id, tags: tags("private") }, parent);
        privateSubnets.forEach(
            (s, i) => new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: s.id, routeTableId: privateRt.id }, parent),
        );

        if (net.egress === "nat") {
            // One NAT gateway, not one per AZ: tasks only pull images and ship logs through it, and an
            // AZ outage then pauses new task starts in the other AZ rather than costing ~$33/month more.
            const eip = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: tags("nat") }, parent);
            const nat = new aws.ec2.NatGateway(
                `${name}-nat`,
                { allocationId: eip.allocationId, subnetId: publicSubnets[0].id, tags: tags("nat") },
                { parent: this, dependsOn: [igw] },
            );
            const route = new aws.ec2.Route(
                `${name}-private-nat`,
                { routeTableId: privateRt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                parent,
            );
            this.endpoints = undefined;
            this.egress = [route];
        } else {
            // No internet route: ECR's API and registry and CloudWatch Logs answer on interface endpoints
            // in the private subnets; image layers come from S3 through a (free) gateway endpoint.
            const sg = new aws.ec2.SecurityGroup(
                `${name}-endpoints`,
                { vpcId: vpc.id, description: "VPC interface endpoints: HTTPS from the tasks only", tags: tags("endpoints") },
                parent,
            );
            // Private DNS: the SDKs' and the ECS agent's default host names resolve to the endpoint.
            const endpoint = (service: string, groupId: pulumi.Input<string>) =>
                new aws.ec2.VpcEndpoint(
                    `${name}-${service.replace(".", "-")}`,
                    {
                        vpcId: vpc.id,
                        serviceName: `com.amazonaws.${args.region}.${service}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: privateSubnets.map((s) => s.id),
                        securityGroupIds: [groupId],
                        tags: tags(service),
                    },
                    parent,
                );
            const endpoints = INTERFACE_ENDPOINTS.map((service) => endpoint(service, sg.id));
            // Each further endpoint has a group of its own, so it admits only the tasks that call it.
            const extra = optionalEndpoints(args.taskApis).map((e) => {
                const group = new aws.ec2.SecurityGroup(
                    `${name}-${e.service}`,
                    {
                        vpcId: vpc.id,
                        description: `VPC endpoint ${e.service}: HTTPS from the ${e.clients.join(" and ")} tasks only`,
                        tags: tags(e.service),
                    },
                    parent,
                );
                return { ...e, securityGroupId: group.id, endpoint: endpoint(e.service, group.id) };
            });
            const s3 = new aws.ec2.VpcEndpoint(
                `${name}-s3`,
                {
                    vpcId: vpc.id,
                    serviceName: `com.amazonaws.${args.region}.s3`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: [privateRt.id],
                    tags: tags("s3"),
                },
                parent,
            );
            this.endpoints = {
                securityGroupId: sg.id,
                s3PrefixListId: s3.prefixListId,
                optional: extra.map((e) => ({ service: e.service, clients: e.clients, securityGroupId: e.securityGroupId })),
            };
            this.egress = [...endpoints, ...extra.map((e) => e.endpoint), s3];
        }

        this.vpcId = vpc.id;
        this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
        this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            endpoints: this.endpoints,
        });
    }
}
