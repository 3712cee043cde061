// webstack:aws and aws:region validation: each bad input gives exactly one message naming the key, the
// bad value and the fix, and the program declares nothing.
import * as path from "path";
import { evaluate } from "../../evaluation/evaluate";
import { AWS_DEFAULTS } from "../../lib/config/defaults";
import { FARGATE_SIZES, LOG_RETENTION_DAYS } from "../../lib/aws/facts";
import { splitCidr } from "../../lib/aws/cidr";
import { parseStackConfig } from "../../lib/config/config";
import type { AwsStackConfig } from "../../lib/config/types";
import { readStackFile } from "../../replay/stackFile";
import { problemsOf } from "../support/problems";
import { show } from "../../lib/config/validate";

const REGION = { "aws:region": "us-east-1" };
/** Parses an aws stack's config (throws if it is not one). */
const parseAws = (raw: Record<string, string>, region?: string): AwsStackConfig => {
    const c = parseStackConfig(raw, { awsRegion: region });
    if (c.target !== "aws") {
        throw new Error("expected an aws stack");
    }
    return c;
};
const aws = (settings: unknown) => ({ target: "aws", ...REGION, aws: JSON.stringify(settings) });
const svc = (extra: Record<string, unknown>) => ({ target: "aws", ...REGION, services: JSON.stringify([{ name: "a", ...extra }]) });
const vpc = (extra: Record<string, unknown>) =>
    aws({
        existingVpc: {
            vpcId: "vpc-12345678",
            publicSubnetIds: ["subnet-11111111", "subnet-22222222"],
            privateSubnetIds: ["subnet-33333333", "subnet-44444444"],
            ...extra,
        },
    });
const KEYS =
    "platform, egress, vpcCidr, existingVpc, nginxCpu, nginxMemoryMiB, nginxDesiredCount, nginxAutoscaling, logRetentionDays, containerInsights, certificateArn, domain, hostedZoneId, hostnames, exec, alarmEmail, serverErrorAlarmPercent, discoveryBaseImage";
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";

