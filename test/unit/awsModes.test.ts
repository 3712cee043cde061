// The aws options that change the graph: arm64 with VPC endpoints (and non-default sizes), and an
// existing VPC. One evaluation per config.
import { DeclaredResource, Evaluation, evaluate } from "../../e2e/evaluate";
import { countByType, one } from "../support/graph";

const ENDPOINTS = {
    target: "aws",
    "aws:region": "eu-west-1",
    httpPort: 80,
    services: [
        { name: "web", weight: 2, replicas: 3, workers: 4, cpu: 512, memoryMiB: 2048 },
        { name: "canary", weight: 1, replicas: 1, workers: 2 },
    ],
    aws: {
        platform: "linux/arm64",
        egress: "endpoints",
        vpcCidr: "172.20.0.0/20",
        nginxCpu: 512,
        nginxMemoryMiB: 1024,
        nginxDesiredCount: 3,
        logRetentionDays: 30,
        containerInsights: "disabled",
    },
};

const EXISTING_VPC = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0bbbbbbbbbbbbbbb3"],
};

let ep: Evaluation;
let existing: Evaluation;
beforeAll(async () => {
    ep = await evaluate(ENDPOINTS);
    existing = await evaluate({ target: "aws", "aws:region": "us-west-2", aws: { existingVpc: EXISTING_VPC } });
}, 60_000);

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const containers = (td: DeclaredResource) => JSON.parse(td.inputs.containerDefinitions as string) as Record<string, unknown>[];
const NETWORK_TYPES = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
];

