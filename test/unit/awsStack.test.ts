// The default aws stack, evaluated once under the mock runtime: every resource, with exact counts,
// the security group rules exactly, and the ECS task and service definitions field by field.
import { DeclaredResource, Evaluation, evaluate } from "../../e2e/evaluate";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config";
import { APP_HEALTHCHECK, HEALTH_TIMING, NGINX_CONF_ENV, NGINX_HEALTHCHECK } from "../../lib/runtime";
import { computeUpstreams } from "../../lib/upstreams";
import { renderNginxConfig } from "../../nginx/render";
import { countByType, one } from "../support/graph";

const A = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    rt: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    image: "docker:index/image:Image",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    cluster: "aws:ecs/cluster:Cluster",
    namespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    discovery: "aws:servicediscovery/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
} as const;

let ev: Evaluation;
let local: Evaluation;
beforeAll(async () => {
    ev = await evaluate({ target: "aws", "aws:region": "us-east-1" });
    local = await evaluate({});
}, 60_000);

const r = (type: string, name: string) => one(ev, type, name);
const containers = (td: DeclaredResource) => JSON.parse(td.inputs.containerDefinitions as string) as Record<string, unknown>[];
const TAGS = { "webstack.project": "webstack", "webstack.stack": "dev" };

describe("default aws stack: what is declared", () => {
    test("no error, and exact types and counts", () => {
        expect(ev.error).toBeUndefined();
        expect(countByType(ev)).toEqual({
            "webstack:aws:WebStack": 1,
            "webstack:aws:Network": 1,
            "webstack:aws:SecurityGroups": 1,
            "webstack:aws:Registry": 2,
            "webstack:image:BuiltImage": 2,
            "webstack:aws:LogGroups": 1,
            "webstack:aws:ExecutionRole": 1,
            "webstack:aws:Cluster": 1,
            "webstack:aws:AppService": 2,
            "webstack:aws:LoadBalancer": 1,
            "webstack:aws:Nginx": 1,
            [A.vpc]: 1,
            [A.subnet]: 4,
            [A.igw]: 1,
            [A.rt]: 2,
            [A.route]: 2,
            [A.rta]: 4,
            [A.eip]: 1,
            [A.nat]: 1,
            [A.sg]: 3,
            [A.ingress]: 3,
            [A.egress]: 4,
            [A.repo]: 2,
            [A.lifecycle]: 2,
            [A.image]: 2,
            [A.logGroup]: 3,
            [A.role]: 1,
            [A.rolePolicy]: 1,
            [A.cluster]: 1,
            [A.namespace]: 1,
            [A.discovery]: 2,
            [A.taskDef]: 3,
            [A.service]: 3,
            [A.lb]: 1,
            [A.tg]: 1,
            [A.listener]: 1,
        });
        expect(ev.resources).toHaveLength(64);
    });

    test("an aws stack declares no Docker container; a local stack declares no aws resource", () => {
        expect(ev.resources.filter((x) => x.type === "docker:index/container:Container")).toEqual([]);
        expect(local.error).toBeUndefined();
        expect(local.resources.filter((x) => x.type.startsWith("aws:") || x.type.startsWith("webstack:aws:"))).toEqual([]);
        expect(local.resources.filter((x) => x.type === "docker:index/container:Container")).toHaveLength(4);
    });

    test("every custom resource is a child of a webstack:aws component and named after it", () => {
        const byUrn = new Map(ev.resources.map((x) => [x.urn, x]));
        for (const res of ev.resources.filter((x) => x.custom)) {
            const parent = byUrn.get(res.parent);
            expect(parent?.type).toMatch(/^webstack:(aws:|image:BuiltImage$)/);
            expect(res.name.startsWith(parent!.name)).toBe(true);
        }
    });

    test("outputs: the NLB URL on the listener port, and the same upstream shares as on local", () => {
        const dns = r(A.lb, "webstack-lb").state.dnsName as string;
        expect(dns).toMatch(/\.elb\.us-east-1\.amazonaws\.com$/);
        expect(ev.outputs).toEqual({ url: `http://${dns}:8080/`, upstreams: computeUpstreams(DEFAULT_SERVICES) });
        expect(ev.outputs!.upstreams).toEqual(local.outputs!.upstreams);
    });
});

