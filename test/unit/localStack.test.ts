import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { APP_HEALTHCHECK, LOCAL_APP_STOP, NGINX_CONF_DIR, NGINX_HEALTHCHECK } from "../../lib/runtime";
import { configIdOf, renderNginxConfig } from "../../nginx/render";
import { DeclaredResource } from "../../evaluation/evaluate";
import { DOCKER } from "../../evaluation/resourceTypes";
import { T, countByType, labelMap, one } from "../support/graph";
import { replicaUid } from "../../lib/local/limits";

/** Replica `i` of `service`, whatever its generation (names are `<component>-<generation>-<i>`). */
function replica(ev: Evaluation, service: string, i: number): DeclaredResource {
    const found = ev.resources.filter((r) => r.type === T.container && new RegExp(`^webstack-${service}-[0-9a-f]{6}-${i}$`).test(r.name));
    if (found.length !== 1) {
        throw new Error(`expected one replica ${i} of ${service}, found ${found.length}`);
    }
    return found[0];
}

const envOf = (r: DeclaredResource) => r.inputs.envs as string[];
const configOf = (ev: Evaluation) =>
    envOf(ev.resources.find((r) => r.type === T.container && labelMap(r)["webstack.role"] === "nginx-config")!)
        .find((e) => e.startsWith("WEBSTACK_NGINX_CONF="))!
        .slice("WEBSTACK_NGINX_CONF=".length);

const THREE = {
    httpPort: 18080,
    services: [
        { name: "alpha", weight: 3, replicas: 2, workers: 2 },
        { name: "beta", weight: 1, replicas: 3, workers: 1, threads: 8 },
        { name: "gamma", weight: 2, replicas: 0, workers: 1 },
    ],
};

let def: Evaluation;
let three: Evaluation;
beforeAll(async () => {
    def = await evaluate({});
    three = await evaluate(THREE);
});