/** An ACM certificate ARN in a region. */
const ARN = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab`;

const BAD: [string, Record<string, string>, string][] = [
    [
        "no region",
        { target: "aws" },
        "aws:region: got nothing; the aws target needs a region for every resource and the awslogs driver. Fix: pulumi config set aws:region us-east-1",
    ],
    [
        "malformed region",
        { target: "aws", "aws:region": "useast1" },
        'aws:region: got "useast1"; must be an AWS region code like us-east-1 or eu-west-2. Fix: pulumi config set aws:region us-east-1',
    ],
    [
        "webstack:aws a scalar",
        { target: "aws", ...REGION, aws: "fargate" },
        `webstack:aws: got "fargate"; must be an object of AWS settings. Fix: write it as e.g. aws: {platform: linux/amd64, egress: nat}; keys: ${KEYS}`,
    ],
    [
        "webstack:aws a list",
        aws(["linux/arm64"]),
        `webstack:aws: got ["linux/arm64"]; must be an object of AWS settings. Fix: write it as e.g. aws: {platform: linux/amd64, egress: nat}; keys: ${KEYS}`,
    ],
    [
        "unknown key (typo)",
        aws({ plaform: "linux/arm64" }),
        `webstack:aws.plaform: got "linux/arm64"; unknown key (did you mean 'platform'?); known keys are ${KEYS}. Fix: rename or remove 'plaform' in Pulumi.<stack>.yaml`,
    ],
    [
        "discoveryBaseImage not an image reference",
        aws({ discoveryBaseImage: "Node 22" }),
        "webstack:aws.discoveryBaseImage: got \"Node 22\"; must be an image reference like repo/name:tag. Fix: pulumi config set --path 'webstack:aws.discoveryBaseImage' node:22-bookworm-slim",
    ],
    [
        "bad platform",
        aws({ platform: "linux/386" }),
        "webstack:aws.platform: got \"linux/386\"; must be linux/amd64 (Fargate X86_64) or linux/arm64 (Fargate ARM64, Graviton). Fix: pulumi config set --path 'webstack:aws.platform' linux/amd64",
    ],
    [
        "bad egress mode",
        aws({ egress: "igw" }),
        "webstack:aws.egress: got \"igw\"; must be nat (one NAT gateway) or endpoints (VPC endpoints for ecr.api, ecr.dkr, logs and s3; no internet route). Fix: pulumi config set --path 'webstack:aws.egress' nat",
    ],
    [
        "retention CloudWatch rejects",
        aws({ logRetentionDays: 10 }),
        `webstack:aws.logRetentionDays: got 10; must be a retention CloudWatch Logs accepts: ${RETENTIONS} days. Fix: pulumi config set --path 'webstack:aws.logRetentionDays' 14`,
    ],
    [
        "retention 0 (never expire)",
        aws({ logRetentionDays: 0 }),
        `webstack:aws.logRetentionDays: got 0; must be a retention CloudWatch Logs accepts: ${RETENTIONS} days. Fix: pulumi config set --path 'webstack:aws.logRetentionDays' 14`,
    ],
    [
        "retention as a string",
        aws({ logRetentionDays: "14" }),
        `webstack:aws.logRetentionDays: got "14"; must be a retention CloudWatch Logs accepts: ${RETENTIONS} days (a quoted "14" is text). Fix: pulumi config set --path 'webstack:aws.logRetentionDays' 14`,
    ],
    [
        "nginxDesiredCount 0",
        aws({ nginxDesiredCount: 0 }),
        "webstack:aws.nginxDesiredCount: got 0; must be an integer from 1 to 50 (nginx tasks behind the load balancer; 2 or more spreads them over both AZs). Fix: pulumi config set --path 'webstack:aws.nginxDesiredCount' 2",
    ],
    [
        "nginx memory Fargate rejects for its cpu",
        aws({ nginxCpu: 256, nginxMemoryMiB: 4096 }),
        "webstack:aws.nginxMemoryMiB: got 4096; is not a Fargate memory size for cpu 256; cpu 256 takes 512, 1024, 2048 MiB. Fix: pulumi config set --path 'webstack:aws.nginxMemoryMiB' 512",
    ],
    [
        "nginx cpu not a Fargate size",
        aws({ nginxCpu: 300 }),
        "webstack:aws.nginxCpu: got 300; is not a Fargate CPU size; must be one of 256, 512, 1024, 2048, 4096, 8192, 16384. Fix: pulumi config set --path 'webstack:aws.nginxCpu' 256",
    ],
    [
        "service memory below its cpu's range",
        svc({ cpu: 1024, memoryMiB: 1024 }),
        "webstack:services[0].memoryMiB: got 1024; is not a Fargate memory size for cpu 1024; cpu 1024 takes 2048 to 8192 in steps of 1024 MiB. Fix: pulumi config set --path 'webstack:services[0].memoryMiB' 2048",
    ],
    [
        "service memory off the 4 GiB steps of 8 vCPU",
        svc({ cpu: 8192, memoryMiB: 18432 }),
        "webstack:services[0].memoryMiB: got 18432; is not a Fargate memory size for cpu 8192; cpu 8192 takes 16384 to 61440 in steps of 4096 MiB. Fix: pulumi config set --path 'webstack:services[0].memoryMiB' 16384",
    ],
    [
        "service cpu not a Fargate size",
        svc({ cpu: 768, memoryMiB: 2048 }),
        "webstack:services[0].cpu: got 768; is not a Fargate CPU size; must be one of 256, 512, 1024, 2048, 4096, 8192, 16384. Fix: pulumi config set --path 'webstack:services[0].cpu' 256",
    ],
    [
        "more replicas than Cloud Map can hold through a deploy (501)",
        svc({ replicas: 501 }),
        "webstack:services[0].replicas: got 501; must be an integer from 0 to 500 (containers of this service; 0 keeps it declared with no traffic; at most 500 on aws: a deploy runs up to 200 % of the tasks (old and new side by side), and Cloud Map holds at most 1000 instances per service (a quota AWS does not raise)). Fix: pulumi config set --path 'webstack:services[0].replicas' 500",
    ],
    [
        "replicas past Cloud Map's instances per service (1,001)",
        svc({ replicas: 1001 }),
        "webstack:services[0].replicas: got 1001; must be an integer from 0 to 500 (containers of this service; 0 keeps it declared with no traffic; at most 500 on aws: a deploy runs up to 200 % of the tasks (old and new side by side), and Cloud Map holds at most 1000 instances per service (a quota AWS does not raise)). Fix: pulumi config set --path 'webstack:services[0].replicas' 500",
    ],
    [
        "a service named nginx",
        svc({ name: "nginx" }),
        "webstack:services[0].name: got \"nginx\"; is the name of the nginx ECS service on the aws target. Fix: pulumi config set --path 'webstack:services[0].name' application1",
    ],
    [
        "containerInsights a boolean",
        aws({ containerInsights: true }),
        "webstack:aws.containerInsights: got true; must be enabled, enhanced or disabled (ECS Container Insights). Fix: pulumi config set --path 'webstack:aws.containerInsights' enabled",
    ],
    [
        "VPC CIDR too large",
        aws({ vpcCidr: "10.0.0.0/8" }),
        "webstack:aws.vpcCidr: got \"10.0.0.0/8\"; must be an IPv4 network in CIDR form with a prefix from /16 to /24, e.g. 10.0.0.0/16 (it is split into 4 subnets). Fix: pulumi config set --path 'webstack:aws.vpcCidr' 10.0.0.0/16",
    ],
    [
        "VPC CIDR with host bits",
        aws({ vpcCidr: "10.0.0.1/16" }),
        "webstack:aws.vpcCidr: got \"10.0.0.1/16\"; has host bits set; the network of that prefix starts at 10.0.0.0. Fix: pulumi config set --path 'webstack:aws.vpcCidr' 10.0.0.0/16",
    ],
    [
        "existingVpc a scalar",
        aws({ existingVpc: "vpc-12345678" }),
        'webstack:aws.existingVpc: got "vpc-12345678"; must be an object {vpcId, publicSubnetIds, privateSubnetIds}. Fix: write it as existingVpc: {vpcId: vpc-..., publicSubnetIds: [subnet-..., subnet-...], privateSubnetIds: [subnet-..., subnet-...]}',
    ],
    [
        "malformed VPC id",
        vpc({ vpcId: "vpc-123" }),
        "webstack:aws.existingVpc.vpcId: got \"vpc-123\"; must be a VPC ID: vpc- and 8 or 17 lowercase hex digits. Fix: pulumi config set --path 'webstack:aws.existingVpc.vpcId' vpc-0123456789abcdef0",
    ],
    [
        "one public subnet",
        vpc({ publicSubnetIds: ["subnet-11111111"] }),
        'webstack:aws.existingVpc.publicSubnetIds: got ["subnet-11111111"]; must list at least 2 subnet IDs in different AZs (the load balancer\'s subnets). Fix: write it as publicSubnetIds: [subnet-..., subnet-...]',
    ],
    [
        "private subnets missing",
        vpc({ privateSubnetIds: undefined }),
        "webstack:aws.existingVpc.privateSubnetIds: got nothing; must list at least 2 subnet IDs in different AZs (the tasks' subnets). Fix: write it as privateSubnetIds: [subnet-..., subnet-...]",
    ],
    [
        "malformed subnet id",
        vpc({ publicSubnetIds: ["subnet-11111111", "subnet-xyz"] }),
        "webstack:aws.existingVpc.publicSubnetIds[1]: got \"subnet-xyz\"; must be a subnet ID: subnet- and 8 or 17 lowercase hex digits. Fix: pulumi config set --path 'webstack:aws.existingVpc.publicSubnetIds[1]' subnet-0123456789abcdef0",
    ],
    [
        "a subnet listed twice",
        vpc({ publicSubnetIds: ["subnet-11111111", "subnet-11111111"] }),
        'webstack:aws.existingVpc.publicSubnetIds[1]: got "subnet-11111111"; is listed twice. Fix: remove the duplicate from publicSubnetIds',
    ],
    [
        "public and private overlap",
        vpc({ privateSubnetIds: ["subnet-22222222", "subnet-44444444"] }),
        'webstack:aws.existingVpc.privateSubnetIds: got ["subnet-22222222"]; lists subnets that are also public; tasks must run in subnets with no internet gateway route. Fix: give the tasks private subnets of their own',
    ],
    [
        "egress with an existing VPC",
        aws({
            egress: "endpoints",
            existingVpc: {
                vpcId: "vpc-12345678",
                publicSubnetIds: ["subnet-11111111", "subnet-22222222"],
                privateSubnetIds: ["subnet-33333333", "subnet-44444444"],
            },
        }),
        "webstack:aws.egress: got \"endpoints\"; is only read when the stack creates the VPC, not with webstack:aws.existingVpc (the existing private subnets must already reach ECR and CloudWatch). Fix: remove 'egress' from webstack:aws in Pulumi.<stack>.yaml",
    ],
    [
        "autoscaling a scalar",
        svc({ autoscaling: 3 }),
        "webstack:services[0].autoscaling: got 3; must be an object {min, max, cpuPercent?, memoryPercent?}. Fix: write it as e.g. autoscaling: {min: 1, max: 10, cpuPercent: 60}",
    ],
    [
        "autoscaling max above 500",
        svc({ autoscaling: { min: 2, max: 501 } }),
        "webstack:services[0].autoscaling.max: got 501; must be an integer from 2 to 500 (most tasks autoscaling starts; a deploy runs up to 200 % of the tasks (old and new side by side), and Cloud Map holds at most 1000 instances per service (a quota AWS does not raise)). Fix: pulumi config set --path 'webstack:services[0].autoscaling.max' 500",
    ],
    [
        "autoscaling max past Cloud Map's instances per service",
        svc({ autoscaling: { min: 2, max: 1001 } }),
        "webstack:services[0].autoscaling.max: got 1001; must be an integer from 2 to 500 (most tasks autoscaling starts; a deploy runs up to 200 % of the tasks (old and new side by side), and Cloud Map holds at most 1000 instances per service (a quota AWS does not raise)). Fix: pulumi config set --path 'webstack:services[0].autoscaling.max' 500",
    ],
    [
        "autoscaling min 0",
        svc({ autoscaling: { min: 0, max: 4 } }),
        "webstack:services[0].autoscaling.min: got 0; must be an integer from 1 to 500 (fewest tasks autoscaling keeps; scaling to 0 would take the service out of the split). Fix: pulumi config set --path 'webstack:services[0].autoscaling.min' 1",
    ],
    [
        "autoscaling max below min",
        svc({ replicas: 3, autoscaling: { min: 4, max: 2 } }),
        "webstack:services[0].autoscaling.max: got 2; must be an integer from 4 to 500 (most tasks autoscaling starts; a deploy runs up to 200 % of the tasks (old and new side by side), and Cloud Map holds at most 1000 instances per service (a quota AWS does not raise)). Fix: pulumi config set --path 'webstack:services[0].autoscaling.max' 500",
    ],
    [
        "replicas outside the autoscaling range",
        svc({ replicas: 1, autoscaling: { min: 2, max: 4 } }),
        "webstack:services[0].replicas: got 1; must be within webstack:services[0].autoscaling min..max (2..4); with autoscaling it is the count the service starts with. Fix: pulumi config set --path 'webstack:services[0].replicas' 2",
    ],
    [
        "CPU target above 90%",
        svc({ autoscaling: { min: 1, max: 4, cpuPercent: 95 } }),
        "webstack:services[0].autoscaling.cpuPercent: got 95; must be an integer from 10 to 90 (target average CPU utilisation; below 10 scales on noise, above 90 leaves no headroom for a burst). Fix: pulumi config set --path 'webstack:services[0].autoscaling.cpuPercent' 60",
    ],
    [
        "memory target below 10%",
        svc({ autoscaling: { min: 1, max: 4, memoryPercent: 5 } }),
        "webstack:services[0].autoscaling.memoryPercent: got 5; must be an integer from 10 to 90 (target average memory utilisation; below 10 scales on noise, above 90 leaves no headroom for a burst). Fix: pulumi config set --path 'webstack:services[0].autoscaling.memoryPercent' 60",
    ],
    [
        "autoscaling key typo",
        svc({ autoscaling: { min: 1, max: 4, cpu: 50 } }),
        "webstack:services[0].autoscaling.cpu: got 50; unknown key; known keys are min, max, cpuPercent, memoryPercent. Fix: rename or remove 'cpu' in Pulumi.<stack>.yaml",
    ],
    [
        "autoscaling on the local target",
        { services: JSON.stringify([{ name: "a", autoscaling: { min: 1, max: 4 } }]) },
        'webstack:services[0].autoscaling: got {"min":1,"max":4}; is only read when webstack:target is aws (Application Auto Scaling of the ECS service; locally, set replicas); this stack\'s target is local. Fix: remove \'autoscaling\' from webstack:services[0] in Pulumi.<stack>.yaml, or pulumi config set webstack:target aws',
    ],
    [
        "nginx autoscaling below 2 tasks",
        aws({ nginxAutoscaling: { min: 1, max: 4 } }),
        "webstack:aws.nginxAutoscaling.min: got 1; must be an integer from 2 to 50 (fewest tasks autoscaling keeps; one nginx task per AZ). Fix: pulumi config set --path 'webstack:aws.nginxAutoscaling.min' 2",
    ],
    [
        "nginxDesiredCount outside nginx's autoscaling range",
        aws({ nginxDesiredCount: 2, nginxAutoscaling: { min: 3, max: 6 } }),
        "webstack:aws.nginxDesiredCount: got 2; must be within webstack:aws.nginxAutoscaling min..max (3..6); with autoscaling it is the count the service starts with. Fix: pulumi config set --path 'webstack:aws.nginxDesiredCount' 3",
    ],
    [
        "certificateArn not an ARN",
        aws({ certificateArn: "my-cert" }),
        `webstack:aws.certificateArn: got "my-cert"; must be the ARN of an ACM certificate: arn:aws:acm:<region>:<account>:certificate/<id> (IAM server certificates are not used). Fix: aws acm list-certificates --region us-east-1, then pulumi config set --path 'webstack:aws.certificateArn' ${ARN("us-east-1")}`,
    ],
    [
        "certificateArn of an IAM server certificate",
        aws({ certificateArn: "arn:aws:iam::123456789012:server-certificate/web" }),
        `webstack:aws.certificateArn: got "arn:aws:iam::123456789012:server-certificate/web"; must be the ARN of an ACM certificate: arn:aws:acm:<region>:<account>:certificate/<id> (IAM server certificates are not used). Fix: aws acm list-certificates --region us-east-1, then pulumi config set --path 'webstack:aws.certificateArn' ${ARN("us-east-1")}`,
    ],
    [
        "certificateArn from another region",
        aws({ certificateArn: ARN("eu-west-1") }),
        `webstack:aws.certificateArn: got ${show(ARN("eu-west-1"))}; is in eu-west-1, but the stack deploys to us-east-1; a load balancer takes ACM certificates of its own region only. Fix: import or request the certificate in us-east-1 (aws acm list-certificates --region us-east-1) and set its ARN`,
    ],
    [
        "certificateArn and domain together",
        aws({ certificateArn: ARN("us-east-1"), domain: "app.example.com", hostedZoneId: "Z0123456789ABC" }),
        `webstack:aws.domain: got "app.example.com"; and webstack:aws.certificateArn both name the load balancer's certificate (domain requests a new one). Fix: remove 'domain' and 'hostedZoneId' to use the existing certificate, or remove 'certificateArn' to have one requested for the domain`,
    ],
    [
        "domain without hostedZoneId",
        aws({ domain: "app.example.com" }),
        "webstack:aws.hostedZoneId: got nothing; domain needs the Route 53 hosted zone that serves it, for the DNS validation and alias records. Fix: pulumi config set --path 'webstack:aws.hostedZoneId' Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name <zone>)",
    ],
    [
        "hostedZoneId without domain",
        aws({ hostedZoneId: "Z0123456789ABC" }),
        "webstack:aws.domain: got nothing; hostedZoneId needs the domain the certificate and the alias record are for. Fix: pulumi config set --path 'webstack:aws.domain' app.example.com",
    ],
    [
        "a wildcard domain",
        aws({ domain: "*.example.com", hostedZoneId: "Z0123456789ABC" }),
        `webstack:aws.domain: got "*.example.com"; must be a lowercase DNS name like app.example.com (no wildcard: the alias record points one name at the load balancer). Fix: pulumi config set --path 'webstack:aws.domain' app.example.com`,
    ],
    [
        "hostedZoneId with the /hostedzone/ prefix",
        aws({ domain: "app.example.com", hostedZoneId: "/hostedzone/Z0123456789ABC" }),
        `webstack:aws.hostedZoneId: got "/hostedzone/Z0123456789ABC"; must be a Route 53 hosted zone ID: Z and up to 31 uppercase letters or digits, without /hostedzone/. Fix: pulumi config set --path 'webstack:aws.hostedZoneId' Z0123456789ABCDEFGHIJ`,
    ],
];