describe("arm64 + VPC endpoints", () => {
    test("no error; the network has endpoints instead of a NAT gateway", () => {
        expect(ep.error).toBeUndefined();
        const counts = countByType(ep);
        expect(Object.fromEntries(NETWORK_TYPES.map((t) => [t, counts[t] ?? 0]))).toEqual({
            "aws:ec2/vpc:Vpc": 1,
            "aws:ec2/subnet:Subnet": 4,
            "aws:ec2/internetGateway:InternetGateway": 1,
            "aws:ec2/routeTable:RouteTable": 2,
            "aws:ec2/route:Route": 1,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 4,
            "aws:ec2/eip:Eip": 0,
            "aws:ec2/natGateway:NatGateway": 0,
            "aws:ec2/vpcEndpoint:VpcEndpoint": 4,
        });
        expect(counts["aws:ec2/securityGroup:SecurityGroup"]).toBe(4);
        expect(counts["aws:ecs/service:Service"]).toBe(3);
        expect(counts["aws:ecs/taskDefinition:TaskDefinition"]).toBe(3);
    });

    test("ecr.api, ecr.dkr and logs interface endpoints in the private subnets; an S3 gateway on the private route table", () => {
        const id = (type: string, name: string) => one(ep, type, name).id;
        const vpcId = id("aws:ec2/vpc:Vpc", "webstack-network-vpc");
        const privateSubnets = [
            id("aws:ec2/subnet:Subnet", "webstack-network-private-1"),
            id("aws:ec2/subnet:Subnet", "webstack-network-private-2"),
        ];
        const endpointSg = id("aws:ec2/securityGroup:SecurityGroup", "webstack-network-endpoints");
        const byName = (a: DeclaredResource, b: DeclaredResource) => a.name.localeCompare(b.name);
        expect(
            ofType(ep, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .sort(byName)
                .map((e) => [e.name, e.inputs]),
        ).toEqual([
            ...["ecr.api", "ecr.dkr", "logs"].map((svc) => [
                `webstack-network-${svc.replace(".", "-")}`,
                {
                    vpcId,
                    serviceName: `com.amazonaws.eu-west-1.${svc}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: privateSubnets,
                    securityGroupIds: [endpointSg],
                    tags: { "webstack.project": "webstack", "webstack.stack": "dev", Name: `webstack-network-${svc}` },
                },
            ]),
            [
                "webstack-network-s3",
                {
                    vpcId,
                    serviceName: "com.amazonaws.eu-west-1.s3",
                    vpcEndpointType: "Gateway",
                    routeTableIds: [id("aws:ec2/routeTable:RouteTable", "webstack-network-private")],
                    tags: { "webstack.project": "webstack", "webstack.stack": "dev", Name: "webstack-network-s3" },
                },
            ],
        ]);
        // The only route out of the VPC is the public subnets' internet route: private subnets have none.
        expect(ofType(ep, "aws:ec2/route:Route").map((r) => [r.name, r.inputs.destinationCidrBlock])).toEqual([
            ["webstack-network-public-internet", "0.0.0.0/0"],
        ]);
        expect(one(ep, "aws:ecs/service:Service", "webstack-web").dependencies).toEqual(
            expect.arrayContaining(ofType(ep, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.urn)),
        );
    });

    test("subnets split the configured CIDR", () => {
        expect(
            Object.fromEntries(ofType(ep, "aws:ec2/subnet:Subnet").map((s) => [s.name, [s.inputs.cidrBlock, s.inputs.availabilityZone]])),
        ).toEqual({
            "webstack-network-public-1": ["172.20.0.0/22", "eu-west-1a"],
            "webstack-network-public-2": ["172.20.4.0/22", "eu-west-1b"],
            "webstack-network-private-1": ["172.20.8.0/22", "eu-west-1a"],
            "webstack-network-private-2": ["172.20.12.0/22", "eu-west-1b"],
        });
    });

    test("security group rules, exactly: tasks reach the endpoints and the S3 prefix list, nothing reaches 0.0.0.0/0 but the listener", () => {
        const sgName = new Map(
            ofType(ep, "aws:ec2/securityGroup:SecurityGroup").map((x) => [x.id, x.name.replace(/^webstack-(sg|network)-/, "")]),
        );
        const s3 = one(ep, "aws:ec2/vpcEndpoint:VpcEndpoint", "webstack-network-s3").state.prefixListId;
        expect(s3).toMatch(/^pl-/);
        const rule = (x: DeclaredResource) => {
            const i = x.inputs;
            const peer = i.referencedSecurityGroupId
                ? `sg:${sgName.get(i.referencedSecurityGroupId as string)}`
                : i.cidrIpv4
                  ? `cidr:${i.cidrIpv4}`
                  : i.prefixListId === s3
                    ? "pl:s3"
                    : `?${i.prefixListId}`;
            return `${sgName.get(i.securityGroupId as string)} ${x.type.includes("Ingress") ? "in from" : "out to"} ${peer} ${i.ipProtocol}/${i.fromPort}`;
        };
        const rules = ep.resources
            .filter((x) => x.type.startsWith("aws:vpc/securityGroup"))
            .map(rule)
            .sort();
        expect(rules).toEqual([
            "app in from sg:nginx tcp/8000",
            "app out to pl:s3 tcp/443",
            "app out to sg:endpoints tcp/443",
            "endpoints in from sg:app tcp/443",
            "endpoints in from sg:nginx tcp/443",
            "nginx in from sg:nlb tcp/80",
            "nginx out to pl:s3 tcp/443",
            "nginx out to sg:app tcp/8000",
            "nginx out to sg:endpoints tcp/443",
            "nlb in from cidr:0.0.0.0/0 tcp/80",
            "nlb out to sg:nginx tcp/80",
        ]);
    });

    test("arm64 images and ARM64 tasks, everywhere", () => {
        for (const img of ofType(ep, "docker:index/image:Image")) {
            expect((img.inputs.build as Record<string, unknown>).platform).toBe("linux/arm64");
        }
        const tds = ofType(ep, "aws:ecs/taskDefinition:TaskDefinition");
        expect(Object.fromEntries(tds.map((t) => [t.name, t.inputs.runtimePlatform]))).toEqual(
            Object.fromEntries(
                ["webstack-web", "webstack-canary", "webstack-nginx"].map((n) => [
                    n,
                    { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
                ]),
            ),
        );
    });

    test("sizes, counts, retention and insights from config", () => {
        const td = (n: string) => one(ep, "aws:ecs/taskDefinition:TaskDefinition", n).inputs;
        expect([td("webstack-web").cpu, td("webstack-web").memory]).toEqual(["512", "2048"]);
        expect([td("webstack-canary").cpu, td("webstack-canary").memory]).toEqual(["256", "512"]);
        expect([td("webstack-nginx").cpu, td("webstack-nginx").memory]).toEqual(["512", "1024"]);
        const desired = (n: string) => one(ep, "aws:ecs/service:Service", n).inputs.desiredCount;
        expect([desired("webstack-web"), desired("webstack-canary"), desired("webstack-nginx")]).toEqual([3, 1, 3]);
        expect(ofType(ep, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.retentionInDays)).toEqual([30, 30, 30]);
        expect(one(ep, "aws:ecs/cluster:Cluster", "webstack-cluster").inputs.settings).toEqual([
            { name: "containerInsights", value: "disabled" },
        ]);
        expect(one(ep, "aws:lb/listener:Listener", "webstack-lb").inputs.port).toBe(80);
        const env = (
            containers(one(ep, "aws:ecs/taskDefinition:TaskDefinition", "webstack-nginx"))[0].environment as { value: string }[]
        )[0].value;
        expect(env).toContain(
            "server web.webstack-dev.internal:8000 weight=2 max_fails=1 fail_timeout=2s resolve;\n        server canary.webstack-dev.internal:8000 weight=1 max_fails=1 fail_timeout=2s resolve;",
        );
        expect(ep.outputs!.upstreams).toEqual({
            web: { weight: 2, replicas: 3, expectedShare: 0.8571 },
            canary: { weight: 1, replicas: 1, expectedShare: 0.1429 },
        });
        expect(ep.outputs!.url).toMatch(/^http:\/\/webstack-lb-[0-9a-f]+-[0-9a-f]+\.elb\.eu-west-1\.amazonaws\.com:80\/$/);
    });
});

describe("existing VPC", () => {
    test("declares no network: no VPC, subnet, gateway, route, NAT or endpoint", () => {
        expect(existing.error).toBeUndefined();
        const counts = countByType(existing);
        expect(NETWORK_TYPES.filter((t) => counts[t] !== undefined)).toEqual([]);
        expect(counts["webstack:aws:Network"]).toBe(1);
        expect(counts["aws:ec2/securityGroup:SecurityGroup"]).toBe(3);
        expect(counts["aws:ecs/service:Service"]).toBe(3);
        expect(existing.resources).toHaveLength(64 - 16);
    });

    test("everything lands in the given VPC and subnets", () => {
        for (const sg of ofType(existing, "aws:ec2/securityGroup:SecurityGroup")) {
            expect(sg.inputs.vpcId).toBe(EXISTING_VPC.vpcId);
        }
        expect(one(existing, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "webstack-cluster").inputs.vpc).toBe(
            EXISTING_VPC.vpcId,
        );
        expect(one(existing, "aws:lb/targetGroup:TargetGroup", "webstack-lb").inputs.vpcId).toBe(EXISTING_VPC.vpcId);
        expect(one(existing, "aws:lb/loadBalancer:LoadBalancer", "webstack-lb").inputs.subnets).toEqual(EXISTING_VPC.publicSubnetIds);
        for (const svc of ofType(existing, "aws:ecs/service:Service")) {
            expect((svc.inputs.networkConfiguration as { subnets: string[] }).subnets).toEqual(EXISTING_VPC.privateSubnetIds);
        }
    });

    test("tasks reach AWS over HTTPS through whatever the VPC provides; still the only open ingress is the listener", () => {
        const sgName = new Map(
            ofType(existing, "aws:ec2/securityGroup:SecurityGroup").map((x) => [x.id, x.name.replace("webstack-sg-", "")]),
        );
        const cidrRules = existing.resources
            .filter((x) => x.type.startsWith("aws:vpc/securityGroup") && x.inputs.cidrIpv4 !== undefined)
            .map(
                (x) =>
                    `${sgName.get(x.inputs.securityGroupId as string)} ${x.type.includes("Ingress") ? "in" : "out"} ${x.inputs.cidrIpv4} ${x.inputs.fromPort}`,
            )
            .sort();
        expect(cidrRules).toEqual(["app out 0.0.0.0/0 443", "nginx out 0.0.0.0/0 443", "nlb in 0.0.0.0/0 8080"]);
    });
});
