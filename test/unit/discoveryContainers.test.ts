// The discovery sidecar's container definition, nginx's side of it, and the image contract.
import { readFileSync } from "fs";
import * as path from "path";
import {
    DISCOVERY_CONTAINER,
    DISCOVERY_VOLUME,
    discoveryConfig,
    discoveryContainer,
    nginxContainer,
} from "../../components/aws/containers";
import { parseDiscoveryConfig } from "../../discovery/config";
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import {
    DISCOVERY,
    DISCOVERY_CONFIG_ENV,
    DISCOVERY_DIR,
    DISCOVERY_DIR_ENV,
    DISCOVERY_TEST_ENDPOINT_ENV,
    DISCOVERY_USER,
    NGINX_USER,
} from "../../lib/runtime";
import type { AwsServiceSpec } from "../../lib/config/types";

const ROOT = path.join(__dirname, "../..");
const svc = (name: string, extra: Partial<AwsServiceSpec>): AwsServiceSpec =>
    ({ name, weight: 1, replicas: 2, workers: 1, threads: 4, cpu: 256, memoryMiB: 512, capacity: "fargate", ...extra }) as AwsServiceSpec;

describe("discoveryConfig", () => {
    test("per-replica weights, backup, and whether a service may have no task (1 for any count: a scale change keeps nginx's task definition)", () => {
        const c = discoveryConfig(
            [svc("a", { weight: 3 }), svc("b", { replicas: 0 }), svc("c", { autoscaling: { min: 4, max: 200 } as never, backup: true })],
            "webstack-aws.internal",
            DEFAULT_NGINX,
        );
        expect(c.services).toEqual([
            { name: "a", weight: 3, backup: false, minReplicas: 1 },
            { name: "b", weight: 1, backup: false, minReplicas: 0 },
            { name: "c", weight: 1, backup: true, minReplicas: 1 },
        ]);
        expect([c.pollSec, c.coalesceSec, c.port, c.failTimeoutSec]).toEqual([
            DISCOVERY.pollSec,
            DISCOVERY.coalesceSec,
            8000,
            DEFAULT_NGINX.failTimeoutSec,
        ]);
    });
});

describe("discoveryContainer", () => {
    const config = discoveryConfig([svc("a", {})], "ns.internal", DEFAULT_NGINX);
    const def = discoveryContainer({ config, logGroupName: "/ecs/x/nginx", region: "eu-west-1" });
    const env = Object.fromEntries(def.environment.map((e) => [e.name, e.value]));

    test("essential, locked down like nginx, writing only to the shared volume", () => {
        expect(def).toMatchObject({
            name: DISCOVERY_CONTAINER,
            essential: true,
            user: DISCOVERY_USER,
            readonlyRootFilesystem: true,
            linuxParameters: { capabilities: { drop: ["ALL"] } },
            mountPoints: [{ sourceVolume: DISCOVERY_VOLUME, containerPath: DISCOVERY_DIR, readOnly: false }],
            portMappings: [],
        });
        expect(DISCOVERY_USER).toBe(NGINX_USER);
    });
    test("its config round-trips through the sidecar's parser; no test endpoint on ECS (the data- host prefix stays on)", () => {
        expect(parseDiscoveryConfig(env[DISCOVERY_CONFIG_ENV])).toEqual(config);
        expect(env).toMatchObject({ AWS_REGION: "eu-west-1", [DISCOVERY_DIR_ENV]: DISCOVERY_DIR });
        expect(env).not.toHaveProperty(DISCOVERY_TEST_ENDPOINT_ENV);
        expect(env).not.toHaveProperty("AWS_ENDPOINT_URL_SERVICEDISCOVERY");
    });
    test("status lines go to nginx's log group under the stream prefix `discovery`", () => {
        expect(def.logConfiguration.options).toMatchObject({ "awslogs-group": "/ecs/x/nginx", "awslogs-stream-prefix": "discovery" });
    });
    test("healthy once a set is published (the `current` link), not tied to each call succeeding", () => {
        expect(def.healthCheck.command.join(" ")).toContain(`${DISCOVERY_DIR}/current`);
    });
});

describe("nginxContainer with discovery", () => {
    test("mounts the shared volume read-only and gets the watcher's settings; without discovery, neither", () => {
        const on = nginxContainer({ config: "x", ports: [8080], logGroupName: "g", region: "r", discovery: true });
        const off = nginxContainer({ config: "x", ports: [8080], logGroupName: "g", region: "r" });
        expect(on.mountPoints).toEqual([{ sourceVolume: DISCOVERY_VOLUME, containerPath: DISCOVERY_DIR, readOnly: true }]);
        expect(on.environment.map((e) => e.name)).toEqual(expect.arrayContaining([DISCOVERY_DIR_ENV, "WEBSTACK_NGINX_UPSTREAM_DIR"]));
        expect(off.mountPoints).toBeUndefined();
        expect(off.environment.map((e) => e.name)).not.toContain(DISCOVERY_DIR_ENV);
    });
});

describe("discovery/Dockerfile", () => {
    const dockerfile = readFileSync(path.join(ROOT, "discovery/Dockerfile"), "utf8");
    test("official node image by default, non-root as DISCOVERY_USER, the volume's mount point owned by it", () => {
        expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:\d+[\w.-]*$/m);
        expect(dockerfile).toMatch(new RegExp(`^USER ${DISCOVERY_USER}$`, "m"));
        expect(dockerfile).toContain(
            `install -d -o ${DISCOVERY_USER.split(":")[0]} -g ${DISCOVERY_USER.split(":")[1]} -m 0755 ${DISCOVERY_DIR}`,
        );
        expect(dockerfile).toMatch(new RegExp(`^VOLUME ${DISCOVERY_DIR}$`, "m"));
    });
    test("only the bundle is in the build context", () => {
        expect(readFileSync(path.join(ROOT, "discovery/.dockerignore"), "utf8").split("\n")).toEqual([
            "*",
            "!dist/discovery.js",
            "!Dockerfile",
            "",
        ]);
    });
});
