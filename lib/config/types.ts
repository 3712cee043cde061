// The validated stack config, as types. A StackConfig is either a local or an aws stack; keys that only
// mean something on one target exist only on that target's type, so a wrong-target key cannot be
// represented once the config has been parsed (lib/config/config.ts refuses it, naming the key).

export type Target = "local" | "aws";

/** One weighted app service: `replicas` containers (or ECS tasks) of the same Gunicorn app. */
export interface ServiceSpec {
    /** DNS label; the network alias (local) or Cloud Map name (aws) nginx resolves. */
    readonly name: string;
    /** nginx upstream weight of each replica, 1..100. Default 1. */
    readonly weight: number;
    /** Containers / tasks, 0..50; 0 keeps the service declared but sends it no traffic. Default 1. */
    readonly replicas: number;
    /** Gunicorn worker processes per replica, 1..64. Default 3. */
    readonly workers: number;
    /** Threads per Gunicorn gthread worker, 1..64. Default 4. */
    readonly threads: number;
    /** nginx `backup`: gets requests only when no other service can answer (a canary's 100 % step). Default false. */
    readonly backup?: boolean;
    /** Build-context folder of this service's app, relative to the project. Default "app" (unless `image`). */
    readonly app?: string;
    /** Prebuilt image reference instead of a build; exclusive with `app`. Default none. */
    readonly image?: string;
    /** local only: ENV name -> Pulumi secret config key, read into the containers' environment. Default none. */
    readonly secretConfig?: Readonly<Record<string, string>>;
}

/** An app service on the local target: a ServiceSpec plus its Docker limits (lib/local/limits.ts). */
export interface LocalServiceSpec extends ServiceSpec {
    /** CPU units of each replica, 1024 = one CPU (Docker `cpus`). Default 1024 × workers, at most the host's CPUs. */
    readonly cpu: number;
    /** Memory limit of each replica in MiB, no swap. Default 128 + workers × (32 + 2 × threads). */
    readonly memoryMiB: number;
}

/** Where an app service's Fargate tasks run: on-demand Fargate, or Fargate Spot (cheaper, may be interrupted). */
export type Capacity = "fargate" | "spot";

/**
 * Application Auto Scaling of one ECS service (aws target only). The live task count floats in
 * [min, max]; `replicas` is only the count the service starts with.
 */
export interface AutoscalingSpec {
    /** Fewest tasks. App services: 1..500; nginx: 2..50. */
    readonly min: number;
    /** Most tasks. App services: at most 500 (a deploy's peak within Cloud Map's 1,000 instances per service). */
    readonly max: number;
    /** Target average CPU utilisation, 10..90 %. Default 60 when neither target is given, else none. */
    readonly cpuPercent?: number;
    /** Target average memory utilisation, 10..90 %. Default: none. */
    readonly memoryPercent?: number;
}

/** An app service on the aws target: a ServiceSpec plus its Fargate task size. */
export interface AwsServiceSpec extends ServiceSpec {
    /** Fargate task CPU units. Default 256. */
    readonly cpu: number;
    /** Fargate task memory in MiB (a valid size for `cpu`). Default 512. */
    readonly memoryMiB: number;
    /** Autoscaling of the task count. Default: none (always `replicas` tasks). */
    readonly autoscaling?: AutoscalingSpec;
    /** Capacity provider of the tasks. Default "fargate". */
    readonly capacity: Capacity;
    /** ENV name -> ARN of an SSM parameter or Secrets Manager secret, the container definition's `secrets`. Default none. */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Customer-managed KMS keys the secrets are encrypted with; the execution role may decrypt with them. Default []. */
    readonly secretsKmsKeyArns?: readonly string[];
}

/** nginx tuning; every field has a measured default (lib/config/defaults.ts). */
export interface NginxTuning {
    /** `worker_processes`; "auto" = one per core. Default "auto". */
    readonly workerProcesses: number | "auto";
    /** `worker_connections` per worker. Default 4096. */
    readonly workerConnections: number;
    /** Idle keep-alive connections each worker keeps to the upstream. Default 32. */
    readonly upstreamKeepalive: number;
    /** How long an idle upstream connection is kept, seconds. Default 60. */
    readonly upstreamKeepaliveTimeoutSec: number;
    /** How long a DNS answer for a service name is trusted, seconds. Default 5. */
    readonly resolverValidSec: number;
    /** Access log buffer in KiB; 0 writes each line at once. Default 64. */
    readonly accessLogBufferKiB: number;
    /** Longest a buffered log line waits, seconds. Default 1. */
    readonly accessLogFlushSec: number;
    /** Connect timeout to a replica before trying the next, seconds. Default 1. */
    readonly proxyConnectTimeoutSec: number;
    /** How long a replica that failed is skipped before nginx tries it again, seconds. Default 2. */
    readonly failTimeoutSec: number;
    /** `proxy_buffering`. Default true. */
    readonly proxyBuffering: boolean;
    /** Largest request body, MiB (`client_max_body_size`). Default 1. */
    readonly clientMaxBodyMiB: number;
    /** Longest a client may take to send the request head, seconds. Default 10. */
    readonly clientHeaderTimeoutSec: number;
    /** Longest pause between two reads of a request body, seconds. Default 10. */
    readonly clientBodyTimeoutSec: number;
    /** Longest pause between two writes of a response to the client, seconds. Default 30. */
    readonly sendTimeoutSec: number;
    /** Longest wait for an app's response (between two reads), seconds; a timed-out request is never re-sent. Default 60. */
    readonly proxyReadTimeoutSec: number;
    /** Requests per second per client address (`limit_req`); 0 is off. Default 0. */
    readonly rateLimitPerSec: number;
    /** Requests over the rate a client may send at once before 429 (`burst`, with rateLimitPerSec). Default 20. */
    readonly rateLimitBurst: number;
    /** Open connections per client address (`limit_conn`); 0 is off. Default 0. */
    readonly connLimitPerClient: number;
}

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

