// N one-worker app replicas behind our nginx, with plain docker commands as the article is run
// (bench/stacks.ts upArticle): the program's app and nginx images, its environment, user, read-only
// root, dropped capabilities and tmpfs, and nginx's config as nginx/render.ts renders the default
// tuning (service names re-resolved by Docker's DNS). Unlike the replay, no container health checks:
// on a 2-core host, 40 Python health checks every 5 s are load of their own, and the replay's wait for
// 40 healthy containers failed on the shared host (docker exec took up to 30 s there).
import * as path from "path";
import { DEFAULT_NGINX } from "../lib/config/defaults";
import {
    APP_TMPFS,
    APP_USER,
    NGINX_CONF_ENV,
    NGINX_PORT,
    NGINX_TMPFS,
    appEnvironment,
    dockerTmpfsOptions,
    nginxEnvironment,
} from "../lib/runtime";
import { renderNginxConfig } from "../nginx/render";
import { cli } from "../replay/docker";
import { OFFLINE_BASES } from "../replay/stackFile";
import { BENCH_LABEL, ROOT, Up } from "./stacks";

/** The services of a run with `replicas` 1-worker replicas in all: the default's two, weights 3:1. */
export function replicaServices(replicas: number): { name: string; weight: number; replicas: number; workers: number; threads: number }[] {
    if (!Number.isInteger(replicas) || replicas < 2 || replicas % 2 !== 0) {
        throw new Error(`replicas must be an even number ≥ 2 (two services), got ${replicas}`);
    }
    return [
        { name: "application1", weight: 3, replicas: replicas / 2, workers: 1, threads: 4 },
        { name: "application2", weight: 1, replicas: replicas / 2, workers: 1, threads: 4 },
    ];
}

const envArgs = (env: Readonly<Record<string, string>>) => Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);

/** The app and nginx images, built from app/ and nginx/ on the offline bases (classic builder, cached). */
export async function buildImages(tag: string): Promise<{ app: string; nginx: string }> {
    const images = { app: `webstack-${tag}-app:local`, nginx: `webstack-${tag}-nginx:local` };
    const build = (image: string, dir: string, base: string) =>
        cli(["build", "--tag", image, "--network", "none", "--build-arg", `BASE_IMAGE=${base}`, path.join(ROOT, dir)], {
            env: { DOCKER_BUILDKIT: "0" },
        });
    await build(images.app, "app", OFFLINE_BASES.appBaseImage);
    await build(images.nginx, "nginx", OFFLINE_BASES.nginxBaseImage);
    return images;
}

/** Network, `replicas` app containers (4 started at a time) and nginx on 127.0.0.1:hostPort. Remove with cleanupBench(runId). */
export async function upReplicas(o: {
    runId: string;
    replicas: number;
    hostPort: number;
    images: { app: string; nginx: string };
}): Promise<Up> {
    const prefix = `webstack-bench-${o.runId}-r${o.replicas}`;
    const label = ["--label", `${BENCH_LABEL}=${o.runId}`];
    await cli(["network", "create", ...label, prefix]);
    const services = replicaServices(o.replicas);
    const runs = services.flatMap((s) => Array.from({ length: s.replicas }, (_, i) => ({ s, name: `${prefix}-${s.name}-${i + 1}` })));
    for (let i = 0; i < runs.length; i += 4) {
        await Promise.all(
            runs
                .slice(i, i + 4)
                .map(({ s, name }) =>
                    cli([
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--hostname",
                        name,
                        ...label,
                        "--network",
                        prefix,
                        "--network-alias",
                        s.name,
                        ...envArgs(appEnvironment(s, DEFAULT_NGINX, undefined, "bench")),
                        "--user",
                        APP_USER,
                        "--read-only",
                        "--cap-drop",
                        "ALL",
                        "--tmpfs",
                        `${APP_TMPFS.containerPath}:${dockerTmpfsOptions(APP_TMPFS)}`,
                        o.images.app,
                    ]),
                ),
        );
    }
    const conf = renderNginxConfig({ services, tuning: DEFAULT_NGINX, serverNames: ["localhost", "127.0.0.1"] });
    await cli([
        "run",
        "-d",
        "--name",
        `${prefix}-nginx`,
        ...label,
        "--network",
        prefix,
        "--publish",
        `127.0.0.1:${o.hostPort}:${NGINX_PORT}`,
        ...envArgs({ ...nginxEnvironment(), [NGINX_CONF_ENV]: conf }),
        "--read-only",
        "--cap-drop",
        "ALL",
        ...NGINX_TMPFS.flatMap((t) => ["--tmpfs", `${t.containerPath}:${dockerTmpfsOptions(t)}`]),
        o.images.nginx,
    ]);
    return { url: `http://127.0.0.1:${o.hostPort}/`, apps: runs.map((r) => r.name) };
}
