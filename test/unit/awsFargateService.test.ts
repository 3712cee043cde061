// FargateService on its own, under the mock runtime (as pulumi-awsx tests its fargateService): one
// service per exposure, then one decision per test.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Captured, captureOptions } from "../../evaluation/evaluate";
import { AWS } from "../../evaluation/resourceTypes";
import { FORMER_TYPES, FargateService, FargateServiceArgs } from "../../components/aws/fargateService";
import { ContainerSpec } from "../../components/aws/containers";

const inputs = new Map<string, Record<string, unknown>>();
const options = new Map<string, Captured>();

beforeAll(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                inputs.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
                const arn = `arn:aws:mock:::${args.type}/${args.name}`;
                return { id: `${args.name}-id`, state: { ...args.inputs, arn, name: args.inputs.name ?? args.name } };
            },
            call: (args) => args.inputs,
        },
        "webstack",
        "dev",
        false,
    );
    captureOptions(options);
});

const CONTAINER: ContainerSpec = {
    name: "web",
    essential: true,
    portMappings: [{ containerPort: 8000, hostPort: 8000, protocol: "tcp" }],
    environment: [],
    readonlyRootFilesystem: true,
    healthCheck: { command: ["CMD", "true"], interval: 5, timeout: 3, retries: 3, startPeriod: 10 },
    logConfiguration: { logDriver: "awslogs", options: {} },
    stopTimeout: 30,
};

function args(exposure: FargateServiceArgs["exposure"], startAfter: pulumi.Resource[]): FargateServiceArgs {
    return {
        serviceName: "web",
        family: "webstack-dev-web",
        container: CONTAINER,
        image: "repo@sha256:abc",
        cpu: 512,
        memoryMiB: 1024,
        platform: "linux/arm64",
        desiredCount: 3,
        rollout: { maximumPercent: 200, minimumHealthyPercent: 100 },
        desiredCountOwner: "stack",
        deployWaitMinutes: 30,
        executionRoleArn: "arn:aws:iam::123456789012:role/exec",
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        subnetIds: ["subnet-1", "subnet-2"],
        securityGroupId: "sg-tasks",
        exposure,
        startAfter,
        tags: { team: "web" },
    };
}

let viaCloudMap: FargateService;
let viaLb: FargateService;
let route: aws.ec2.Route;
let listener: aws.lb.Listener;

