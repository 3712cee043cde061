import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RolloutPercents } from "../../lib/aws/rollout";
import type { Capacity, Platform } from "../../lib/config/types";
import { ContainerSpec, cpuArchitecture, withImage } from "./containers";
import { deployedRevisionProblem } from "./deployWait";

/** How other parts of the stack find the tasks: a Cloud Map name, or a load balancer target group. */
export type FargateExposure =
    | {
          readonly kind: "cloudMap";
          /** Private DNS namespace the name is registered in. */
          readonly namespaceId: pulumi.Input<string>;
          /** TTL of each task's A record, seconds (timing.ts cloudMapTtlSec). */
          readonly ttlSec: number;
      }
    | {
          readonly kind: "loadBalancer";
          /** Target groups the tasks register in, by IP, each with the container port it sends traffic to. */
          readonly targets: readonly { readonly targetGroupArn: pulumi.Input<string>; readonly containerPort: number }[];
          /** Seconds ECS ignores the load balancer's health checks of a new task (timing.ts). */
          readonly healthCheckGracePeriodSec: number;
      };

export interface FargateServiceArgs {
    /** ECS service name; with Cloud Map also the DNS label, <name>.<namespace>. */
    readonly serviceName: string;
    /** Task definition family, e.g. "webstack-aws-application1". */
    readonly family: string;
    /** The task's single container, without its image (an Output where it holds a secret's ARN). */
    readonly container: pulumi.Input<ContainerSpec>;
    /** Image by digest (BuiltImage.ref): a new build registers a new revision and rolls the service. */
    readonly image: pulumi.Input<string>;
    /** More containers in the same task after the main one (nginx's discovery sidecar), each with its image. Default: none. */
    readonly sidecars?: readonly { readonly container: pulumi.Input<ContainerSpec>; readonly image: pulumi.Input<string> }[];
    /** Task volumes (ephemeral task storage on Fargate) the containers mount by name. Default: none. */
    readonly volumes?: readonly string[];
    /** Task CPU units (a Fargate size). */
    readonly cpu: number;
    /** Task memory in MiB (a Fargate size for `cpu`). */
    readonly memoryMiB: number;
    /** Image and task architecture. */
    readonly platform: Platform;
    /** Tasks to run (with autoscaling: to start with). */
    readonly desiredCount: number;
    /** Rolling-deploy bounds (lib/aws/rollout.ts; ECS's 200/100 for every service). */
    readonly rollout: RolloutPercents;
    /** "autoscaling": desiredCount is set at creation only, so a later `pulumi up` never resets the live count. */
    readonly desiredCountOwner: "stack" | "autoscaling";
    /** Longest `pulumi up` waits for a deploy to settle, minutes (deployWait.ts deployWaitMinutes). */
    readonly deployWaitMinutes: number;
    /** Task execution role (image pull, logs). */
    readonly executionRoleArn: pulumi.Input<string>;
    /** Where the tasks run: "fargate" (launch type FARGATE) or "spot" (capacity provider FARGATE_SPOT). Default "fargate". */
    readonly capacity?: Capacity;
    /** Task role: what the task's own processes may call (ECS Exec's channels; nginx's Cloud Map discovery). Default: none. */
    readonly taskRoleArn?: pulumi.Input<string>;
    /** ECS Exec: enableExecuteCommand; needs `taskRoleArn` with the ssmmessages permissions. Default: off. */
    readonly exec?: boolean;
    /** ECS cluster ARN. */
    readonly clusterArn: pulumi.Input<string>;
    /** Private subnets the tasks run in (no public IP). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The tasks' security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Cloud Map registration or a load balancer target group; never both. */
    readonly exposure: FargateExposure;
    /**
     * Resources that must exist before the first task starts: its way out to ECR and CloudWatch, the
     * execution role's policy, the listener of its target group.
     */
    readonly startAfter: readonly pulumi.Resource[];
    /** Tags on every resource. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * Launch type or capacity provider strategy, never forceNewDeployment: terraform-provider-aws
 * (internal/service/ecs/service.go, resourceServiceUpdate) sends `ForceNewDeployment: d.Get("force_new_deployment")`
 * on EVERY UpdateService, so with it set a replicas or tag change would redeploy every task (issue 20 row 5).
 * A service's strategy therefore never changes in place: on-demand keeps `launchType: FARGATE` (stacks deployed
 * before capacity existed see no change), Spot is the FARGATE_SPOT provider, and a switch between the two is a
 * new ECS service (ecsServiceName) created next to the old one, which is deleted after it (issue 20 row 6).
 */
export function capacityOf(capacity: Capacity): Pick<aws.ecs.ServiceArgs, "launchType" | "capacityProviderStrategies"> {
    return capacity === "spot"
        ? { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }] }
        : { launchType: "FARGATE" };
}

