// ECS container definitions, built from the same runtime contract (lib/runtime.ts) as the local
// containers, so the two targets run the app and nginx the same way. Pure functions: a container
// definition is plain data once the image reference is known.
import type { Platform } from "../../lib/types";
import { HEALTH_TIMING } from "../../lib/runtime";

/** One entry of a task definition's containerDefinitions (the subset this stack uses). */
export interface ContainerDefinition {
    readonly name: string;
    readonly image: string;
    readonly essential: boolean;
    readonly portMappings: readonly { containerPort: number; hostPort: number; protocol: "tcp" }[];
    readonly environment: readonly { name: string; value: string }[];
    readonly user?: string;
    readonly readonlyRootFilesystem: boolean;
    readonly linuxParameters?: {
        capabilities?: { drop: string[] };
        tmpfs?: { containerPath: string; size: number; mountOptions: string[] }[];
    };
    readonly healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    readonly logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
    readonly stopTimeout: number;
}

/** ECS health check from the shared runtime contract (same command and timing as Docker's). */
export function ecsHealthCheck(command: readonly string[]): ContainerDefinition["healthCheck"] {
    return {
        command: [...command],
        interval: HEALTH_TIMING.intervalSec,
        timeout: HEALTH_TIMING.timeoutSec,
        retries: HEALTH_TIMING.retries,
        startPeriod: HEALTH_TIMING.startPeriodSec,
    };
}

/** The awslogs driver writing to one log group; streams are <prefix>/<container>/<task id>. */
export function awslogs(group: string, region: string, streamPrefix: string): ContainerDefinition["logConfiguration"] {
    return {
        logDriver: "awslogs",
        options: {
            "awslogs-group": group,
            "awslogs-region": region,
            "awslogs-stream-prefix": streamPrefix,
            // A slow CloudWatch must never stall the app: buffer in memory and drop when full.
            mode: "non-blocking",
            "max-buffer-size": "4m",
        },
    };
}

/** ECS environment list, sorted by name as ECS returns it (so a refresh never shows a diff). */
export function ecsEnvironment(env: Readonly<Record<string, string>>): ContainerDefinition["environment"] {
    return Object.keys(env)
        .sort()
        .map((name) => ({ name, value: env[name] }));
}

/** Fargate runtimePlatform.cpuArchitecture for an image platform. */
export function cpuArchitecture(platform: Platform): "X86_64" | "ARM64" {
    return platform === "linux/arm64" ? "ARM64" : "X86_64";
}