beforeAll(async () => {
    route = new aws.ec2.Route("egress", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" });
    listener = new aws.lb.Listener("listener", { loadBalancerArn: "arn:lb", defaultActions: [] });
    viaCloudMap = new FargateService("svc-app", args({ kind: "cloudMap", namespaceId: "ns-1", ttlSec: 5 }, [route]));
    viaLb = new FargateService(
        "svc-nginx",
        args(
            {
                kind: "loadBalancer",
                targets: [
                    { targetGroupArn: "arn:tg", containerPort: 8000 },
                    { targetGroupArn: "arn:tg-https", containerPort: 8443 },
                ],
                healthCheckGracePeriodSec: 30,
            },
            [route, listener],
        ),
    );
    // Let every registration reach the mock monitor.
    await new Promise<void>((resolve) =>
        pulumi.all([viaCloudMap.service.urn, viaLb.service.urn, viaCloudMap.discovery!.urn]).apply(() => resolve()),
    );
});

const find = (type: string, name: string) => {
    const key = `${type}::${name}`;
    expect(options.has(key)).toBe(true);
    return { ...options.get(key)!, inputs: inputs.get(key) ?? {} };
};
const urnOf = (res: pulumi.Resource) => new Promise<string>((resolve) => res.urn.apply(resolve));

describe("exposure: Cloud Map or a load balancer, never both", () => {
    test("with Cloud Map, the service registers in a discovery service of its own name and has no load balancer", () => {
        const svc = find(AWS.service, "svc-app").inputs;
        const discovery = find(AWS.discoveryService, "svc-app").inputs;
        expect(discovery.name).toBe("web");
        expect(svc.serviceRegistries).toEqual({ registryArn: `arn:aws:mock:::${AWS.discoveryService}/svc-app` });
        expect(svc.loadBalancers).toBeUndefined();
        expect(svc.healthCheckGracePeriodSeconds).toBeUndefined();
    });

    test("with Cloud Map, each task is one A record with the given TTL, dropped when ECS reports it unhealthy", () => {
        const dns = find(AWS.discoveryService, "svc-app").inputs;
        expect(dns.dnsConfig).toMatchObject({ namespaceId: "ns-1", dnsRecords: [{ type: "A", ttl: 5 }], routingPolicy: "MULTIVALUE" });
        expect(dns.healthCheckCustomConfig).toBeDefined();
    });

    test("with a load balancer, the container registers in every target group on its port, and no Cloud Map name exists", () => {
        const svc = find(AWS.service, "svc-nginx").inputs;
        expect(svc.loadBalancers).toEqual([
            { targetGroupArn: "arn:tg", containerName: CONTAINER.name, containerPort: 8000 },
            { targetGroupArn: "arn:tg-https", containerName: CONTAINER.name, containerPort: 8443 },
        ]);
        expect(svc.healthCheckGracePeriodSeconds).toBe(30);
        expect(svc.serviceRegistries).toBeUndefined();
        expect(options.has(`${AWS.discoveryService}::svc-nginx`)).toBe(false);
        expect(viaLb.discovery).toBeUndefined();
    });
});

describe("ordering is declared, not hidden in outputs", () => {
    test("the ECS service starts only after every startAfter resource (egress route, listener)", async () => {
        const [routeUrn, listenerUrn] = [await urnOf(route), await urnOf(listener)];
        expect(find(AWS.service, "svc-app").dependencies).toContain(routeUrn);
        expect(find(AWS.service, "svc-nginx").dependencies).toEqual(expect.arrayContaining([routeUrn, listenerUrn]));
    });

    test("nothing else waits on them: the task definition registers at once", async () => {
        const routeUrn = await urnOf(route);
        expect(find(AWS.taskDefinition, "svc-app").dependencies).not.toContain(routeUrn);
    });
});

describe("rollout", () => {
    test("never below the desired count, up to double during a deploy, rolled back by the circuit breaker, awaited", () => {
        expect(find(AWS.service, "svc-app").inputs).toMatchObject({
            desiredCount: 3,
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            waitForSteadyState: true,
        });
    });

    test("tasks run in the given private subnets, behind the given security group only, without a public IP", () => {
        expect(find(AWS.service, "svc-app").inputs.networkConfiguration).toEqual({
            subnets: ["subnet-1", "subnet-2"],
            securityGroups: ["sg-tasks"],
            assignPublicIp: false,
        });
    });

    test("a new image is a new task definition revision: the digest is in the container definition", () => {
        const defs = JSON.parse(find(AWS.taskDefinition, "svc-app").inputs.containerDefinitions as string) as {
            name: string;
            image: string;
        }[];
        expect(defs.map((d) => [d.name, d.image])).toEqual([["web", "repo@sha256:abc"]]);
    });

    test("the task size and architecture are the given ones", () => {
        expect(find(AWS.taskDefinition, "svc-app").inputs).toMatchObject({
            cpu: "512",
            memory: "1024",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
        });
    });
});

describe("attachable, and named so that an alias of the component moves live resources", () => {
    test("service and taskDefinition are the declared resources, for autoscaling and alarms to attach to", async () => {
        expect(await urnOf(viaCloudMap.service)).toBe(find(AWS.service, "svc-app").urn);
        expect(await urnOf(viaCloudMap.taskDefinition)).toBe(find(AWS.taskDefinition, "svc-app").urn);
    });

    test("children keep the names they had, so the parent's alias maps each to its old URN", () => {
        const parent = find("webstack:aws:FargateService", "svc-app");
        const children = [...options.entries()].filter(([, o]) => o.parent === parent.urn).map(([key, o]) => ({ ...o, key }));
        expect(children.map((c) => c.key.split("::")).sort()).toEqual(
            [
                [AWS.discoveryService, "svc-app"],
                [AWS.service, "svc-app"],
                [AWS.taskDefinition, "svc-app"],
            ].sort(),
        );
        // The engine derives a child's old URN by putting the parent's old type in the type chain: only
        // the type changes, so the child's own name must not.
        for (const child of children) {
            expect(child.urn.replace("webstack:aws:FargateService$", `${FORMER_TYPES.app}$`)).toBe(
                `urn:pulumi:dev::webstack::${FORMER_TYPES.app}$${child.key.split("::")[0]}::svc-app`,
            );
        }
    });
});
