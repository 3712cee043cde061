// How long `pulumi up` waits for an ECS deploy, and how it tells a rollback from a success.
//
// pulumi-aws bridges terraform-provider-aws's aws_ecs_service. With waitForSteadyState, its update
// (internal/service/ecs/service.go, resourceServiceUpdate -> waitServiceStable) polls DescribeServices
// until the service has exactly one deployment and runningCount == desiredCount, for at most the
// resource's update timeout (default 20 minutes). It never looks at the deployment's rolloutState. A
// deploy the circuit breaker rolls back also ends with one deployment at full count (the old revision),
// so the provider reports success (terraform-provider-aws#19519, #20858). Its read then stores the
// service's live taskDefinition, which after a rollback is the OLD revision: comparing it with the
// revision just registered is the one signal a rollback leaves, and deployedRevisionProblem reads it.
import { HEALTH_TIMING } from "../../lib/runtime";
import { RolloutPercents, rolloutAt } from "../../lib/aws/rollout";

/** Time to pull an image from ECR and start a Fargate task, allowed generously (a cold pull of ~100 MB). */
export const TASK_START_ALLOWANCE_SEC = 90;

/** Circuit breaker threshold: 0.5 × desired tasks, at least 3, at most 200 (ECS ServiceDeploymentCircuitBreaker). */
export function circuitBreakerThreshold(desired: number): number {
    return Math.min(200, Math.max(3, Math.ceil(desired / 2)));
}

/**
 * The longest a deploy of `desired` tasks can take before `pulumi up` gives up, in minutes: the new
 * revision rolled out in steps of (peak - kept) tasks, or the circuit breaker's failed launches followed
 * by the rollback's own rollout, whichever is longer, plus a quarter for AWS's own pace.
 */
export function deployWaitMinutes(desired: number, percents: RolloutPercents, stopTimeoutSec: number): number {
    const d = Math.max(1, desired);
    const at = rolloutAt(d, percents);
    const perStep = Math.max(1, at.peakTasks - at.keptTasks);
    const steps = Math.ceil(d / perStep);
    const healthySec = TASK_START_ALLOWANCE_SEC + HEALTH_TIMING.startPeriodSec + HEALTH_TIMING.intervalSec * HEALTH_TIMING.retries;
    const rolloutSec = steps * (healthySec + stopTimeoutSec);
    // A broken revision: every failed task costs a start and a failed health check; then the rollback.
    const failSec = Math.ceil(circuitBreakerThreshold(d) / perStep) * healthySec + rolloutSec;
    return Math.ceil((Math.max(rolloutSec, failSec) * 1.25) / 60);
}

/**
 * After a deploy, the revision the service runs must be the one registered for it. Returns the error
 * text when it is not (ECS rolled back), naming where to look; undefined when they match.
 */
export function deployedRevisionProblem(serviceName: string, cluster: string, requested: string, live: string): string | undefined {
    if (requested === live) {
        return undefined;
    }
    const revision = (arn: string) => arn.split("/").pop();
    return (
        `ECS service ${serviceName}: the deploy of ${revision(requested)} did not stay; the service runs ${revision(live)} ` +
        `(the deployment circuit breaker rolled it back). Why: aws ecs describe-services --cluster ${cluster} --services ${serviceName} ` +
        `--query 'services[0].events[:10]', and the stoppedReason of its newest stopped tasks: aws ecs list-tasks --cluster ${cluster} ` +
        `--service-name ${serviceName} --desired-status STOPPED, then aws ecs describe-tasks --query 'tasks[].[stoppedReason,containers[].reason]'`
    );
}
