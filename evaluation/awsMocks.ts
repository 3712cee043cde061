// Mock outputs and invoke results for aws:* resources. Like the real provider's, every computed output
// (ARN, URL, DNS name, ...) is a deterministic function of what the provider would derive it from:
// usually the resource's own inputs, and for long-lived resources (ECS service, Cloud Map service) only
// their identity, so scaling one service never changes an ARN that another resource references.
import * as pulumi from "@pulumi/pulumi";
import { State, digest } from "./hash";

/** The account every mocked ARN belongs to. */
export const MOCK_ACCOUNT = "123456789012";

/** Region of the stack being evaluated (aws:region), as the provider would read it. */
export function mockRegion(): string {
    return new pulumi.Config("aws").get("region") ?? "us-east-1";
}

const h = (value: unknown, length = 8) => digest(value, length);

const arn = (service: string, resource: string, region = mockRegion()) => `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
// The provider autonames resources without an explicit name: logical name plus a random suffix.
const nameOf = (name: string, i: State, suffix = 7) => (typeof i.name === "string" ? i.name : `${name}-${h(name, suffix)}`);

type Outputs = (name: string, inputs: State) => State;

export const AWS_RESOURCE_OUTPUTS: Record<string, Outputs> = {
    "aws:ec2/vpc:Vpc": (n, i) => ({
        arn: arn("ec2", `vpc/vpc-${h({ n, i }, 17)}`),
        ownerId: MOCK_ACCOUNT,
        mainRouteTableId: `rtb-${h(n, 17)}`,
    }),
    "aws:ec2/subnet:Subnet": (n, i) => ({ arn: arn("ec2", `subnet/subnet-${h({ n, i }, 17)}`), ownerId: MOCK_ACCOUNT }),
    "aws:ec2/internetGateway:InternetGateway": (n) => ({ arn: arn("ec2", `internet-gateway/igw-${h(n, 17)}`) }),
    "aws:ec2/eip:Eip": (n) => ({ allocationId: `eipalloc-${h(n, 17)}`, publicIp: `203.0.113.${(parseInt(h(n, 2), 16) % 254) + 1}` }),
    "aws:ec2/routeTable:RouteTable": (n) => ({ arn: arn("ec2", `route-table/rtb-${h(n, 17)}`) }),
    "aws:ec2/securityGroup:SecurityGroup": (n, i) => ({
        arn: arn("ec2", `security-group/sg-${h({ n, i }, 17)}`),
        name: nameOf(n, i),
        ownerId: MOCK_ACCOUNT,
    }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (n, i) => ({
        arn: arn("ec2", `security-group-rule/sgr-${h({ n, i }, 17)}`),
        securityGroupRuleId: `sgr-${h({ n, i }, 17)}`,
    }),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (n, i) => ({
        arn: arn("ec2", `security-group-rule/sgr-${h({ n, i }, 17)}`),
        securityGroupRuleId: `sgr-${h({ n, i }, 17)}`,
    }),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (n, i) => ({
        arn: arn("ec2", `vpc-endpoint/vpce-${h({ n, i }, 17)}`),
        // Only a gateway endpoint has a prefix list: the service's public ranges, for routes and SG rules.
        ...(i.vpcEndpointType === "Gateway" ? { prefixListId: `pl-${h(i.serviceName, 8)}` } : {}),
    }),
    "aws:ecr/repository:Repository": (n, i) => {
        const name = nameOf(n, i);
        return {
            arn: arn("ecr", `repository/${name}`),
            name,
            registryId: MOCK_ACCOUNT,
            repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${mockRegion()}.amazonaws.com/${name}`,
        };
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": () => ({ registryId: MOCK_ACCOUNT }),
    "aws:cloudwatch/logGroup:LogGroup": (n, i) => ({ arn: arn("logs", `log-group:${nameOf(n, i)}`), name: nameOf(n, i) }),
    "aws:iam/role:Role": (n, i) => ({
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${nameOf(n, i)}`,
        name: nameOf(n, i),
        uniqueId: `AROA${h(n, 17).toUpperCase()}`,
    }),
    "aws:iam/rolePolicy:RolePolicy": (n, i) => ({ name: nameOf(n, i) }),
    "aws:ecs/cluster:Cluster": (n, i) => ({ arn: arn("ecs", `cluster/${nameOf(n, i)}`), name: nameOf(n, i) }),
    // A new registration is a new revision: the revision stands for the exact inputs registered.
    "aws:ecs/taskDefinition:TaskDefinition": (_n, i) => {
        const revision = parseInt(h(i, 6), 16);
        return {
            arn: arn("ecs", `task-definition/${String(i.family)}:${revision}`),
            arnWithoutRevision: arn("ecs", `task-definition/${String(i.family)}`),
            revision,
        };
    },
    // Identity only (cluster + name): desiredCount or taskDefinition changes update the same service.
    "aws:ecs/service:Service": (n, i) => ({ name: nameOf(n, i), arn: arn("ecs", `service/${h(i.cluster, 6)}/${nameOf(n, i)}`) }),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (n, i) => ({
        arn: arn("servicediscovery", `namespace/ns-${h({ n, name: i.name, vpc: i.vpc }, 16)}`),
        hostedZone: `Z${h({ n, vpc: i.vpc }, 20).toUpperCase()}`,
    }),
    "aws:servicediscovery/service:Service": (n, i) => ({ arn: arn("servicediscovery", `service/srv-${h({ n, name: i.name }, 16)}`) }),
    "aws:lb/loadBalancer:LoadBalancer": (n, i) => {
        const name = nameOf(n, i, 7);
        const id = h({ n, subnets: i.subnets }, 16);
        return {
            arn: arn("elasticloadbalancing", `loadbalancer/net/${name}/${id}`),
            arnSuffix: `net/${name}/${id}`,
            name,
            dnsName: `${name}-${id}.elb.${mockRegion()}.amazonaws.com`,
            zoneId: "Z26RNL4JYFTOTI",
        };
    },
    "aws:lb/targetGroup:TargetGroup": (n, i) => {
        const name = nameOf(n, i, 7);
        return {
            arn: arn("elasticloadbalancing", `targetgroup/${name}/${h({ n, i }, 16)}`),
            arnSuffix: `targetgroup/${name}/${h({ n, i }, 16)}`,
            name,
        };
    },
    "aws:sns/topic:Topic": (n, i) => ({ arn: arn("sns", nameOf(n, i)), name: nameOf(n, i) }),
    "aws:sns/topicSubscription:TopicSubscription": (n, i) => ({ arn: `${String(i.topic)}:${h({ n, i }, 8)}-${h(n, 4)}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (n, i) => ({ arn: arn("cloudwatch", `alarm:${nameOf(n, i)}`), name: nameOf(n, i) }),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (n, i) => ({ name: nameOf(n, i) }),
    "aws:cloudwatch/dashboard:Dashboard": (_n, i) => ({
        dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT}:dashboard/${String(i.dashboardName)}`,
    }),
    "aws:lb/listener:Listener": (n, i) => ({
        arn: arn("elasticloadbalancing", `listener/net/${h({ n, lb: i.loadBalancerArn }, 16)}/${h({ n, i }, 16)}`),
    }),
    // ACM names one CNAME per domain: the same for every certificate of the account (a digest of the domain).
    "aws:acm/certificate:Certificate": (n, i) => {
        const domain = String(i.domainName);
        const id = h({ n, i }, 32);
        return {
            arn: arn("acm", `certificate/${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`),
            domainValidationOptions:
                i.validationMethod === "DNS"
                    ? [
                          {
                              domainName: domain,
                              resourceRecordName: `_${h({ domain }, 32)}.${domain}.`,
                              resourceRecordType: "CNAME",
                              resourceRecordValue: `_${h({ domain, v: 1 }, 32)}.acm-validations.aws.`,
                          },
                      ]
                    : [],
            status: "PENDING_VALIDATION",
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": (_n, i) => ({ certificateArn: i.certificateArn }),
    "aws:route53/record:Record": (_n, i) => ({ fqdn: String(i.name).replace(/\.$/, "") }),
    // Secrets Manager appends 6 random characters to a secret's name in its ARN.
    "aws:secretsmanager/secret:Secret": (n, i) => {
        const name = nameOf(n, i);
        return { arn: arn("secretsmanager", `secret:${name}-${h(n, 6)}`), name };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (n) => ({ versionId: h({ n }, 32) }),
};

export const AWS_INVOKE_RESULTS: Record<string, (inputs: State) => State> = {
    // Three zones, as most regions have; the program takes the first two.
    "aws:index/getAvailabilityZones:getAvailabilityZones": (i) => {
        const region = mockRegion();
        return {
            ...i,
            id: region,
            region,
            names: ["a", "b", "c"].map((z) => `${region}${z}`),
            zoneIds: [1, 2, 3].map((z) => `use1-az${z}`),
            groupNames: [region],
        };
    },
    // A subnet's AZ follows its ID's last hex digit (mod 3: a, b, c, as getAvailabilityZones lists them),
    // so a test chooses subnets in one AZ by their IDs.
    "aws:ec2/getSubnet:getSubnet": (i) => {
        const z = parseInt(String(i.id).slice(-1), 16) % 3;
        return { ...i, availabilityZone: `${mockRegion()}${"abc"[z]}`, availabilityZoneId: `use1-az${z + 1}` };
    },
    // ECR's docker login: user AWS, a short-lived password for the registry of `registryId`.
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (i) => {
        const registry = String(i.registryId ?? MOCK_ACCOUNT);
        const password = `mock-ecr-password-${h(registry, 16)}`;
        return {
            id: mockRegion(),
            region: mockRegion(),
            registryId: registry,
            userName: "AWS",
            password,
            authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
            proxyEndpoint: `https://${registry}.dkr.ecr.${mockRegion()}.amazonaws.com`,
            expiresAt: "2030-01-01T00:00:00Z",
        };
    },
};
