import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS, NGINX_SERVICE_NAME, Platform } from "../../lib/awsConfig";
import { NGINX_CONF_ENV, NGINX_HEALTHCHECK, NGINX_PORT, nginxEnvironment } from "../../lib/runtime";
import { ContainerDefinition, awslogs, ecsEnvironment, ecsHealthCheck } from "./containers";
import { fargateServiceArgs, fargateTaskDefinitionArgs } from "./fargate";

export interface AwsNginxArgs {
    /** nginx image by digest (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** Rendered nginx.conf (nginx/render.ts, with the Cloud Map domain suffix). */
    readonly config: string;
    /** Task definition family, e.g. "webstack-aws-nginx". */
    readonly family: string;
    /** Fargate CPU units per task. Default 256. */
    readonly cpu?: number;
    /** Fargate memory per task, MiB. Default 512. */
    readonly memoryMiB?: number;
    /** Tasks behind the load balancer. Default 2. */
    readonly desiredCount?: number;
    /** ECS cluster ARN. */
    readonly clusterArn: pulumi.Input<string>;
    /** Private subnets the tasks run in. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The nginx tasks' security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Target group of the load balancer. */
    readonly targetGroupArn: pulumi.Input<string>;
    /** Task execution role (image pull, logs). */
    readonly executionRoleArn: pulumi.Input<string>;
    /** CloudWatch log group of nginx. */
    readonly logGroupName: string;
    /** AWS region (for the awslogs driver). */
    readonly region: string;
    /** Image and task architecture. Default "linux/amd64". */
    readonly platform?: Platform;
    /** Tags on every resource. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** Name of the nginx container in the nginx task definition. */
export const NGINX_CONTAINER = "nginx";

/** nginx's container definition: the config travels in the environment, exactly as on local Docker. */
export function nginxContainer(args: Pick<AwsNginxArgs, "config" | "logGroupName" | "region">, image: string): ContainerDefinition {
    return {
        name: NGINX_CONTAINER,
        image,
        essential: true,
        // The image's entrypoint writes the config, filling in the nameservers of /etc/resolv.conf (the
        // VPC resolver on Fargate), then runs its CMD (nginx -g 'daemon off;').
        portMappings: [{ containerPort: NGINX_PORT, hostPort: NGINX_PORT, protocol: "tcp" }],
        environment: ecsEnvironment({ ...nginxEnvironment(), [NGINX_CONF_ENV]: args.config }),
        // Not read-only: the entrypoint writes /etc/nginx/nginx.conf and nginx its pid and temp files.
        readonlyRootFilesystem: false,
        healthCheck: ecsHealthCheck(NGINX_HEALTHCHECK),
        logConfiguration: awslogs(args.logGroupName, args.region, NGINX_CONTAINER),
        // nginx's STOPSIGNAL is SIGQUIT: open requests finish first, as locally.
        stopTimeout: 15,
    };
}

/** The reverse proxy and weighted balancer on Fargate, registered in the load balancer's target group. */
export class AwsNginx extends pulumi.ComponentResource {
    /** ECS service name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Current task definition ARN (family:revision). */
    public readonly taskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: AwsNginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Nginx", name, {}, opts);
        const parent = { parent: this };
        const taskDefinition = new aws.ecs.TaskDefinition(
            name,
            fargateTaskDefinitionArgs({
                family: args.family,
                cpu: args.cpu ?? AWS_DEFAULTS.nginxCpu,
                memoryMiB: args.memoryMiB ?? AWS_DEFAULTS.nginxMemoryMiB,
                platform: args.platform,
                executionRoleArn: args.executionRoleArn,
                image: args.image,
                container: (image) => nginxContainer(args, image),
                tags: args.tags,
            }),
            parent,
        );
        const service = new aws.ecs.Service(
            name,
            {
                ...fargateServiceArgs({
                    name: NGINX_SERVICE_NAME,
                    clusterArn: args.clusterArn,
                    taskDefinitionArn: taskDefinition.arn,
                    desiredCount: args.desiredCount ?? AWS_DEFAULTS.nginxDesiredCount,
                    subnetIds: args.subnetIds,
                    securityGroupId: args.securityGroupId,
                    tags: args.tags,
                }),
                loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: NGINX_CONTAINER, containerPort: NGINX_PORT }],
                // The first load balancer health checks pass within ~20 s (2 x 10 s); give a new task 30.
                healthCheckGracePeriodSeconds: 30,
            },
            parent,
        );
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
