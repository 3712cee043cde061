// Limits AWS itself sets, from its documentation; the parser checks config against them.

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Cloud Map quotas (Cloud Map developer guide, "AWS Cloud Map service quotas"; per account and Region).
 * nginx reads the tasks through the API (DiscoverInstances), so DNS's 8-answer limit no longer applies.
 */
export const CLOUD_MAP_QUOTAS = {
    /** "Instances per service": 1,000, not adjustable. Every running task of an app service is one instance. */
    instancesPerService: 1000,
    /** "Instances per namespace": 2,000 by default, adjustable (L-D95E8A57); all app services share one namespace. */
    instancesPerNamespace: 2000,
    /** "DiscoverInstances operation per account steady rate" (adjustable); the burst is 2,000. */
    discoverInstancesPerSec: 1000,
    /** "DiscoverInstancesRevision operation per account rate" (adjustable). */
    discoverInstancesRevisionPerSec: 3000,
} as const;

/** CloudWatch Logs quotas (CloudWatch Logs user guide, "CloudWatch Logs quotas"). */
export const CLOUDWATCH_LOGS_QUOTAS = {
    /** "Metric filters": 100 per log group, not adjustable; every filter of the stack reads nginx's log group. */
    metricFiltersPerLogGroup: 100,
} as const;

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

/**
 * Regions where Fargate (Linux) runs in some AZs only, by AZ ID (the same physical zone in every
 * account; AZ names are shuffled per account). Source: ECS developer guide, "Supported Regions for
 * Amazon ECS on AWS Fargate" (docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html):
 * us-west-1 "usw1-az1 & usw1-az3 only", ap-northeast-1 "apne1-az1, apne1-az2, & apne1-az4 only",
 * cn-north-1 "cnn1-az1 & cnn1-az2 only". ca-central-1 is listed as "cac1-az1 & cac1-az2 only" in the
 * guide's archived source (github.com/awsdocs/amazon-ecs-developer-guide, doc_source/AWS_Fargate-Regions.md)
 * and without a limit in the current page; we keep the limit, since those two zones run Fargate either way.
 */
export const FARGATE_AZ_IDS: Readonly<Record<string, readonly string[]>> = {
    "us-west-1": ["usw1-az1", "usw1-az3"],
    "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az4"],
    "ca-central-1": ["cac1-az1", "cac1-az2"],
    "cn-north-1": ["cnn1-az1", "cnn1-az2"],
};

/** The load balancer's public ports: the only ports open to 0.0.0.0/0. */
export const AWS_PUBLIC_PORTS = { http: 80, https: 443 } as const;