describe("bad aws config", () => {
    test.each(BAD)("%s: the exact message", (_label, raw, message) => {
        const { "aws:region": region, ...webstack } = raw;
        expect(problemsOf(webstack, { awsRegion: region })).toEqual([message]);
    });

    test("an aws stack with bad config declares nothing", async () => {
        const ev = await evaluate({ target: "aws", ...REGION, aws: JSON.stringify({ platform: "x86" }) });
        expect(ev.error?.name).toBe("ConfigError");
        expect(ev.resources).toHaveLength(0);
    });

    test("every problem at once, in order: region, services, then webstack:aws keys", () => {
        let problems: readonly string[] = [];
        try {
            parseStackConfig(
                {
                    target: "aws",
                    services: JSON.stringify([{ name: "a", cpu: 512, memoryMiB: 512 }]),
                    aws: JSON.stringify({ platform: "x86", nginxDesiredCount: 0, vpcCidr: "10.0.0.0" }),
                },
                {},
            );
        } catch (e) {
            problems = (e as { problems: readonly string[] }).problems;
        }
        expect(problems.map((p) => p.split(": got")[0])).toEqual([
            "aws:region",
            "webstack:services[0].memoryMiB",
            "webstack:aws.platform",
            "webstack:aws.nginxDesiredCount",
            "webstack:aws.vpcCidr",
        ]);
    });
});

