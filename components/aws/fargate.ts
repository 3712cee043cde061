// The parts of a Fargate task definition and ECS service that the app services and nginx share, so
// both roll out, place and tag their tasks the same way.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS } from "../../lib/defaults";
import type { Platform } from "../../lib/types";
import { ContainerDefinition, cpuArchitecture } from "./containers";

export interface FargateTaskArgs {
    /** Task definition family. */
    readonly family: string;
    /** Task CPU units. */
    readonly cpu: number;
    /** Task memory in MiB. */
    readonly memoryMiB: number;
    /** Image and task architecture. Default "linux/amd64". */
    readonly platform?: Platform;
    /** Task execution role (image pull, logs). */
    readonly executionRoleArn: pulumi.Input<string>;
    /** Image reference by digest. */
    readonly image: pulumi.Input<string>;
    /** The single container of the task, once the image reference is known. */
    readonly container: (image: string) => ContainerDefinition;
    /** Tags. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** A one-container Fargate task definition (awsvpc networking, the configured architecture). */
export function fargateTaskDefinitionArgs(a: FargateTaskArgs): aws.ecs.TaskDefinitionArgs {
    return {
        family: a.family,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(a.cpu),
        memory: String(a.memoryMiB),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: cpuArchitecture(a.platform ?? AWS_DEFAULTS.platform) },
        executionRoleArn: a.executionRoleArn,
        containerDefinitions: pulumi.output(a.image).apply((image) => JSON.stringify([a.container(image)])),
        tags: a.tags,
    };
}

export interface FargateServiceArgs {
    /** ECS service name. */
    readonly name: string;
    /** ECS cluster ARN. */
    readonly clusterArn: pulumi.Input<string>;
    /** Task definition ARN (family:revision). */
    readonly taskDefinitionArn: pulumi.Input<string>;
    /** Tasks to run. */
    readonly desiredCount: number;
    /** Private subnets the tasks run in (no public IP). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The tasks' security group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Tags. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** A Fargate service in private subnets with safe rolling deploys; callers add discovery or load balancing. */
export function fargateServiceArgs(a: FargateServiceArgs): aws.ecs.ServiceArgs {
    return {
        name: a.name,
        cluster: a.clusterArn,
        taskDefinition: a.taskDefinitionArn,
        desiredCount: a.desiredCount,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        networkConfiguration: { subnets: a.subnetIds, securityGroups: [a.securityGroupId], assignPublicIp: false },
        // Rolling deploys never drop below the desired count; a deploy whose tasks never get healthy
        // stops and rolls back to the last working task definition.
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // `pulumi up` returns once the service is stable, as the local target waits for healthy.
        waitForSteadyState: true,
        enableEcsManagedTags: true,
        propagateTags: "SERVICE",
        tags: a.tags,
    };
}