describe("default config: the article's stack", () => {
    test("exact types and counts", () => {
        expect(def.error).toBeUndefined();
        expect(countByType(def)).toEqual({
            "webstack:local:WebStack": 1,
            "webstack:image:BuiltImage": 2,
            "webstack:local:Network": 1,
            "webstack:local:AppService": 2,
            "webstack:local:Nginx": 1,
            [T.image]: 2,
            [T.network]: 1,
            [DOCKER.volume]: 1,
            // Two replicas, nginx and the container that publishes nginx's config.
            [T.container]: 4,
        });
    });

    test("names are derived from the component names", () => {
        const names = (type: string) =>
            def.resources
                .filter((r) => r.type === type)
                .map((r) => r.name)
                .sort();
        expect(names(T.container)).toEqual([
            expect.stringMatching(/^webstack-application1-[0-9a-f]{6}-1$/),
            expect.stringMatching(/^webstack-application2-[0-9a-f]{6}-1$/),
            "webstack-nginx",
            `webstack-nginx-config-${configIdOf(configOf(def))}`,
        ]);
        expect(names(T.image)).toEqual(["webstack-app-image", "webstack-nginx-image"]);
        expect(names(T.network)).toEqual(["webstack-network"]);
        expect(replica(def, "application1", 1).parent).toMatch(/webstack:local:AppService::webstack-application1$/);
    });

    test("images are our Dockerfiles on the configured base, never pushed", () => {
        expect(one(def, T.image, "webstack-app-image").inputs).toEqual({
            imageName: "webstack-app:dev",
            build: {
                context: "app",
                dockerfile: "app/Dockerfile",
                args: { BASE_IMAGE: "python:3.13-slim", WEBSTACK_SOURCE_DIGEST: expect.stringMatching(/^[0-9a-f]{64}$/) },
            },
            skipPush: true,
            buildOnPreview: false,
        });
        expect(one(def, T.image, "webstack-nginx-image").inputs.build).toEqual({
            context: "nginx",
            dockerfile: "nginx/Dockerfile",
            args: { BASE_IMAGE: "nginx:1.28", WEBSTACK_SOURCE_DIGEST: expect.stringMatching(/^[0-9a-f]{64}$/) },
        });
    });

    test("a user-defined bridge network, labelled", () => {
        const net = one(def, T.network, "webstack-network");
        expect(net.inputs).toMatchObject({ name: "webstack-dev", driver: "bridge" });
        expect(labelMap(net)).toEqual({ "webstack.project": "webstack", "webstack.stack": "dev" });
    });

    test("app replicas: service name as alias, non-root, health check without curl, by image ID", () => {
        const app1 = replica(def, "application1", 1);
        const appImage = one(def, T.image, "webstack-app-image");
        const dockerName = app1.name.replace(/^webstack-/, "webstack-dev-");
        expect(app1.inputs).toMatchObject({
            name: dockerName,
            hostname: dockerName,
            image: appImage.state.repoDigest,
            // A uid of its own, the image's group (lib/local/limits.ts replicaUid).
            user: `${replicaUid(dockerName)}:10001`,
            restart: "unless-stopped",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            stopSignal: "SIGTERM",
            destroyGraceSeconds: LOCAL_APP_STOP.stopGraceSec,
            networksAdvanced: [{ name: "webstack-dev", aliases: ["application1"] }],
            healthcheck: { tests: [...APP_HEALTHCHECK], interval: "5s", timeout: "3s", retries: 3, startPeriod: "10s" },
        });
        expect(app1.inputs.healthcheck).not.toEqual(
            expect.objectContaining({ tests: expect.arrayContaining([expect.stringMatching(/curl|wget/)]) }),
        );
        expect(app1.inputs.envs).toEqual(
            expect.arrayContaining([
                "WEBSTACK_SERVICE=application1",
                "GUNICORN_WORKERS=6",
                "GUNICORN_THREADS=4",
                "GUNICORN_KEEPALIVE_SEC=75",
            ]),
        );
        expect(envOf(replica(def, "application2", 1))).toContain("GUNICORN_WORKERS=3");
        expect(labelMap(app1)).toEqual({
            "webstack.project": "webstack",
            "webstack.stack": "dev",
            "webstack.role": "app",
            "webstack.service": "application1",
            "webstack.replica": "1",
        });
        expect(app1.inputs.ports).toBeUndefined();
        // Never replaced in place: a new generation is new names, created before the old are deleted.
        expect(app1.deleteBeforeReplace).toBe(false);
    });

    test("nginx is the only container with published ports: 8080, and 8443 reserved for TLS, on 127.0.0.1", () => {
        const published = def.resources.filter((r) => r.type === T.container && r.inputs.ports !== undefined);
        expect(published.map((r) => r.name)).toEqual(["webstack-nginx"]);
        const nginx = published[0];
        expect(nginx.inputs.ports).toEqual([
            { internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 8443, external: 8443, ip: "127.0.0.1", protocol: "tcp" },
        ]);
        expect(nginx.inputs).toMatchObject({
            name: "webstack-dev-nginx",
            image: one(def, T.image, "webstack-nginx-image").state.repoDigest,
            networksAdvanced: [{ name: "webstack-dev" }],
            healthcheck: { tests: [...NGINX_HEALTHCHECK] },
            stopSignal: "SIGQUIT",
        });
        // The config is not in nginx's inputs (a change must not replace it): it reads it from the volume.
        expect(envOf(nginx).join("\n")).not.toContain("WEBSTACK_NGINX_CONF=");
        expect(envOf(nginx)).toContain(`WEBSTACK_NGINX_CONF_DIR=${NGINX_CONF_DIR}`);
        expect(nginx.inputs.mounts).toEqual([
            { type: "volume", source: "webstack-dev-nginx-config", target: NGINX_CONF_DIR, readOnly: true },
        ]);
        expect(configOf(def)).toBe(
            renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost", "127.0.0.1"] }),
        );
        expect(nginx.deleteBeforeReplace).toBe(true);
    });

    test("gunicorn keep-alive outlives nginx's upstream keepalive_timeout", () => {
        const env = envOf(replica(def, "application1", 1));
        const gunicorn = Number(env.find((e) => e.startsWith("GUNICORN_KEEPALIVE_SEC="))!.split("=")[1]);
        const nginxTimeout = Number(/keepalive_timeout (\d+)s;\n {4}\}/.exec(configOf(def))![1]);
        expect(gunicorn).toBeGreaterThan(nginxTimeout);
    });

    test("stack outputs: url, upstreams, and the nginx container to follow its log", () => {
        expect(def.outputs).toEqual({
            url: "http://127.0.0.1:8080/",
            nginxContainer: "webstack-dev-nginx",
            upstreams: {
                application1: { weight: 3, replicas: 1, expectedShare: 0.75 },
                application2: { weight: 1, replicas: 1, expectedShare: 0.25 },
            },
        });
    });
});

