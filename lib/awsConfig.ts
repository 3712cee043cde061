// AWS-specific stack config: `webstack:aws` (an object) plus `aws:region`. Parsed only when
// webstack:target is aws, with the same rules as lib/config.ts: every problem names the key, the bad
// value and the fix, and nothing is declared while any problem remains.
import { Problems, intIn, isRecord, oneOf, setCommand, unknownKeys } from "./validate";
import type { ServiceSpec } from "./config";

/** CPU architecture of the images and of the Fargate tasks that run them. */
export type Platform = "linux/amd64" | "linux/arm64";

/** How tasks in private subnets reach ECR, S3 (image layers) and CloudWatch Logs. */
export type Egress = "nat" | "endpoints";

/** ECS cluster setting `containerInsights`. */
export type ContainerInsights = "enabled" | "enhanced" | "disabled";

/** A VPC the stack reuses instead of creating one. */
export interface ExistingVpc {
    /** vpc-xxxxxxxx. It must have DNS support and DNS hostnames on (Cloud Map needs both). */
    readonly vpcId: string;
    /** Subnets for the load balancer, in >= 2 AZs, routed to an internet gateway. */
    readonly publicSubnetIds: readonly string[];
    /** Subnets for the tasks, in >= 2 AZs, that already reach ECR and CloudWatch (NAT or endpoints). */
    readonly privateSubnetIds: readonly string[];
}

/** Validated AWS settings. */
export interface AwsConfig {
    /** AWS region the stack deploys to (from `aws:region`). */
    readonly region: string;
    /** Image and task architecture. Default "linux/amd64". */
    readonly platform: Platform;
    /** Private subnets' way out to AWS APIs, for a VPC the stack creates. Default "nat". */
    readonly egress: Egress;
    /** CIDR of the VPC the stack creates; split into 4 equal subnets. Default 10.0.0.0/16. */
    readonly vpcCidr: string;
    /** Reuse this VPC and its subnets instead of creating a network. Default: none. */
    readonly existingVpc?: ExistingVpc;
    /** nginx task CPU units (a Fargate size). Default 256. */
    readonly nginxCpu: number;
    /** nginx task memory in MiB (a Fargate size for nginxCpu). Default 512. */
    readonly nginxMemoryMiB: number;
    /** nginx tasks behind the load balancer. Default 2 (one per AZ). */
    readonly nginxDesiredCount: number;
    /** CloudWatch Logs retention of every log group, days. Default 14. */
    readonly logRetentionDays: number;
    /** ECS Container Insights on the cluster. Default "enabled". */
    readonly containerInsights: ContainerInsights;
}

export const AWS_DEFAULTS = {
    platform: "linux/amd64",
    egress: "nat",
    vpcCidr: "10.0.0.0/16",
    nginxCpu: 256,
    nginxMemoryMiB: 512,
    nginxDesiredCount: 2,
    logRetentionDays: 14,
    containerInsights: "enabled",
} as const;

/** Keys of webstack:aws. */
export const AWS_KEYS = [
    "platform",
    "egress",
    "vpcCidr",
    "existingVpc",
    "nginxCpu",
    "nginxMemoryMiB",
    "nginxDesiredCount",
    "logRetentionDays",
    "containerInsights",
] as const;
const EXISTING_VPC_KEYS = ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Most addresses a Cloud Map MULTIVALUE name answers with (Route 53 multivalue answer routing). */
export const CLOUD_MAP_MAX_ANSWERS = 8;

/** ECS service name of nginx; an app service may not take it. */
export const NGINX_SERVICE_NAME = "nginx";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Fargate task sizes: for each CPU value, the memory values (MiB) it accepts.
 * Source: the ECS developer guide, "Task CPU and memory" (Linux).
 */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) {
        out.push(v);
    }
    return out;
}

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

/**
 * Validates webstack:aws (raw JSON text, or undefined for all defaults), aws:region, and the Fargate
 * sizes of the app services. Adds problems and returns undefined when anything is wrong.
 */