describe("network", () => {
    test("a VPC with DNS support and hostnames (Cloud Map needs both)", () => {
        expect(r(A.vpc, "webstack-network-vpc").inputs).toEqual({
            cidrBlock: "10.0.0.0/16",
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { ...TAGS, Name: "webstack-network-vpc" },
        });
    });

    test("2 public and 2 private subnets across the provider's first 2 AZs, none mapping public IPs", () => {
        const vpcId = r(A.vpc, "webstack-network-vpc").id;
        const subnets = Object.fromEntries(
            ["public-1", "public-2", "private-1", "private-2"].map((k) => {
                const s = r(A.subnet, `webstack-network-${k}`).inputs;
                expect(s.vpcId).toBe(vpcId);
                expect(s.mapPublicIpOnLaunch).toBe(false);
                return [k, [s.cidrBlock, s.availabilityZone]];
            }),
        );
        expect(subnets).toEqual({
            "public-1": ["10.0.0.0/18", "us-east-1a"],
            "public-2": ["10.0.64.0/18", "us-east-1b"],
            "private-1": ["10.0.128.0/18", "us-east-1a"],
            "private-2": ["10.0.192.0/18", "us-east-1b"],
        });
    });

    test("public subnets route to the internet gateway, private ones to one NAT gateway in public subnet 1", () => {
        const id = (type: string, name: string) => r(type, name).id;
        expect(r(A.igw, "webstack-network-igw").inputs.vpcId).toBe(id(A.vpc, "webstack-network-vpc"));
        expect(r(A.route, "webstack-network-public-internet").inputs).toEqual({
            routeTableId: id(A.rt, "webstack-network-public"),
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: id(A.igw, "webstack-network-igw"),
        });
        expect(r(A.eip, "webstack-network-nat").inputs).toMatchObject({ domain: "vpc" });
        const nat = r(A.nat, "webstack-network-nat");
        expect(nat.inputs).toMatchObject({
            allocationId: r(A.eip, "webstack-network-nat").state.allocationId,
            subnetId: id(A.subnet, "webstack-network-public-1"),
        });
        expect(nat.dependencies).toContain(r(A.igw, "webstack-network-igw").urn);
        expect(r(A.route, "webstack-network-private-nat").inputs).toEqual({
            routeTableId: id(A.rt, "webstack-network-private"),
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: nat.id,
        });
        for (const kind of ["public", "private"]) {
            for (const i of [1, 2]) {
                expect(r(A.rta, `webstack-network-${kind}-${i}`).inputs).toEqual({
                    subnetId: id(A.subnet, `webstack-network-${kind}-${i}`),
                    routeTableId: id(A.rt, `webstack-network-${kind}`),
                });
            }
        }
    });

    test("tasks start only after the NAT route exists (their subnets carry it as a dependency)", () => {
        const app = r(A.service, "webstack-application1");
        expect(app.dependencies).toContain(r(A.route, "webstack-network-private-nat").urn);
    });
});

describe("security groups refer to each other", () => {
    test("the rules, exactly", () => {
        const sgName = new Map(ev.resources.filter((x) => x.type === A.sg).map((x) => [x.id, x.name.replace("webstack-sg-", "")]));
        const rule = (x: DeclaredResource) => {
            const i = x.inputs;
            const peer = i.referencedSecurityGroupId
                ? `sg:${sgName.get(i.referencedSecurityGroupId as string)}`
                : i.cidrIpv4
                  ? `cidr:${i.cidrIpv4}`
                  : `pl:${i.prefixListId}`;
            return `${sgName.get(i.securityGroupId as string)} ${x.type === A.ingress ? "in from" : "out to"} ${peer} ${i.ipProtocol}/${i.fromPort}-${i.toPort}`;
        };
        expect(
            ev.resources
                .filter((x) => x.type === A.ingress || x.type === A.egress)
                .map(rule)
                .sort(),
        ).toEqual([
            "app in from sg:nginx tcp/8000-8000",
            "app out to cidr:0.0.0.0/0 tcp/443-443",
            "nginx in from sg:nlb tcp/80-80",
            "nginx out to cidr:0.0.0.0/0 tcp/443-443",
            "nginx out to sg:app tcp/8000-8000",
            "nlb in from cidr:0.0.0.0/0 tcp/8080-8080",
            "nlb out to sg:nginx tcp/80-80",
        ]);
    });

    test("the public listener is the only 0.0.0.0/0 ingress; no inline rules on any group", () => {
        const open = ev.resources.filter((x) => x.type === A.ingress && x.inputs.cidrIpv4 !== undefined);
        expect(open.map((x) => x.name)).toEqual(["webstack-sg-nlb-from-internet"]);
        for (const sg of ev.resources.filter((x) => x.type === A.sg)) {
            expect(sg.inputs.ingress).toBeUndefined();
            expect(sg.inputs.egress).toBeUndefined();
            expect(sg.inputs.vpcId).toBe(r(A.vpc, "webstack-network-vpc").id);
        }
    });
});