describe("three services with replicas (one at 0)", () => {
    test("exact counts: a container per replica, a component per service", () => {
        expect(countByType(three)).toMatchObject({ "webstack:local:AppService": 3, [T.container]: 7, [T.image]: 2, [T.network]: 1 });
        const apps = three.resources.filter((r) => r.type === T.container && labelMap(r)["webstack.role"] === "app");
        expect(apps.map((r) => [r.inputs.name, (r.inputs.networksAdvanced as { aliases: string[] }[])[0].aliases[0]])).toEqual([
            [expect.stringMatching(/^webstack-dev-alpha-[0-9a-f]{6}-1$/), "alpha"],
            [expect.stringMatching(/^webstack-dev-alpha-[0-9a-f]{6}-2$/), "alpha"],
            [expect.stringMatching(/^webstack-dev-beta-[0-9a-f]{6}-1$/), "beta"],
            [expect.stringMatching(/^webstack-dev-beta-[0-9a-f]{6}-2$/), "beta"],
            [expect.stringMatching(/^webstack-dev-beta-[0-9a-f]{6}-3$/), "beta"],
        ]);
        // Replicas of one service share a generation; services with other settings do not.
        const gen = (r: DeclaredResource) => /-([0-9a-f]{6})-\d+$/.exec(r.name)![1];
        expect(new Set(apps.filter((r) => labelMap(r)["webstack.service"] === "beta").map(gen)).size).toBe(1);
        expect(gen(replica(three, "alpha", 1))).not.toBe(gen(replica(three, "beta", 1)));
        expect(envOf(replica(three, "beta", 2))).toEqual(
            expect.arrayContaining(["WEBSTACK_SERVICE=beta", "GUNICORN_WORKERS=1", "GUNICORN_THREADS=8", "GUNICORN_KEEPALIVE_SEC=75"]),
        );
    });

    test("nginx lists all three (gamma too, at 0 replicas) and publishes the configured port", () => {
        const nginx = one(three, T.container, "webstack-nginx");
        const conf = configOf(three);
        expect(conf.match(/server \S+ weight=\d+ max_fails=1 fail_timeout=2s resolve;/g)).toEqual([
            "server alpha:8000 weight=3 max_fails=1 fail_timeout=2s resolve;",
            "server beta:8000 weight=1 max_fails=1 fail_timeout=2s resolve;",
            "server gamma:8000 weight=2 max_fails=1 fail_timeout=2s resolve;",
        ]);
        expect(nginx.inputs.ports).toEqual([
            { internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 8443, external: 8443, ip: "127.0.0.1", protocol: "tcp" },
        ]);
    });

    test("outputs", () => {
        expect(three.outputs).toEqual({
            url: "http://127.0.0.1:18080/",
            nginxContainer: "webstack-dev-nginx",
            upstreams: {
                alpha: { weight: 3, replicas: 2, expectedShare: 0.6667 },
                beta: { weight: 1, replicas: 3, expectedShare: 0.3333 },
                gamma: { weight: 2, replicas: 0, expectedShare: 0 },
            },
        });
    });
});