/**
 * The ECS service name of a service on the given capacity: Spot services carry "-spot". ECS names are unique
 * within a cluster, and the provider forces a replacement for a launch type <-> strategy change (launch_type is
 * ForceNew; capacityProviderStrategyCustomizeDiff), created before the old one is deleted: under one name that
 * is "Creation of service was not idempotent". Under two names, and two logical names, Pulumi creates the new
 * service, waits for it to be steady, and deletes the old one at the end: both register in the same Cloud Map
 * name meanwhile, so no request finds no task.
 */
export function ecsServiceName(serviceName: string, capacity: Capacity): string {
    return capacity === "spot" ? `${serviceName}-spot` : serviceName;
}

/** Type tokens this component replaced; `pulumi up` moves their live resources over instead of replacing them. */
export const FORMER_TYPES = { app: "webstack:aws:AppService", nginx: "webstack:aws:Nginx" } as const;

/**
 * One container on ECS Fargate: a task definition and a service of `desiredCount` tasks in the private
 * subnets, rolling out without dropping below that count. Tasks are found through a Cloud Map name
 * (A records, one per task) or a load balancer's target group. `service` and `taskDefinition` are
 * public so autoscaling and alarms can attach to them.
 */
export class FargateService extends pulumi.ComponentResource {
    /** The ECS service. */
    public readonly service: aws.ecs.Service;
    /** The task definition; a new revision on every change of the container or the size. */
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    /** The Cloud Map service, with the cloudMap exposure. */
    public readonly discovery?: aws.servicediscovery.Service;
    /** The revision the service runs after `pulumi up`; the update fails if ECS rolled the deploy back. */
    public readonly deployedTaskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:FargateService", name, {}, opts);
        if (args.exec && !args.taskRoleArn) {
            throw new Error(`FargateService ${name}: exec needs a taskRoleArn whose policy allows ECS Exec's ssmmessages channels`);
        }
        const parent = { parent: this };