describe("images and registries", () => {
    test.each(["app", "nginx"])("%s: an ECR repository scanning on push, expiring untagged images", (img) => {
        expect(r(A.repo, `webstack-${img}`).inputs).toEqual({
            name: `webstack-dev/${img}`,
            imageTagMutability: "MUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            forceDelete: true,
            tags: TAGS,
        });
        const policy = r(A.lifecycle, `webstack-${img}`);
        expect(policy.inputs.repository).toBe(`webstack-dev/${img}`);
        expect(JSON.parse(policy.inputs.policy as string)).toEqual({
            rules: [
                {
                    rulePriority: 1,
                    description: "expire untagged images (superseded builds) beyond the most recent",
                    selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 10 },
                    action: { type: "expire" },
                },
            ],
        });
    });

    test.each([
        ["app", "python:3.13-slim"],
        ["nginx", "nginx:1.28"],
    ])("%s: the same Dockerfile built for linux/amd64 and pushed with the ECR login", (img, base) => {
        const image = r(A.image, `webstack-${img}-image`);
        const url = r(A.repo, `webstack-${img}`).state.repositoryUrl as string;
        expect(image.inputs.build).toEqual({
            context: img,
            dockerfile: `${img}/Dockerfile`,
            args: { BASE_IMAGE: base, WEBSTACK_SOURCE_DIGEST: expect.stringMatching(/^[0-9a-f]{64}$/) },
            platform: "linux/amd64",
        });
        expect(image.inputs.imageName).toBe(`${url}:dev`);
        expect(image.inputs.skipPush).toBe(false);
        const registry = image.inputs.registry as { value: Record<string, string> };
        expect(registry.value).toEqual({ server: url, username: "AWS", password: expect.stringMatching(/^mock-ecr-password-/) });
        // The password is a secret in the inputs Pulumi stores.
        expect(Object.keys(registry)).toContain("4dabf18193072939515e22adb298388d");
        expect(image.state.repoDigest).toMatch(new RegExp(`^${url.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
    });
});

describe("logs, IAM, cluster", () => {
    test("a log group per ECS service, 14 days retention", () => {
        expect(
            ev.resources
                .filter((x) => x.type === A.logGroup)
                .map((x) => [x.name, x.inputs.name, x.inputs.retentionInDays])
                .sort(),
        ).toEqual([
            ["webstack-logs-application1", "/ecs/webstack-dev/application1", 14],
            ["webstack-logs-application2", "/ecs/webstack-dev/application2", 14],
            ["webstack-logs-nginx", "/ecs/webstack-dev/nginx", 14],
        ]);
    });

    test("the execution role may pull our two repositories and write our three log groups, nothing more", () => {
        const role = r(A.role, "webstack-execution");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        expect(role.inputs.managedPolicyArns).toBeUndefined();
        const policy = r(A.rolePolicy, "webstack-execution");
        expect(policy.inputs.role).toBe(role.state.name);
        const arn = (type: string, name: string) => r(type, name).state.arn as string;
        expect(JSON.parse(policy.inputs.policy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "PullImages",
                    Effect: "Allow",
                    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    Resource: [arn(A.repo, "webstack-app"), arn(A.repo, "webstack-nginx")],
                },
                { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                {
                    Sid: "WriteLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: ["application1", "application2", "nginx"].map((s) => `${arn(A.logGroup, `webstack-logs-${s}`)}:*`),
                },
            ],
        });
        expect(arn(A.logGroup, "webstack-logs-nginx")).toBe("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/webstack-dev/nginx");
    });

    test("a cluster with Container Insights, and a private DNS namespace in the VPC", () => {
        expect(r(A.cluster, "webstack-cluster").inputs).toEqual({
            name: "webstack-dev",
            settings: [{ name: "containerInsights", value: "enabled" }],
            tags: TAGS,
        });
        expect(r(A.namespace, "webstack-cluster").inputs).toEqual({
            name: "webstack-dev.internal",
            vpc: r(A.vpc, "webstack-network-vpc").id,
            description: "webstack app services, resolved by nginx",
            tags: TAGS,
        });
    });
});

const healthCheck = (command: readonly string[]) => ({
    command: [...command],
    interval: HEALTH_TIMING.intervalSec,
    timeout: HEALTH_TIMING.timeoutSec,
    retries: HEALTH_TIMING.retries,
    startPeriod: HEALTH_TIMING.startPeriodSec,
});
const awslogs = (group: string, prefix: string) => ({
    logDriver: "awslogs",
    options: {
        "awslogs-group": group,
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": prefix,
        mode: "non-blocking",
        "max-buffer-size": "4m",
    },
});

describe.each(DEFAULT_SERVICES.map((s) => [s.name, s] as const))("app service %s", (name, spec) => {
    test("a Cloud Map name: A records, MULTIVALUE, 10 s TTL, ECS-reported health", () => {
        expect(r(A.discovery, `webstack-${name}`).inputs).toEqual({
            name,
            description: `app service ${name}: one A record per task`,
            dnsConfig: {
                namespaceId: r(A.namespace, "webstack-cluster").id,
                dnsRecords: [{ type: "A", ttl: 10 }],
                routingPolicy: "MULTIVALUE",
            },
            healthCheckCustomConfig: { failureThreshold: 1 },
            forceDestroy: true,
            tags: TAGS,
        });
    });

    test("a Fargate task definition: the app image by digest, non-root, read-only root, Gunicorn env, python health check", () => {
        const td = r(A.taskDef, `webstack-${name}`);
        expect(td.inputs).toMatchObject({
            family: `webstack-dev-${name}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: r(A.role, "webstack-execution").state.arn,
        });
        expect(td.inputs.taskRoleArn).toBeUndefined();
        expect(containers(td)).toEqual([
            {
                name: "app",
                image: r(A.image, "webstack-app-image").state.repoDigest,
                essential: true,
                portMappings: [{ containerPort: 8000, hostPort: 8000, protocol: "tcp" }],
                environment: [
                    { name: "GUNICORN_GRACEFUL_TIMEOUT_SEC", value: "20" },
                    { name: "GUNICORN_KEEPALIVE_SEC", value: String(DEFAULT_NGINX.upstreamKeepaliveTimeoutSec + 15) },
                    { name: "GUNICORN_THREADS", value: String(spec.threads) },
                    { name: "GUNICORN_WORKERS", value: String(spec.workers) },
                    { name: "WEBSTACK_APP_PORT", value: "8000" },
                    { name: "WEBSTACK_LAME_DUCK_SEC", value: "0" },
                    { name: "WEBSTACK_SERVICE", value: name },
                ],
                user: "10001:10001",
                readonlyRootFilesystem: true,
                linuxParameters: {
                    capabilities: { drop: ["ALL"] },
                },
                healthCheck: healthCheck(APP_HEALTHCHECK),
                logConfiguration: awslogs(`/ecs/webstack-dev/${name}`, name),
                stopTimeout: 30,
            },
        ]);
        // No curl in the python slim image: the health check is python's urllib.
        expect(JSON.stringify(containers(td))).not.toContain("curl");
    });

    test("a Fargate service: replicas tasks, private, rolling with circuit breaker, registered in Cloud Map", () => {
        const svc = r(A.service, `webstack-${name}`);
        expect(svc.inputs).toEqual({
            name,
            cluster: r(A.cluster, "webstack-cluster").state.arn,
            taskDefinition: r(A.taskDef, `webstack-${name}`).state.arn,
            desiredCount: spec.replicas,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            networkConfiguration: {
                subnets: [r(A.subnet, "webstack-network-private-1").id, r(A.subnet, "webstack-network-private-2").id],
                securityGroups: [r(A.sg, "webstack-sg-app").id],
                assignPublicIp: false,
            },
            serviceRegistries: { registryArn: r(A.discovery, `webstack-${name}`).state.arn },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            waitForSteadyState: true,
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            tags: TAGS,
        });
    });
});

