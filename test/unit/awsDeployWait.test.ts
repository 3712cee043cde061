// Deploys that cannot fail silently (components/aws/deployWait.ts): the wait is bounded by a budget
// derived from the rollout, and a deploy ECS rolled back (the service ends on another revision than the
// one registered) fails `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import { Captured, captureOptions } from "../../evaluation/evaluate";
import { AWS } from "../../evaluation/resourceTypes";
import { FargateService } from "../../components/aws/fargateService";
import { circuitBreakerThreshold, deployWaitMinutes, deployedRevisionProblem } from "../../components/aws/deployWait";
import { appStopTiming, nginxStopTimeoutSec } from "../../components/aws/timing";
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import { APP_ROLLOUT, ECS_DEFAULT_ROLLOUT } from "../../lib/aws/rollout";

describe("the wait's bound", () => {
    test.each([
        [1, 3],
        [6, 3],
        [7, 4],
        [400, 200],
        [500, 200],
    ])("circuit breaker threshold at %i desired tasks: %i", (desired, threshold) => {
        expect(circuitBreakerThreshold(desired)).toBe(threshold);
    });

    const appStop = appStopTiming(DEFAULT_NGINX).stopTimeoutSec;
    test.each([
        // desired, minutes: a full new set in one step, so the count barely matters.
        // 1 task: three failed starts one at a time before the rollback; 4 tasks: all at once.
        [1, 11],
        [4, 6],
        [8, 6],
        [500, 6],
    ])("an app service of %i tasks waits at most %i minutes", (desired, minutes) => {
        expect(deployWaitMinutes(desired, APP_ROLLOUT, appStop)).toBe(minutes);
    });

    test("one task at a time outlasts the provider's 20-minute default: hence customTimeouts", () => {
        expect(deployWaitMinutes(8, { maximumPercent: 112, minimumHealthyPercent: 87 }, appStop)).toBeGreaterThan(20);
        expect(deployWaitMinutes(2, ECS_DEFAULT_ROLLOUT, nginxStopTimeoutSec())).toBeLessThan(20);
    });
});

describe("a rollback is an error", () => {
    const NEW = "arn:aws:ecs:us-east-1:123456789012:task-definition/webstack-dev-application1:8";
    const OLD = "arn:aws:ecs:us-east-1:123456789012:task-definition/webstack-dev-application1:7";

    test("same revision: no problem", () => {
        expect(deployedRevisionProblem("application1", "webstack-dev", NEW, NEW)).toBeUndefined();
    });

    test("the service ended on the old revision: the message names both revisions and where to look", () => {
        expect(deployedRevisionProblem("application1", "webstack-dev", NEW, OLD)).toBe(
            "ECS service application1: the deploy of webstack-dev-application1:8 did not stay; the service runs webstack-dev-application1:7 " +
                "(the deployment circuit breaker rolled it back). Why: aws ecs describe-services --cluster webstack-dev --services application1 " +
                "--query 'services[0].events[:10]', and the stoppedReason of its newest stopped tasks: aws ecs list-tasks --cluster webstack-dev " +
                "--service-name application1 --desired-status STOPPED, then aws ecs describe-tasks --query 'tasks[].[stoppedReason,containers[].reason]'",
        );
    });
});

describe("FargateService under a provider that rolled the deploy back", () => {
    const options = new Map<string, Captured>();
    let rolledBack = false;
    beforeAll(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    const arn =
                        args.type === AWS.taskDefinition
                            ? `arn:aws:ecs:us-east-1:123456789012:task-definition/${args.inputs.family}:8`
                            : `arn:${args.name}`;
                    // As the provider's read after a rollback: the service reports the previous revision.
                    const live =
                        args.type === AWS.service && rolledBack
                            ? { taskDefinition: String(args.inputs.taskDefinition).replace(/:8$/, ":7") }
                            : {};
                    return { id: `${args.name}-id`, state: { ...args.inputs, arn, name: args.inputs.name ?? args.name, ...live } };
                },
                call: (args) => args.inputs,
            },
            "webstack",
            "dev",
            false,
        );
        captureOptions(options);
    });

    const make = (name: string) =>
        new FargateService(name, {
            serviceName: name,
            family: `webstack-dev-${name}`,
            container: {
                name: "app",
                essential: true,
                portMappings: [],
                environment: [],
                readonlyRootFilesystem: true,
                healthCheck: { command: ["CMD", "true"], interval: 5, timeout: 3, retries: 3, startPeriod: 10 },
                logConfiguration: { logDriver: "awslogs", options: {} },
                stopTimeout: 35,
            },
            image: "repo@sha256:abc",
            cpu: 256,
            memoryMiB: 512,
            platform: "linux/amd64",
            desiredCount: 2,
            rollout: ECS_DEFAULT_ROLLOUT,
            desiredCountOwner: "stack",
            deployWaitMinutes: 8,
            executionRoleArn: "arn:exec",
            clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/webstack-dev",
            subnetIds: ["subnet-1"],
            securityGroupId: "sg-1",
            exposure: { kind: "cloudMap", namespaceId: "ns-1", ttlSec: 5 },
            startAfter: [],
            tags: {},
        });
    // The Output's value; its isKnown/isSecret reject alongside, which the runtime reports as the program's error.
    const settle = <T>(o: pulumi.Output<T>): Promise<T> => {
        const internal = o as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
        internal.isKnown.catch(() => undefined);
        internal.isSecret.catch(() => undefined);
        return internal.promise();
    };

    test("a deploy that stayed resolves to the new revision", async () => {
        rolledBack = false;
        await expect(settle(make("stayed").deployedTaskDefinitionArn)).resolves.toMatch(/webstack-dev-stayed:8$/);
    });

    test("a rolled-back deploy rejects with the rollback message", async () => {
        rolledBack = true;
        await expect(settle(make("rolled").deployedTaskDefinitionArn)).rejects.toThrow(
            "ECS service rolled: the deploy of webstack-dev-rolled:8 did not stay; the service runs webstack-dev-rolled:7",
        );
    });

    test("the wait is bounded on the ECS service: customTimeouts for create and update", () => {
        expect(options.get(`${AWS.service}::stayed`)?.customTimeouts).toEqual({ create: "8m", update: "8m" });
    });
});
