import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS } from "../../lib/defaults";
import type { Egress, ExistingVpc } from "../../lib/types";
import { splitCidr } from "../../lib/cidr";

export interface AwsNetworkArgs {
    /** AWS region; names the VPC endpoint services (com.amazonaws.<region>.<service>). */
    readonly region: string;
    /** CIDR of the VPC to create, split into 2 public and 2 private subnets. Default 10.0.0.0/16. */
    readonly cidr?: string;
    /** How the private subnets reach ECR, S3 and CloudWatch Logs. Default "nat". */
    readonly egress?: Egress;
    /** Use this VPC and these subnets and create nothing. Default: none (a VPC is created). */
    readonly existing?: ExistingVpc;
    /** Tags on every resource. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** Interface endpoints a Fargate task needs to pull from ECR and write to CloudWatch Logs. */
export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs"] as const;

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
    /** Task subnets, one per AZ; resolves only once their way out (NAT route or endpoints) exists. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** Security group of the interface endpoints (endpoints mode only); the tasks' rules refer to it. */
    public readonly endpointSecurityGroupId?: pulumi.Output<string>;
    /** Prefix list of the S3 gateway endpoint (endpoints mode only): where image layers come from. */
    public readonly s3PrefixListId?: pulumi.Output<string>;

    constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Network", name, {}, opts);
        if (args.existing) {
            // Nothing to create; the config parser has checked the IDs' shapes and the subnet counts.
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.publicSubnetIds = pulumi.output([...args.existing.publicSubnetIds]);
            this.privateSubnetIds = pulumi.output([...args.existing.privateSubnetIds]);
            this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
            return;
        }
        const egress = args.egress ?? AWS_DEFAULTS.egress;
        const cidr = args.cidr ?? AWS_DEFAULTS.vpcCidr;
        const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
        const parent = { parent: this };

        // Cloud Map private DNS and interface endpoints' private DNS both need DNS support and hostnames.
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") },
            parent,
        );
        // Regular zones only: Local and Wavelength Zones lack Fargate and NLB support.
        const azs = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            parent,
        );
        const [publicA, publicB, privateA, privateB] = splitCidr(cidr, 4);
        const subnet = (kind: "public" | "private", i: number, cidrBlock: string) =>
            new aws.ec2.Subnet(
                `${name}-${kind}-${i + 1}`,
                { vpcId: vpc.id, cidrBlock, availabilityZone: azs.names[i], mapPublicIpOnLaunch: false, tags: tags(`${kind}-${i + 1}`) },
                parent,
            );
        const publicSubnets = [subnet("public", 0, publicA), subnet("public", 1, publicB)];
        const privateSubnets = [subnet("private", 0, privateA), subnet("private", 1, privateB)];

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
        const publicRt = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, parent);
        new aws.ec2.Route(
            `${name}-public-internet`,
            { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            parent,
        );
        publicSubnets.forEach(
            (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: s.id, routeTableId: publicRt.id }, parent),
        );

        // One private route table for both AZs: with a single NAT gateway (or none) they route alike.
        const privateRt = new aws.ec2.RouteTable(`${name}-private`, { vpcId: vpc.id, tags: tags("private") }, parent);
        privateSubnets.forEach(
            (s, i) => new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: s.id, routeTableId: privateRt.id }, parent),
        );

        let ready: pulumi.Output<string>[];
        if (egress === "nat") {
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
            ready = [route.id];
        } else {
            // No internet route: ECR's API and registry and CloudWatch Logs answer on interface endpoints
            // in the private subnets; image layers come from S3 through a (free) gateway endpoint.
            const sg = new aws.ec2.SecurityGroup(
                `${name}-endpoints`,
                { vpcId: vpc.id, description: "VPC interface endpoints: HTTPS from the tasks only", tags: tags("endpoints") },
                parent,
            );
            const endpoints = INTERFACE_ENDPOINTS.map(
                (service) =>
                    new aws.ec2.VpcEndpoint(
                        `${name}-${service.replace(".", "-")}`,
                        {
                            vpcId: vpc.id,
                            serviceName: `com.amazonaws.${args.region}.${service}`,
                            vpcEndpointType: "Interface",
                            privateDnsEnabled: true,
                            subnetIds: privateSubnets.map((s) => s.id),
                            securityGroupIds: [sg.id],
                            tags: tags(service),
                        },
                        parent,
                    ),
            );
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
            this.endpointSecurityGroupId = sg.id;
            this.s3PrefixListId = s3.prefixListId;
            ready = [...endpoints.map((e) => e.id), s3.id];
        }

        this.vpcId = vpc.id;
        this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
        // Carries the egress resources as dependencies, so no task starts before it can pull its image.
        this.privateSubnetIds = pulumi.all([pulumi.all(privateSubnets.map((s) => s.id)), pulumi.all(ready)]).apply(([ids]) => ids);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            endpointSecurityGroupId: this.endpointSecurityGroupId,
            s3PrefixListId: this.s3PrefixListId,
        });
    }
}