describe("nginx behind a Network Load Balancer", () => {
    test("the NLB: internet-facing, public subnets, its own security group", () => {
        expect(r(A.lb, "webstack-lb").inputs).toEqual({
            loadBalancerType: "network",
            internal: false,
            subnets: [r(A.subnet, "webstack-network-public-1").id, r(A.subnet, "webstack-network-public-2").id],
            securityGroups: [r(A.sg, "webstack-sg-nlb").id],
            enableCrossZoneLoadBalancing: true,
            tags: TAGS,
        });
    });

    test("a TCP listener on httpPort forwarding to an ip target group health-checked over HTTP", () => {
        const tg = r(A.tg, "webstack-lb");
        expect(tg.inputs).toEqual({
            vpcId: r(A.vpc, "webstack-network-vpc").id,
            targetType: "ip",
            protocol: "TCP",
            port: 80,
            preserveClientIp: "false",
            deregistrationDelay: 30,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                path: "/nginx-healthz",
                port: "traffic-port",
                matcher: "200",
                interval: 10,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
            },
            tags: TAGS,
        });
        expect(r(A.listener, "webstack-lb").inputs).toEqual({
            loadBalancerArn: r(A.lb, "webstack-lb").state.arn,
            port: 8080,
            protocol: "TCP",
            defaultActions: [{ type: "forward", targetGroupArn: tg.state.arn }],
            tags: TAGS,
        });
    });

    test("the nginx task definition: the rendered config with Cloud Map names, in the env var, resolver from resolv.conf", () => {
        const td = r(A.taskDef, "webstack-nginx");
        expect(td.inputs).toMatchObject({
            family: "webstack-dev-nginx",
            cpu: "256",
            memory: "512",
            networkMode: "awsvpc",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        });
        const config = renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, domainSuffix: ".webstack-dev.internal" });
        expect(containers(td)).toEqual([
            {
                name: "nginx",
                image: r(A.image, "webstack-nginx-image").state.repoDigest,
                essential: true,
                portMappings: [{ containerPort: 80, hostPort: 80, protocol: "tcp" }],
                environment: [
                    { name: NGINX_CONF_ENV, value: config },
                    { name: "WEBSTACK_NGINX_HEALTH_PATH", value: "/nginx-healthz" },
                    { name: "WEBSTACK_NGINX_PORT", value: "80" },
                ],
                readonlyRootFilesystem: false,
                healthCheck: healthCheck(NGINX_HEALTHCHECK),
                logConfiguration: awslogs("/ecs/webstack-dev/nginx", "nginx"),
                stopTimeout: 15,
            },
        ]);
        expect(config).toContain(
            "        server application1.webstack-dev.internal:8000 weight=3 max_fails=1 fail_timeout=2s resolve;\n        server application2.webstack-dev.internal:8000 weight=1 max_fails=1 fail_timeout=2s resolve;\n",
        );
        // The entrypoint fills in the VPC resolver from /etc/resolv.conf; no address is baked in.
        expect(config).toContain("    resolver ${NGINX_LOCAL_RESOLVERS} valid=5s ipv6=off;\n");
        expect(config).toContain("log_format upstreamlog '[$time_local] $host to: $upstream_addr: $request $status';");
    });

    test("the nginx service: 2 tasks in the private subnets, registered in the target group once the listener exists", () => {
        const svc = r(A.service, "webstack-nginx");
        expect(svc.inputs).toEqual({
            name: "nginx",
            cluster: r(A.cluster, "webstack-cluster").state.arn,
            taskDefinition: r(A.taskDef, "webstack-nginx").state.arn,
            desiredCount: 2,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            networkConfiguration: {
                subnets: [r(A.subnet, "webstack-network-private-1").id, r(A.subnet, "webstack-network-private-2").id],
                securityGroups: [r(A.sg, "webstack-sg-nginx").id],
                assignPublicIp: false,
            },
            loadBalancers: [{ targetGroupArn: r(A.tg, "webstack-lb").state.arn, containerName: "nginx", containerPort: 80 }],
            healthCheckGracePeriodSeconds: 30,
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            waitForSteadyState: true,
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            tags: TAGS,
        });
        expect(svc.dependencies).toContain(r(A.listener, "webstack-lb").urn);
        // Its task definition waits for the execution role's policy, so no task starts unable to pull.
        expect(r(A.taskDef, "webstack-nginx").dependencies).toContain(r(A.rolePolicy, "webstack-execution").urn);
    });
});
