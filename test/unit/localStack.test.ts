import { Evaluation, evaluate } from "../../e2e/evaluate";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/defaults";
import { APP_HEALTHCHECK, NGINX_HEALTHCHECK } from "../../lib/runtime";
import { renderNginxConfig } from "../../nginx/render";
import { T, countByType, labelMap, one } from "../support/graph";

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
            [T.container]: 3,
        });
    });

    test("names are derived from the component names", () => {
        const names = (type: string) =>
            def.resources
                .filter((r) => r.type === type)
                .map((r) => r.name)
                .sort();
        expect(names(T.container)).toEqual(["webstack-application1-1", "webstack-application2-1", "webstack-nginx"]);
        expect(names(T.image)).toEqual(["webstack-app-image", "webstack-nginx-image"]);
        expect(names(T.network)).toEqual(["webstack-network"]);
        expect(one(def, T.container, "webstack-application1-1").parent).toMatch(/webstack:local:AppService::webstack-application1$/);
    });

    test("images are our Dockerfiles on the configured base, never pushed", () => {
        expect(one(def, T.image, "webstack-app-image").inputs).toEqual({
            imageName: "webstack-app:dev",
            build: { context: "app", dockerfile: "app/Dockerfile", args: { BASE_IMAGE: "python:3.13-slim" } },
            skipPush: true,
            buildOnPreview: false,
        });
        expect(one(def, T.image, "webstack-nginx-image").inputs.build).toEqual({
            context: "nginx",
            dockerfile: "nginx/Dockerfile",
            args: { BASE_IMAGE: "nginx:1.28" },
        });
    });

    test("a user-defined bridge network, labelled", () => {
        const net = one(def, T.network, "webstack-network");
        expect(net.inputs).toMatchObject({ name: "webstack-dev", driver: "bridge" });
        expect(labelMap(net)).toEqual({ "webstack.project": "webstack", "webstack.stack": "dev" });
    });

    test("app replicas: service name as alias, non-root, health check without curl, by image ID", () => {
        const app1 = one(def, T.container, "webstack-application1-1");
        const appImage = one(def, T.image, "webstack-app-image");
        expect(app1.inputs).toMatchObject({
            name: "webstack-dev-application1-1",
            hostname: "webstack-dev-application1-1",
            image: appImage.state.repoDigest,
            user: "10001:10001",
            restart: "unless-stopped",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            stopSignal: "SIGTERM",
            destroyGraceSeconds: 30,
            networksAdvanced: [{ name: "webstack-dev", aliases: ["application1"] }],
            healthcheck: { tests: [...APP_HEALTHCHECK], interval: "5s", timeout: "3s", retries: 3, startPeriod: "10s" },
        });
        expect(app1.inputs.healthcheck).not.toEqual(
            expect.objectContaining({ tests: expect.arrayContaining([expect.stringMatching(/curl|wget/)]) }),
        );
        expect(app1.inputs.envs).toEqual([
            "WEBSTACK_SERVICE=application1",
            "GUNICORN_WORKERS=6",
            "GUNICORN_THREADS=4",
            "GUNICORN_KEEPALIVE_SEC=75",
        ]);
        expect(one(def, T.container, "webstack-application2-1").inputs.envs).toContain("GUNICORN_WORKERS=3");
        expect(labelMap(app1)).toEqual({
            "webstack.project": "webstack",
            "webstack.stack": "dev",
            "webstack.role": "app",
            "webstack.service": "application1",
            "webstack.replica": "1",
        });
        expect(app1.inputs.ports).toBeUndefined();
        expect(app1.deleteBeforeReplace).toBe(true);
    });

    test("nginx is the only container with a published port, on 127.0.0.1:8080", () => {
        const published = def.resources.filter((r) => r.type === T.container && r.inputs.ports !== undefined);
        expect(published.map((r) => r.name)).toEqual(["webstack-nginx"]);
        const nginx = published[0];
        expect(nginx.inputs.ports).toEqual([{ internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(nginx.inputs).toMatchObject({
            name: "webstack-dev-nginx",
            image: one(def, T.image, "webstack-nginx-image").state.repoDigest,
            networksAdvanced: [{ name: "webstack-dev" }],
            healthcheck: { tests: [...NGINX_HEALTHCHECK] },
            stopSignal: "SIGQUIT",
        });
        expect(nginx.inputs.envs).toEqual([
            `WEBSTACK_NGINX_CONF=${renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX })}`,
        ]);
        expect(nginx.deleteBeforeReplace).toBe(true);
    });

    test("gunicorn keep-alive outlives nginx's upstream keepalive_timeout", () => {
        const env = one(def, T.container, "webstack-application1-1").inputs.envs as string[];
        const gunicorn = Number(env.find((e) => e.startsWith("GUNICORN_KEEPALIVE_SEC="))!.split("=")[1]);
        const nginxEnv = (one(def, T.container, "webstack-nginx").inputs.envs as string[])[0];
        const nginxTimeout = Number(/keepalive_timeout (\d+)s;\n {4}\}/.exec(nginxEnv)![1]);
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
        expect(countByType(three)).toMatchObject({ "webstack:local:AppService": 3, [T.container]: 6, [T.image]: 2, [T.network]: 1 });
        const apps = three.resources.filter((r) => r.type === T.container && labelMap(r)["webstack.role"] === "app");
        expect(apps.map((r) => [r.inputs.name, (r.inputs.networksAdvanced as { aliases: string[] }[])[0].aliases[0]])).toEqual([
            ["webstack-dev-alpha-1", "alpha"],
            ["webstack-dev-alpha-2", "alpha"],
            ["webstack-dev-beta-1", "beta"],
            ["webstack-dev-beta-2", "beta"],
            ["webstack-dev-beta-3", "beta"],
        ]);
        expect(one(three, T.container, "webstack-beta-2").inputs.envs).toEqual([
            "WEBSTACK_SERVICE=beta",
            "GUNICORN_WORKERS=1",
            "GUNICORN_THREADS=8",
            "GUNICORN_KEEPALIVE_SEC=75",
        ]);
    });

    test("nginx lists all three (gamma too, at 0 replicas) and publishes the configured port", () => {
        const nginx = one(three, T.container, "webstack-nginx");
        const conf = (nginx.inputs.envs as string[])[0];
        expect(conf.match(/server \S+ weight=\d+ max_fails=1 fail_timeout=2s resolve;/g)).toEqual([
            "server alpha:8000 weight=3 max_fails=1 fail_timeout=2s resolve;",
            "server beta:8000 weight=1 max_fails=1 fail_timeout=2s resolve;",
            "server gamma:8000 weight=2 max_fails=1 fail_timeout=2s resolve;",
        ]);
        expect(nginx.inputs.ports).toEqual([{ internal: 80, external: 18080, ip: "127.0.0.1", protocol: "tcp" }]);
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
