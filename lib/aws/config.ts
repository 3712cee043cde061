// AWS-specific stack config: `webstack:aws` (an object) plus `aws:region`. Parsed only when
// webstack:target is aws, with the same rules as lib/config/config.ts: every problem names the key, the bad
// value and the fix, and nothing is declared while any problem remains.
import { parseAwsCertificate, parseAwsHostnames } from "./certificate";
import { parseAutoscaling } from "./autoscaling";
import { cidrProblem } from "./cidr";
import { AUTOSCALING_LIMITS, AWS_DEFAULTS } from "../config/defaults";
import { FARGATE_SIZES, LOG_RETENTION_DAYS } from "./facts";
import type { AwsConfig, AwsNetworkConfig, ContainerInsights, Egress, ExistingVpc, Platform } from "../config/types";
import {
    IMAGE_REF,
    Problems,
    bool,
    intIn,
    isRecord,
    jsonOrText,
    meant,
    oneOf,
    quotedNote,
    setCommand,
    unknownKeys,
} from "../config/validate";

/** Keys of webstack:aws. */
export const AWS_KEYS = [
    "platform",
    "egress",
    "vpcCidr",
    "existingVpc",
    "nginxCpu",
    "nginxMemoryMiB",
    "nginxDesiredCount",
    "nginxAutoscaling",
    "logRetentionDays",
    "containerInsights",
    "certificateArn",
    "domain",
    "hostedZoneId",
    "hostnames",
    "exec",
    "alarmEmail",
    "serverErrorAlarmPercent",
    "discoveryBaseImage",
] as const;
const EXISTING_VPC_KEYS = ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The memory values of one Fargate CPU size, written short: "512, 1024, 2048" or "4096 to 16384 in steps of 1024". */
function describeMemory(cpu: number): string {
    const m = FARGATE_SIZES[cpu];
    return m.length <= 4 ? m.join(", ") : `${m[0]} to ${m[m.length - 1]} in steps of ${m[1] - m[0]}`;
}

/** Adds a problem when (cpu, memory) is not a Fargate task size; blames cpu if it is no Fargate CPU at all. */
export function checkFargateSize(p: Problems, cpuKey: string, cpu: number, memoryKey: string, memory: number): void {
    const cpus = Object.keys(FARGATE_SIZES).map(Number);
    if (!cpus.includes(cpu)) {
        p.add(cpuKey, cpu, `is not a Fargate CPU size; must be one of ${cpus.join(", ")}`, setCommand(cpuKey, 256));
    } else if (!FARGATE_SIZES[cpu].includes(memory)) {
        p.add(
            memoryKey,
            memory,
            `is not a Fargate memory size for cpu ${cpu}; cpu ${cpu} takes ${describeMemory(cpu)} MiB`,
            setCommand(memoryKey, FARGATE_SIZES[cpu][0]),
        );
    }
}

/** Validates aws:region; adds a problem when it is missing or malformed. */
export function checkRegion(p: Problems, region: string | undefined): void {
    if (region === undefined || region === "") {
        p.add(
            "aws:region",
            region,
            "the aws target needs a region for every resource and the awslogs driver",
            "pulumi config set aws:region us-east-1",
        );
    } else if (!REGION.test(region)) {
        p.add("aws:region", region, "must be an AWS region code like us-east-1 or eu-west-2", "pulumi config set aws:region us-east-1");
    }
}

/**
 * Validates webstack:aws (raw JSON text, or undefined for all defaults); `region` is aws:region, already
 * checked by checkRegion. Adds problems and returns undefined when anything is wrong.
 */