        // Children keep the names they had under AppService / Nginx, so the parent's alias carries them.
        this.taskDefinition = new aws.ecs.TaskDefinition(
            name,
            {
                family: args.family,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(args.cpu),
                memory: String(args.memoryMiB),
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: cpuArchitecture(args.platform) },
                executionRoleArn: args.executionRoleArn,
                ...(args.taskRoleArn ? { taskRoleArn: args.taskRoleArn } : {}),
                // One flat all(): a nested one would settle a tick later and reorder the plan's steps.
                containerDefinitions: pulumi
                    .all([
                        args.image,
                        args.container as pulumi.Input<unknown>,
                        ...(args.sidecars ?? []).flatMap((x) => [x.image, x.container as pulumi.Input<unknown>]),
                    ])
                    .apply((v) =>
                        JSON.stringify(
                            Array.from({ length: v.length / 2 }, (_, k) => withImage(v[2 * k + 1] as ContainerSpec, v[2 * k] as string)),
                        ),
                    ),
                ...(args.volumes && args.volumes.length > 0 ? { volumes: args.volumes.map((v) => ({ name: v })) } : {}),
                tags: args.tags,
            },
            parent,
        );

        const containerName = pulumi.output(args.container as pulumi.Input<ContainerSpec>).apply((c) => c.name);
        let exposure: Pick<aws.ecs.ServiceArgs, "serviceRegistries" | "loadBalancers" | "healthCheckGracePeriodSeconds">;
        if (args.exposure.kind === "cloudMap") {
            this.discovery = new aws.servicediscovery.Service(
                name,
                {
                    name: args.serviceName,
                    description: `app service ${args.serviceName}: one A record per task`,
                    dnsConfig: {
                        namespaceId: args.exposure.namespaceId,
                        dnsRecords: [{ type: "A", ttl: args.exposure.ttlSec }],
                        routingPolicy: "MULTIVALUE",
                    },
                    // ECS reports each task's container health to Cloud Map; an unhealthy task leaves DNS.
                    // (The provider warns that failureThreshold is deprecated; the API still fixes it at 1.)
                    healthCheckCustomConfig: { failureThreshold: 1 },
                    // Lets `pulumi destroy` remove the name even if a stopped task's record lingers.
                    forceDestroy: true,
                    tags: args.tags,
                },
                parent,
            );
            exposure = { serviceRegistries: { registryArn: this.discovery.arn } };
        } else {
            exposure = {
                loadBalancers: args.exposure.targets.map((t) => ({
                    targetGroupArn: t.targetGroupArn,
                    containerName: containerName,
                    containerPort: t.containerPort,
                })),
                healthCheckGracePeriodSeconds: args.exposure.healthCheckGracePeriodSec,
            };
        }

        const capacity = args.capacity ?? "fargate";
        const ecsName = ecsServiceName(args.serviceName, capacity);
        // The logical name follows the ECS name, so a capacity switch is a create and a delete, never a replace.
        this.service = new aws.ecs.Service(
            capacity === "spot" ? `${name}-spot` : name,
            {
                name: ecsName,
                cluster: args.clusterArn,
                taskDefinition: this.taskDefinition.arn,
                desiredCount: args.desiredCount,
                ...capacityOf(capacity),
                ...(args.exec ? { enableExecuteCommand: true } : {}),
                platformVersion: "LATEST",
                networkConfiguration: { subnets: args.subnetIds, securityGroups: [args.securityGroupId], assignPublicIp: false },
                ...exposure,
                // Rolling deploys never drop below the desired count; a deploy whose tasks never get healthy
                // stops and rolls back to the last working task definition.
                deploymentMinimumHealthyPercent: args.rollout.minimumHealthyPercent,
                deploymentMaximumPercent: args.rollout.maximumPercent,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                // `pulumi up` returns once the service is stable, as the local target waits for healthy.
                waitForSteadyState: true,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
                tags: args.tags,
            },
            {
                parent: this,
                dependsOn: [...args.startAfter],
                // The provider's 20-minute default is shorter than a one-task-at-a-time deploy of 8 tasks.
                customTimeouts: { create: `${args.deployWaitMinutes}m`, update: `${args.deployWaitMinutes}m` },
                // Autoscaling owns the count: the engine keeps the live desiredCount on every later update.
                ignoreChanges: args.desiredCountOwner === "autoscaling" ? ["desiredCount"] : [],
            },
        );
        // A rolled-back deploy looks "steady" to the provider; the revision the service ended on tells (deployWait.ts).
        this.deployedTaskDefinitionArn = pulumi
            .all([this.service.taskDefinition, this.taskDefinition.arn, pulumi.output(args.clusterArn)])
            .apply(([live, requested, cluster]) => {
                const problem = deployedRevisionProblem(ecsName, cluster.split("/").pop() ?? cluster, requested, live ?? requested);
                if (problem) {
                    throw new Error(problem);
                }
                return requested;
            });
        this.registerOutputs({ serviceName: this.service.name, taskDefinitionArn: this.taskDefinition.arn });
    }
}