describe("good aws config", () => {
    test("defaults: amd64, NAT, 10.0.0.0/16, nginx 256/512 x2, 14 days, Container Insights, no exec, 5xx alarm at 1 %, node 22 sidecar", () => {
        expect(parseAws({ target: "aws" }, "eu-central-1").aws).toEqual({
            exec: false,
            discoveryBaseImage: "node:22-bookworm-slim",
            serverErrorAlarmPercent: 1,
            region: "eu-central-1",
            platform: "linux/amd64",
            network: { kind: "create", egress: "nat", vpcCidr: "10.0.0.0/16" },
            nginxCpu: 256,
            nginxMemoryMiB: 512,
            nginxDesiredCount: 2,
            logRetentionDays: 14,
            containerInsights: "enabled",
        });
        expect(AWS_DEFAULTS.logRetentionDays).toBe(14);
    });

    test("an existing VPC with 17-digit IDs and three private subnets", () => {
        const existingVpc = {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
            privateSubnetIds: ["subnet-11111111", "subnet-22222222", "subnet-33333333"],
        };
        expect(
            parseAws({ target: "aws", aws: JSON.stringify({ existingVpc, platform: "linux/arm64" }) }, "ap-southeast-2").aws,
        ).toMatchObject({
            network: { kind: "existing", ...existingVpc },
            platform: "linux/arm64",
        });
    });

    test("certificateArn in the stack's region (any partition) is an ACM certificate at the load balancer", () => {
        const cn = "arn:aws-cn:acm:cn-north-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab";
        expect(parseAws({ target: "aws", aws: JSON.stringify({ certificateArn: cn }) }, "cn-north-1").aws.certificate).toEqual({
            kind: "arn",
            arn: cn,
        });
    });

    test("domain + hostedZoneId request a DNS-validated certificate; without either there is none", () => {
        const raw = { domain: "app.example.com", hostedZoneId: "Z0123456789ABC" };
        expect(parseAws({ target: "aws", aws: JSON.stringify(raw) }, "us-east-1").aws.certificate).toEqual({ kind: "dns", ...raw });
        expect(parseAws({ target: "aws" }, "us-east-1").aws.certificate).toBeUndefined();
    });

    test("an aws certificate and webstack:tls together are refused (nginx's certificate, or the load balancer's)", () => {
        const problems = problemsOf(
            { target: "aws", tls: JSON.stringify({ mode: "self-signed" }), aws: JSON.stringify({ certificateArn: ARN("us-east-1") }) },
            { awsRegion: "us-east-1" },
        );
        expect(problems.map((p) => p.split(": got")[0])).toEqual(["webstack:tls"]);
    });

    test("every Fargate size is accepted, and the table has the documented ranges", () => {
        const services = Object.entries(FARGATE_SIZES).flatMap(([cpu, mems]) => mems.map((memoryMiB) => ({ cpu: Number(cpu), memoryMiB })));
        expect(services).toHaveLength(3 + 4 + 7 + 13 + 23 + 12 + 12);
        for (const size of services) {
            expect(() =>
                parseStackConfig({ target: "aws", services: JSON.stringify([{ name: "a", ...size }]) }, { awsRegion: "us-east-1" }),
            ).not.toThrow();
        }
        expect(LOG_RETENTION_DAYS).toContain(3653);
    });

    test("a local stack ignores aws:region (the AWS provider's key) and allows more than 8 replicas", () => {
        const local = parseStackConfig({ services: JSON.stringify([{ name: "a", replicas: 20 }]) }, { awsRegion: "not a region" });
        expect(local.target).toBe("local");
        expect(local.services[0]).toMatchObject({ replicas: 20 });
    });

    test("aws takes 200 replicas and autoscaling up to 500 per service (no longer 8); local keeps its 50", () => {
        const c = parseAws(
            {
                target: "aws",
                services: JSON.stringify([
                    { name: "a", replicas: 200 },
                    { name: "b", replicas: 500 },
                    { name: "c", replicas: 10, autoscaling: { min: 1, max: 500 } },
                ]),
            },
            "us-east-1",
        );
        expect(c.services.map((s) => [s.replicas, s.autoscaling?.max])).toEqual([
            [200, undefined],
            [500, undefined],
            [10, 500],
        ]);
        expect(problemsOf({ services: JSON.stringify([{ name: "a", replicas: 51 }]) })).toEqual([
            "webstack:services[0].replicas: got 51; must be an integer from 0 to 50 (containers of this service; 0 keeps it declared with no traffic). Fix: pulumi config set --path 'webstack:services[0].replicas' 1",
        ]);
    });

    test("the example stack file Pulumi.aws.yaml is valid: 2 tasks per service, nginx x2, NAT, port 80", () => {
        const file = readStackFile(path.join(__dirname, "../../Pulumi.aws.yaml"));
        // As Pulumi hands config to the program: top-level scalars as text, structured values as JSON.
        const raw: Record<string, string> = {};
        for (const [key, value] of Object.entries(file)) {
            if (key.startsWith("webstack:")) {
                raw[key.slice("webstack:".length)] = typeof value === "object" ? JSON.stringify(value) : String(value);
            }
        }
        const config = parseAws(raw, file["aws:region"] as string);
        expect(config).toMatchObject({ target: "aws" });
        expect(config.services.map((s) => [s.name, s.weight, s.replicas, s.cpu, s.memoryMiB])).toEqual([
            ["application1", 3, 2, 256, 512],
            ["application2", 1, 2, 256, 512],
        ]);
        const { egress, vpcCidr, ...rest } = AWS_DEFAULTS;
        expect(config.aws).toEqual({ ...rest, network: { kind: "create", egress, vpcCidr }, region: "us-east-1" });
    });

    test("autoscaling: CPU at 60% when no target is named; named targets are kept as given", () => {
        const c = parseAws(
            {
                target: "aws",
                services: JSON.stringify([
                    { name: "a", replicas: 2, autoscaling: { min: 2, max: 8 } },
                    { name: "b", autoscaling: { min: 1, max: 4, memoryPercent: 70 } },
                ]),
                aws: JSON.stringify({ nginxAutoscaling: { min: 2, max: 10, cpuPercent: 50 } }),
            },
            "us-east-1",
        );
        expect(c.services.map((s) => s.autoscaling)).toEqual([
            { min: 2, max: 8, cpuPercent: 60 },
            { min: 1, max: 4, memoryPercent: 70 },
        ]);
        expect(c.aws.nginxAutoscaling).toEqual({ min: 2, max: 10, cpuPercent: 50 });
    });

    test("nginxAutoscaling: false (a fixed nginxDesiredCount) is kept; absent, the stack sizes it from the app tier", () => {
        const raw = (settings: unknown) => ({ target: "aws", aws: JSON.stringify(settings) });
        expect(parseAws(raw({ nginxAutoscaling: false }), "us-east-1").aws.nginxAutoscaling).toBe(false);
        expect(parseAws(raw({}), "us-east-1").aws.nginxAutoscaling).toBeUndefined();
        expect(problemsOf(raw({ nginxAutoscaling: true }), { awsRegion: "us-east-1" })).toEqual([
            "webstack:aws.nginxAutoscaling: got true; must be an object {min, max, cpuPercent?, memoryPercent?}. Fix: write it as e.g. nginxAutoscaling: {min: 2, max: 10, cpuPercent: 60}",
        ]);
    });

    test("the VPC CIDR splits into 4 equal subnets", () => {
        expect(splitCidr("10.0.0.0/16", 4)).toEqual(["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]);
        expect(splitCidr("192.168.4.0/24", 4)).toEqual(["192.168.4.0/26", "192.168.4.64/26", "192.168.4.128/26", "192.168.4.192/26"]);
    });
});