export function parseAwsConfig(p: Problems, raw: string | undefined, region: string | undefined): AwsConfig | undefined {
    const before = p.count;
    const obj = raw === undefined ? {} : jsonOrText(raw);
    if (!isRecord(obj)) {
        p.add(
            "webstack:aws",
            obj,
            "must be an object of AWS settings",
            `write it as e.g. aws: {platform: linux/amd64, egress: nat}; keys: ${AWS_KEYS.join(", ")}`,
        );
        return undefined;
    }
    unknownKeys(p, "webstack:aws", obj, AWS_KEYS);
    const k = (name: string) => `webstack:aws.${name}`;
    const d = AWS_DEFAULTS;

    const platform = oneOf<Platform>(
        p,
        k("platform"),
        obj.platform ?? d.platform,
        ["linux/amd64", "linux/arm64"],
        "must be linux/amd64 (Fargate X86_64) or linux/arm64 (Fargate ARM64, Graviton)",
        d.platform,
    );
    const insights = oneOf<ContainerInsights>(
        p,
        k("containerInsights"),
        obj.containerInsights ?? d.containerInsights,
        ["enabled", "enhanced", "disabled"],
        "must be enabled, enhanced or disabled (ECS Container Insights)",
        d.containerInsights,
    );
    const retention = obj.logRetentionDays ?? d.logRetentionDays;
    if (typeof retention !== "number" || !(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
        const m = meant(retention);
        p.add(
            k("logRetentionDays"),
            retention,
            `must be a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} days${quotedNote(retention)}`,
            setCommand(
                k("logRetentionDays"),
                typeof m === "number" && (LOG_RETENTION_DAYS as readonly number[]).includes(m) ? m : d.logRetentionDays,
            ),
        );
    }
    const nginxCpu = intIn(p, k("nginxCpu"), obj.nginxCpu ?? d.nginxCpu, 256, 16384, "Fargate CPU units of each nginx task", d.nginxCpu);
    const nginxMemoryMiB = intIn(
        p,
        k("nginxMemoryMiB"),
        obj.nginxMemoryMiB ?? d.nginxMemoryMiB,
        512,
        122880,
        "Fargate memory in MiB of each nginx task",
        d.nginxMemoryMiB,
    );
    if (nginxCpu !== undefined && nginxMemoryMiB !== undefined) {
        checkFargateSize(p, k("nginxCpu"), nginxCpu, k("nginxMemoryMiB"), nginxMemoryMiB);
    }
    const nginxDesiredCount = intIn(
        p,
        k("nginxDesiredCount"),
        obj.nginxDesiredCount ?? d.nginxDesiredCount,
        1,
        50,
        "nginx tasks behind the load balancer; 2 or more spreads them over both AZs",
        d.nginxDesiredCount,
    );

    // false: a fixed nginxDesiredCount; absent: sized from the app tier (lib/aws/autoscaling.ts nginxAutoscalingFor).
    const nginxAutoscaling =
        obj.nginxAutoscaling === false
            ? false
            : parseAutoscaling(p, k("nginxAutoscaling"), obj.nginxAutoscaling, {
                  // Two, so each AZ keeps an nginx task whatever autoscaling decides.
                  lowest: AUTOSCALING_LIMITS.nginxMinTasks,
                  lowestReason: "one nginx task per AZ",
                  highest: AUTOSCALING_LIMITS.nginxMaxTasks,
                  highestReason: "nginx sits behind the load balancer, not Cloud Map",
                  start: { key: k("nginxDesiredCount"), value: nginxDesiredCount },
              });

    // nginx's discovery sidecar is built FROM this (discovery/Dockerfile); air-gapped machines pass their own node image.
    const discoveryBaseImage = obj.discoveryBaseImage ?? d.discoveryBaseImage;
    if (typeof discoveryBaseImage !== "string" || !IMAGE_REF.test(discoveryBaseImage)) {
        p.add(
            k("discoveryBaseImage"),
            discoveryBaseImage,
            "must be an image reference like repo/name:tag",
            setCommand(k("discoveryBaseImage"), d.discoveryBaseImage),
        );
    }

    const network = parseNetwork(p, obj);
    const certificate = parseAwsCertificate(p, obj, region);
    const hostnames = parseAwsHostnames(p, obj.hostnames);
    const ops = parseOperations(p, obj);

    if (p.count !== before) {
        return undefined;
    }
    return {
        region: region!,
        platform: platform!,
        network: network!,
        nginxCpu: nginxCpu!,
        nginxMemoryMiB: nginxMemoryMiB!,
        nginxDesiredCount: nginxDesiredCount!,
        ...(nginxAutoscaling !== undefined ? { nginxAutoscaling } : {}),
        logRetentionDays: retention as number,
        containerInsights: insights!,
        discoveryBaseImage: discoveryBaseImage as string,
        ...(certificate ? { certificate } : {}),
        ...(hostnames && hostnames.length > 0 ? { hostnames } : {}),
        ...ops!,
    };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** exec, alarmEmail, serverErrorAlarmPercent (docs/aws-operations.md). */
function parseOperations(
    p: Problems,
    obj: Record<string, unknown>,
): Pick<AwsConfig, "exec" | "alarmEmail" | "serverErrorAlarmPercent"> | undefined {
    const k = (name: string) => `webstack:aws.${name}`;
    const before = p.count;
    const exec = obj.exec ?? AWS_DEFAULTS.exec;
    if (typeof exec !== "boolean") {
        bool(p, k("exec"), exec, "must be true or false (ECS Exec into the tasks)", true);
    }
    const email = obj.alarmEmail;
    if (email !== undefined && (typeof email !== "string" || !EMAIL.test(email))) {
        p.add(
            k("alarmEmail"),
            email,
            "must be one email address; SNS mails it a confirmation link first",
            setCommand(k("alarmEmail"), "ops@example.com"),
        );
    }
    const percent = obj.serverErrorAlarmPercent ?? AWS_DEFAULTS.serverErrorAlarmPercent;
    if (typeof percent !== "number" || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
        const m = meant(percent);
        p.add(
            k("serverErrorAlarmPercent"),
            percent,
            `must be a number above 0 and at most 100 (share of nginx answers that are 5xx over 5 minutes, percent)${quotedNote(percent)}`,
            setCommand(k("serverErrorAlarmPercent"), typeof m === "number" && m > 0 && m <= 100 ? m : AWS_DEFAULTS.serverErrorAlarmPercent),
        );
    }
    if (p.count !== before) {
        return undefined;
    }
    return {
        exec: exec as boolean,
        serverErrorAlarmPercent: percent as number,
        ...(email !== undefined ? { alarmEmail: email as string } : {}),
    };
}

/** The VPC: an existing one (then egress and vpcCidr are refused), or one the stack creates. */
function parseNetwork(p: Problems, obj: Record<string, unknown>): AwsNetworkConfig | undefined {
    const k = (name: string) => `webstack:aws.${name}`;
    if (obj.existingVpc !== undefined) {
        const existing = parseExistingVpc(p, obj.existingVpc);
        // These two shape a network the stack creates; with an existing VPC they would be silently ignored.
        for (const key of ["egress", "vpcCidr"] as const) {
            if (obj[key] !== undefined) {
                p.add(
                    k(key),
                    obj[key],
                    "is only read when the stack creates the VPC, not with webstack:aws.existingVpc (the existing private subnets must already reach ECR and CloudWatch)",
                    `remove '${key}' from webstack:aws in Pulumi.<stack>.yaml`,
                );
            }
        }
        return existing ? { kind: "existing", ...existing } : undefined;
    }
    const egress = oneOf<Egress>(
        p,
        k("egress"),
        obj.egress ?? AWS_DEFAULTS.egress,
        ["nat", "endpoints"],
        "must be nat (one NAT gateway) or endpoints (VPC endpoints for ecr.api, ecr.dkr, logs and s3; no internet route)",
        AWS_DEFAULTS.egress,
    );
    const vpcCidr = obj.vpcCidr ?? AWS_DEFAULTS.vpcCidr;
    const bad = cidrProblem(vpcCidr);
    if (bad) {
        p.add(k("vpcCidr"), vpcCidr, bad.rule, setCommand(k("vpcCidr"), bad.example ?? AWS_DEFAULTS.vpcCidr));
    }
    return egress && !bad ? { kind: "create", egress, vpcCidr: vpcCidr as string } : undefined;
}

function parseExistingVpc(p: Problems, value: unknown): ExistingVpc | undefined {
    const key = "webstack:aws.existingVpc";
    const shape =
        "write it as existingVpc: {vpcId: vpc-..., publicSubnetIds: [subnet-..., subnet-...], privateSubnetIds: [subnet-..., subnet-...]}";
    if (!isRecord(value)) {
        p.add(key, value, "must be an object {vpcId, publicSubnetIds, privateSubnetIds}", shape);
        return undefined;
    }
    unknownKeys(p, key, value, EXISTING_VPC_KEYS);
    const before = p.count;
    if (typeof value.vpcId !== "string" || !VPC_ID.test(value.vpcId)) {
        p.add(
            `${key}.vpcId`,
            value.vpcId,
            "must be a VPC ID: vpc- and 8 or 17 lowercase hex digits",
            setCommand(`${key}.vpcId`, "vpc-0123456789abcdef0"),
        );
    }
    const pub = subnetList(p, `${key}.publicSubnetIds`, value.publicSubnetIds, "the load balancer's subnets");
    const priv = subnetList(p, `${key}.privateSubnetIds`, value.privateSubnetIds, "the tasks' subnets");
    if (pub && priv) {
        const both = pub.filter((s) => priv.includes(s));
        if (both.length > 0) {
            p.add(
                `${key}.privateSubnetIds`,
                both,
                "lists subnets that are also public; tasks must run in subnets with no internet gateway route",
                "give the tasks private subnets of their own",
            );
        }
    }
    return p.count === before ? { vpcId: value.vpcId as string, publicSubnetIds: pub!, privateSubnetIds: priv! } : undefined;
}

function subnetList(p: Problems, key: string, value: unknown, meaning: string): string[] | undefined {
    if (!Array.isArray(value) || value.length < 2) {
        p.add(
            key,
            value,
            `must list at least 2 subnet IDs in different AZs (${meaning})`,
            `write it as ${key.split(".").pop()}: [subnet-..., subnet-...]`,
        );
        return undefined;
    }
    const before = p.count;
    value.forEach((id, i) => {
        if (typeof id !== "string" || !SUBNET_ID.test(id)) {
            p.add(
                `${key}[${i}]`,
                id,
                "must be a subnet ID: subnet- and 8 or 17 lowercase hex digits",
                setCommand(`${key}[${i}]`, "subnet-0123456789abcdef0"),
            );
        } else if (value.indexOf(id) !== i) {
            p.add(`${key}[${i}]`, id, "is listed twice", `remove the duplicate from ${key.split(".").pop()}`);
        }
    });
    return p.count === before ? (value as string[]) : undefined;
}

/** Longest DNS label (RFC 1035); the Cloud Map namespace's first label is the stack's AWS name prefix. */
export const DNS_LABEL_MAX = 63;

/**
 * The stack's AWS name prefix (lowercase `<project>-<stack>`) is the first label of the Cloud Map namespace
 * `<prefix>.internal`; a label over 63 characters evaluates but fails at CreatePrivateDnsNamespace. Adds a
 * problem naming the stack and the longest stack name that fits.
 */
export function checkNamespaceLabel(p: Problems, project: string, stack: string, prefix: string): void {
    if (prefix.length > DNS_LABEL_MAX) {
        const room = DNS_LABEL_MAX - (prefix.length - stack.length);
        p.add(
            "stack name",
            stack,
            `with project "${project}" it makes the Cloud Map namespace "${prefix}.internal", whose first label has ${prefix.length} characters; a DNS label takes at most ${DNS_LABEL_MAX}`,
            room > 0
                ? `use a stack name of at most ${room} characters: pulumi stack rename <shorter name>`
                : `shorten the project name in Pulumi.yaml, then use a stack name of a few characters`,
        );
    }
}
