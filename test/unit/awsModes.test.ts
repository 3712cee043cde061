// The aws options that change the graph: arm64 with VPC endpoints (and non-default sizes), and an
// existing VPC. One evaluation per config; one decision per test.
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { AWS, DOCKER } from "../../evaluation/resourceTypes";
import { countByType, one } from "../support/graph";

const ENDPOINTS = {
    target: "aws",
    "aws:region": "eu-west-1",
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
const NETWORK_TYPES = [
    AWS.vpc,
    AWS.subnet,
    AWS.internetGateway,
    AWS.routeTable,
    AWS.route,
    AWS.routeTableAssociation,
    AWS.eip,
    AWS.natGateway,
    AWS.vpcEndpoint,
];
/** Security group rules as "<group> in from|out to <peer> <port>", groups by name. */
function rules(ev: Evaluation): string[] {
    const sgName = new Map(ofType(ev, AWS.securityGroup).map((x) => [x.id, x.name.replace(/^webstack-(sg|network)-/, "")]));
    const prefixLists = new Map(ofType(ev, AWS.vpcEndpoint).map((e) => [e.state.prefixListId, e.name.replace("webstack-network-", "pl:")]));
    const peer = (i: DeclaredResource["inputs"]) =>
        i.referencedSecurityGroupId
            ? `sg:${sgName.get(i.referencedSecurityGroupId as string)}`
            : i.cidrIpv4
              ? `cidr:${i.cidrIpv4 as string}`
              : (prefixLists.get(i.prefixListId) ?? `?${i.prefixListId as string}`);
    return [...ofType(ev, AWS.securityGroupIngress), ...ofType(ev, AWS.securityGroupEgress)]
        .map(
            (x) =>
                `${sgName.get(x.inputs.securityGroupId as string)} ${x.type === AWS.securityGroupIngress ? "in from" : "out to"} ${peer(x.inputs)} ${x.inputs.fromPort}`,
        )
        .sort();
}

describe("arm64 + VPC endpoints", () => {
    test("no NAT gateway and no private route: the public subnets' internet route is the only way out of the VPC", () => {
        expect(ep.error).toBeUndefined();
        const counts = countByType(ep);
        expect([counts[AWS.natGateway], counts[AWS.eip]]).toEqual([undefined, undefined]);
        expect(ofType(ep, AWS.route).map((r) => r.name)).toEqual(["webstack-network-public-internet"]);
    });

    test("ECR's API and registry and CloudWatch Logs answer on interface endpoints in the private subnets, behind their own group", () => {
        const privateSubnets = [one(ep, AWS.subnet, "webstack-network-private-1").id, one(ep, AWS.subnet, "webstack-network-private-2").id];
        // Cloud Map's data plane (nginx's discovery, issue 19) has its own endpoint and group: awsCombos.test.ts.
        const interfaces = ofType(ep, AWS.vpcEndpoint).filter(
            (e) => e.inputs.vpcEndpointType === "Interface" && !String(e.inputs.serviceName).endsWith("data-servicediscovery"),
        );
        expect(interfaces.map((e) => e.inputs.serviceName).sort()).toEqual(
            ["ecr.api", "ecr.dkr", "logs"].map((s) => `com.amazonaws.eu-west-1.${s}`),
        );
        for (const e of interfaces) {
            expect(e.inputs).toMatchObject({
                privateDnsEnabled: true,
                subnetIds: privateSubnets,
                securityGroupIds: [one(ep, AWS.securityGroup, "webstack-network-endpoints").id],
            });
        }
    });

    test("image layers come from S3 through a gateway endpoint on the private route table", () => {
        expect(one(ep, AWS.vpcEndpoint, "webstack-network-s3").inputs).toMatchObject({
            serviceName: "com.amazonaws.eu-west-1.s3",
            vpcEndpointType: "Gateway",
            routeTableIds: [one(ep, AWS.routeTable, "webstack-network-private").id],
        });
    });

    test("no task starts before every endpoint exists", () => {
        const endpoints = ofType(ep, AWS.vpcEndpoint).map((e) => e.urn);
        for (const svc of ofType(ep, AWS.service)) {
            expect(svc.dependencies).toEqual(expect.arrayContaining(endpoints));
        }
    });

    test("tasks reach only the endpoints and the S3 prefix list; nothing reaches 0.0.0.0/0 but the listener", () => {
        expect(rules(ep)).toEqual([
            "app in from sg:nginx 8000",
            "app out to pl:s3 443",
            "app out to sg:endpoints 443",
            "data-servicediscovery in from sg:nginx 443",
            "endpoints in from sg:app 443",
            "endpoints in from sg:nginx 443",
            "nginx in from sg:nlb 8081",
            "nginx out to pl:s3 443",
            "nginx out to sg:app 8000",
            "nginx out to sg:data-servicediscovery 443",
            "nginx out to sg:endpoints 443",
            "nlb in from cidr:0.0.0.0/0 80",
            "nlb out to sg:nginx 8081",
        ]);
    });

    test("subnets split the configured CIDR into four, two AZs each for public and private", () => {
        expect(Object.fromEntries(ofType(ep, AWS.subnet).map((s) => [s.name, [s.inputs.cidrBlock, s.inputs.availabilityZone]]))).toEqual({
            "webstack-network-public-1": ["172.20.0.0/22", "eu-west-1a"],
            "webstack-network-public-2": ["172.20.4.0/22", "eu-west-1b"],
            "webstack-network-private-1": ["172.20.8.0/22", "eu-west-1a"],
            "webstack-network-private-2": ["172.20.12.0/22", "eu-west-1b"],
        });
    });

    test("arm64 images and ARM64 tasks, everywhere", () => {
        expect(ofType(ep, DOCKER.image).map((img) => (img.inputs.build as Record<string, unknown>).platform)).toEqual([
            "linux/arm64",
            "linux/arm64",
            "linux/arm64",
        ]);
        expect(
            new Set(ofType(ep, AWS.taskDefinition).map((t) => (t.inputs.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture)),
        ).toEqual(new Set(["ARM64"]));
    });

    test("task sizes and counts come from the service entries and the aws keys", () => {
        const size = (n: string) => [one(ep, AWS.taskDefinition, n).inputs.cpu, one(ep, AWS.taskDefinition, n).inputs.memory];
        const desired = (n: string) => one(ep, AWS.service, n).inputs.desiredCount;
        expect([size("webstack-web"), size("webstack-canary"), size("webstack-nginx")]).toEqual([
            ["512", "2048"],
            ["256", "512"],
            ["512", "1024"],
        ]);
        expect([desired("webstack-web"), desired("webstack-canary"), desired("webstack-nginx")]).toEqual([3, 1, 3]);
    });

    test("log retention, Container Insights and the listener port come from config", () => {
        expect(ofType(ep, AWS.logGroup).map((g) => g.inputs.retentionInDays)).toEqual([30, 30, 30]);
        expect(one(ep, AWS.cluster, "webstack-cluster").inputs.settings).toEqual([{ name: "containerInsights", value: "disabled" }]);
        expect(one(ep, AWS.listener, "webstack-lb").inputs.port).toBe(80);
        expect(ep.outputs!.url).toMatch(/^http:\/\/webstack-lb-[0-9a-f]+-[0-9a-f]+\.elb\.eu-west-1\.amazonaws\.com\/$/);
    });
});

describe("existing VPC", () => {
    test("declares no network: no VPC, subnet, gateway, route, NAT or endpoint", () => {
        expect(existing.error).toBeUndefined();
        const counts = countByType(existing);
        expect(NETWORK_TYPES.filter((t) => counts[t] !== undefined)).toEqual([]);
    });

    test("everything lands in the given VPC and subnets", () => {
        for (const x of [...ofType(existing, AWS.securityGroup), ...ofType(existing, AWS.targetGroup)]) {
            expect(x.inputs.vpcId).toBe(EXISTING_VPC.vpcId);
        }
        expect(one(existing, AWS.namespace, "webstack-cluster").inputs.vpc).toBe(EXISTING_VPC.vpcId);
        expect(one(existing, AWS.loadBalancer, "webstack-lb").inputs.subnets).toEqual(EXISTING_VPC.publicSubnetIds);
        for (const svc of ofType(existing, AWS.service)) {
            expect((svc.inputs.networkConfiguration as { subnets: string[] }).subnets).toEqual(EXISTING_VPC.privateSubnetIds);
        }
    });

    test("tasks reach AWS over HTTPS through whatever the VPC provides; still the only open ingress is the listener", () => {
        expect(rules(existing).filter((r) => r.includes("cidr:"))).toEqual([
            "app out to cidr:0.0.0.0/0 443",
            "nginx out to cidr:0.0.0.0/0 443",
            "nlb in from cidr:0.0.0.0/0 80",
        ]);
    });
});
