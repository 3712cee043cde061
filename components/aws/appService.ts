import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../../lib/types";
import type { AwsServiceSpec, NginxTuning } from "../../lib/types";
import { APP_HEALTHCHECK, APP_PORT, APP_USER, appEnvironment } from "../../lib/runtime";
import { ContainerDefinition, awslogs, ecsEnvironment, ecsHealthCheck } from "./containers";
import { fargateServiceArgs, fargateTaskDefinitionArgs } from "./fargate";

export interface AwsAppServiceArgs {
    /** The service: name (Cloud Map name), replicas (desired tasks), Gunicorn workers/threads, Fargate cpu/memory. */
    readonly service: AwsServiceSpec;
    /** nginx tuning; Gunicorn's keep-alive is derived from it. */
    readonly nginx: NginxTuning;
    /** App image by digest (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** Task definition family, e.g. "webstack-aws-application1". */
    readonly family: string;
    /** ECS cluster ARN. */
    readonly clusterArn: pulumi.Input<string>;
    /** Cloud Map namespace the service registers in. */
    readonly namespaceId: pulumi.Input<string>;
    /** Private subnets the tasks run in. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The app tasks' security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Task execution role (image pull, logs). */
    readonly executionRoleArn: pulumi.Input<string>;
    /** CloudWatch log group of this service. */
    readonly logGroupName: string;
    /** AWS region (for the awslogs driver). */
    readonly region: string;
    /** Image and task architecture. Default "linux/amd64". */
    readonly platform?: Platform;
    /** Tags on every resource. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** Name of the app container in every app task definition. */
export const APP_CONTAINER = "app";

/** The app's container definition: the same command, user, environment and health check as the local container. */
export function appContainer(
    args: Pick<AwsAppServiceArgs, "service" | "nginx" | "logGroupName" | "region">,
    image: string,
): ContainerDefinition {
    return {
        name: APP_CONTAINER,
        image,
        essential: true,
        // The image's CMD (gunicorn --config /app/gunicorn.conf.py wsgi) runs unchanged.
        portMappings: [{ containerPort: APP_PORT, hostPort: APP_PORT, protocol: "tcp" }],
        environment: ecsEnvironment(appEnvironment(args.service, args.nginx)),
        user: APP_USER,
        // Gunicorn's heartbeat files go to /dev/shm, which Fargate mounts writable even with a read-only
        // root. No /tmp tmpfs: ECS documents linuxParameters.tmpfs as unsupported on Fargate, and
        // nothing in the app writes there (Gunicorn's control socket is disabled).
        readonlyRootFilesystem: true,
        linuxParameters: {
            capabilities: { drop: ["ALL"] },
        },
        healthCheck: ecsHealthCheck(APP_HEALTHCHECK),
        logConfiguration: awslogs(args.logGroupName, args.region, args.service.name),
        // SIGTERM, then Gunicorn's graceful_timeout (20 s) to drain, as locally.
        stopTimeout: 30,
    };
}

/**
 * One weighted service on ECS Fargate: a task definition, a Cloud Map name (A records, one per task)
 * and an ECS service with `replicas` tasks in the private subnets.
 */
export class AwsAppService extends pulumi.ComponentResource {
    /** ECS service name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Current task definition ARN (family:revision). */
    public readonly taskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: AwsAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:AppService", name, {}, opts);
        const s = args.service;
        const parent = { parent: this };

        // nginx resolves <name>.<namespace> to every healthy task; a short TTL lets it see scaling and
        // replacements within seconds (its own resolver re-resolves every resolverValidSec).
        const discovery = new aws.servicediscovery.Service(
            name,
            {
                name: s.name,
                description: `app service ${s.name}: one A record per task`,
                dnsConfig: { namespaceId: args.namespaceId, dnsRecords: [{ type: "A", ttl: 10 }], routingPolicy: "MULTIVALUE" },
                // ECS reports each task's container health to Cloud Map; an unhealthy task leaves DNS.
                // (The provider warns that failureThreshold is deprecated; the API still fixes it at 1.)
                healthCheckCustomConfig: { failureThreshold: 1 },
                // Lets `pulumi destroy` remove the name even if a stopped task's record lingers.
                forceDestroy: true,
                tags: args.tags,
            },
            parent,
        );

        const taskDefinition = new aws.ecs.TaskDefinition(
            name,
            fargateTaskDefinitionArgs({
                family: args.family,
                cpu: s.cpu,
                memoryMiB: s.memoryMiB,
                platform: args.platform,
                executionRoleArn: args.executionRoleArn,
                image: args.image,
                container: (image) => appContainer(args, image),
                tags: args.tags,
            }),
            parent,
        );

        const service = new aws.ecs.Service(
            name,
            {
                ...fargateServiceArgs({
                    name: s.name,
                    clusterArn: args.clusterArn,
                    taskDefinitionArn: taskDefinition.arn,
                    desiredCount: s.replicas,
                    subnetIds: args.subnetIds,
                    securityGroupId: args.securityGroupId,
                    tags: args.tags,
                }),
                serviceRegistries: { registryArn: discovery.arn },
            },
            parent,
        );
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