export function parseAwsConfig(
    p: Problems,
    raw: string | undefined,
    services: readonly ServiceSpec[],
    region?: string,
): AwsConfig | undefined {
    const before = p.count;
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

    services.forEach((s, i) => {
        const key = `webstack:services[${i}]`;
        checkFargateSize(p, `${key}.cpu`, s.cpu, `${key}.memoryMiB`, s.memoryMiB);
        if (s.replicas > CLOUD_MAP_MAX_ANSWERS) {
            p.add(
                `${key}.replicas`,
                s.replicas,
                `is more than Cloud Map answers for one name (MULTIVALUE returns at most ${CLOUD_MAP_MAX_ANSWERS} addresses), so nginx would see only ${CLOUD_MAP_MAX_ANSWERS} replicas and the weights would be off`,
                setCommand(`${key}.replicas`, CLOUD_MAP_MAX_ANSWERS),
            );
        }
        if (s.name === NGINX_SERVICE_NAME) {
            p.add(
                `${key}.name`,
                s.name,
                `is the name of the nginx ECS service on the aws target`,
                setCommand(`${key}.name`, "application1"),
            );
        }
    });

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
        p.add(
            k("logRetentionDays"),
            retention,
            `must be a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} days`,
            setCommand(k("logRetentionDays"), d.logRetentionDays),
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

    let existingVpc: ExistingVpc | undefined;
    if (obj.existingVpc !== undefined) {
        existingVpc = parseExistingVpc(p, obj.existingVpc);
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
    }
    const egress = oneOf<Egress>(
        p,
        k("egress"),
        obj.egress ?? d.egress,
        ["nat", "endpoints"],
        "must be nat (one NAT gateway) or endpoints (VPC endpoints for ecr.api, ecr.dkr, logs and s3; no internet route)",
        d.egress,
    );
    const vpcCidr = obj.vpcCidr ?? d.vpcCidr;
    checkVpcCidr(p, k("vpcCidr"), vpcCidr);

    if (p.count !== before) {
        return undefined;
    }
    return {
        region: region!,
        platform: platform!,
        egress: egress!,
        vpcCidr: vpcCidr as string,
        ...(existingVpc ? { existingVpc } : {}),
        nginxCpu: nginxCpu!,
        nginxMemoryMiB: nginxMemoryMiB!,
        nginxDesiredCount: nginxDesiredCount!,
        logRetentionDays: retention as number,
        containerInsights: insights!,
    };
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

function checkVpcCidr(p: Problems, key: string, value: unknown): void {
    const m = typeof value === "string" ? CIDR.exec(value) : null;
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const prefix = m ? Number(m[5]) : NaN;
    const rule = "must be an IPv4 network in CIDR form with a prefix from /16 to /24, e.g. 10.0.0.0/16 (it is split into 4 subnets)";
    if (!m || octets.some((o) => o > 255) || prefix < 16 || prefix > 24) {
        p.add(key, value, rule, setCommand(key, AWS_DEFAULTS.vpcCidr));
        return;
    }
    const addr = octets.reduce((a, o) => a * 256 + o, 0);
    if (addr % 2 ** (32 - prefix) !== 0) {
        p.add(
            key,
            value,
            `has host bits set; the network of that prefix starts at ${ipv4(addr - (addr % 2 ** (32 - prefix)))}`,
            setCommand(key, `${ipv4(addr - (addr % 2 ** (32 - prefix)))}/${prefix}`),
        );
    }
}

/** Dotted quad of a 32-bit address. */
export function ipv4(addr: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join(".");
}

/** Splits a VPC CIDR into `count` equal subnets (count a power of two). */
export function splitCidr(cidr: string, count: number): string[] {
    const [ip, bits] = cidr.split("/");
    const prefix = Number(bits) + Math.log2(count);
    const base = ip
        .split(".")
        .map(Number)
        .reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => `${ipv4(base + i * size)}/${prefix}`);
}

// Same as lib/config.ts jsonOrText; repeated so this module does not import config.ts at runtime.
function jsonOrText(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