/** The network an aws stack runs in: one it creates, or an existing VPC. */
export type AwsNetworkConfig =
    | {
          readonly kind: "create";
          /** Private subnets' way out to AWS APIs. Default "nat". */
          readonly egress: Egress;
          /** CIDR of the VPC; split into 4 equal subnets. Default 10.0.0.0/16. */
          readonly vpcCidr: string;
      }
    | ({ readonly kind: "existing" } & ExistingVpc);

/** Validated `webstack:aws` settings plus `aws:region`. */
export interface AwsConfig {
    /** AWS region the stack deploys to (from `aws:region`). */
    readonly region: string;
    /** Image and task architecture. Default "linux/amd64". */
    readonly platform: Platform;
    /** The VPC: created (egress, vpcCidr) or existing (vpcId, subnets). Default: created, NAT egress. */
    readonly network: AwsNetworkConfig;
    /** nginx task CPU units (a Fargate size). Default 256. */
    readonly nginxCpu: number;
    /** nginx task memory in MiB (a Fargate size for nginxCpu). Default 512. */
    readonly nginxMemoryMiB: number;
    /** nginx tasks behind the load balancer. Default 2 (one per AZ). */
    readonly nginxDesiredCount: number;
    /** Autoscaling of the nginx tasks (min >= 2, so both AZs keep one); false: none. Default: sized from the app tier. */
    readonly nginxAutoscaling?: AutoscalingSpec | false;
    /** CloudWatch Logs retention of every log group, days. Default 14. */
    readonly logRetentionDays: number;
    /** ECS Container Insights on the cluster. Default "enabled". */
    readonly containerInsights: ContainerInsights;
    /** TLS at the load balancer with an ACM certificate (exclusive with webstack:tls). Default: none. */
    readonly certificate?: AwsCertificate;
    /** Names nginx answers besides the load balancer's and aws.domain (a certificateArn's names, a CNAME). Default: none. */
    readonly hostnames?: readonly string[];
    /** ECS Exec into every task (enableExecuteCommand, a task role with ssmmessages). Default false. */
    readonly exec: boolean;
    /** Base image of nginx's Cloud Map discovery sidecar (discovery/Dockerfile). Default "node:22-bookworm-slim". */
    readonly discoveryBaseImage: string;
    /** Email address subscribed to the alarm topic. Default: none (the topic exists, unsubscribed). */
    readonly alarmEmail?: string;
    /** nginx 5xx share of all requests over 5 minutes above which the 5xx alarm fires, percent. Default 1. */
    readonly serverErrorAlarmPercent: number;
}

/**
 * `webstack:tls`: nginx terminates TLS with a certificate the program makes (self-signed) or the user
 * gives (provided, PEM set with `pulumi config set --secret`). Absent: HTTP only.
 */
export type TlsConfig =
    | {
          readonly mode: "self-signed";
          /** Extra DNS names the certificate covers besides localhost and 127.0.0.1. Default []. */
          readonly hostnames: readonly string[];
      }
    | {
          readonly mode: "provided";
          /** PEM certificate chain, leaf first. */
          readonly certificatePem: string;
          /** PEM private key of the leaf; a secret (the program wraps it in pulumi.secret before use). */
          readonly keyPem: string;
      };

/** aws: a certificate the load balancer terminates TLS with (ACM). */
export type AwsCertificate =
    | {
          readonly kind: "arn";
          /** An existing ACM certificate in the stack's region (webstack:aws.certificateArn). */
          readonly arn: string;
      }
    | {
          readonly kind: "dns";
          /** Domain the program requests an ACM certificate for and points at the NLB (webstack:aws.domain). */
          readonly domain: string;
          /** Route 53 hosted zone of the domain, for the validation and alias records (webstack:aws.hostedZoneId). */
          readonly hostedZoneId: string;
      };

/** What both targets share. */
interface CommonStackConfig {
    /** Base image of app/Dockerfile. Default python:3.13-slim. */
    readonly appBaseImage: string;
    /** Base image of nginx/Dockerfile (nginx >= 1.27.3 for `resolve`). Default nginx:1.28. */
    readonly nginxBaseImage: string;
    /** nginx tuning. */
    readonly nginx: NginxTuning;
    /** TLS terminated by nginx. Default: none (HTTP only, unless aws.certificate). */
    readonly tls?: TlsConfig;
    /** Strict-Transport-Security max-age on https answers, seconds; 0 sends none. Default 0 self-signed, 63072000 otherwise. */
    readonly hstsMaxAgeSec: number;
}

/** A stack on the local Docker engine. */
export interface LocalStackConfig extends CommonStackConfig {
    readonly target: "local";
    /** The weighted app services, with their Docker limits. Default: the article's application1 (3) and application2 (1). */
    readonly services: readonly LocalServiceSpec[];
    /** Host address nginx's port binds on. Default 127.0.0.1. */
    readonly bindAddress: string;
    /** nginx's published plain-HTTP host port (the aws load balancer listens on 80 and 443 instead). Default 8080. */
    readonly httpPort: number;
    /** Host port of nginx's TLS listener; published even with TLS off, so turning TLS on never replaces nginx. Default 8443. */
    readonly httpsPort: number;
}

/** A stack on ECS Fargate. */
export interface AwsStackConfig extends CommonStackConfig {
    readonly target: "aws";
    /** The weighted app services, with their Fargate task sizes. */
    readonly services: readonly AwsServiceSpec[];
    /** AWS settings. */
    readonly aws: AwsConfig;
}

/** The whole validated stack config. */
export type StackConfig = LocalStackConfig | AwsStackConfig;
