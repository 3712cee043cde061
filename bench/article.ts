// The article's configuration (bench/article/), brought up with plain docker commands, not through
// our program: a network, one container per app service running the article's Gunicorn command line
// in our app image, and nginx (our offline nginx base) with the article's nginx.conf.
import { readFileSync } from "fs";
import * as path from "path";
import { cli } from "../e2e/docker";
import { BENCH_LABEL, waitServing } from "./host";

export interface ArticleService {
    readonly name: string;
    readonly command: readonly string[];
}

export interface ArticleFixture {
    readonly nginxConf: string;
    readonly nginxPort: number;
    readonly services: readonly ArticleService[];
}

export const ARTICLE_DIR = path.join(__dirname, "article");

export function loadArticleFixture(dir = ARTICLE_DIR): ArticleFixture {
    const f = JSON.parse(readFileSync(path.join(dir, "fixture.json"), "utf8")) as ArticleFixture;
    return { ...f, nginxConf: path.join(dir, f.nginxConf) };
}

/** Total Gunicorn workers the fixture runs (its `--workers` values). */
export function articleWorkers(f: ArticleFixture): number {
    return f.services.reduce((sum, s) => sum + Number(s.command[s.command.indexOf("--workers") + 1]), 0);
}

export interface ArticleUp {
    readonly url: string;
    readonly nginx: string;
    readonly apps: readonly string[];
}

export interface ArticleOptions {
    readonly runId: string;
    /** Our app image (the same app code). */
    readonly appImage: string;
    /** An nginx image with its stock entrypoint (our offline nginx base). */
    readonly nginxImage: string;
    readonly hostPort: number;
}

export async function upArticle(o: ArticleOptions, f: ArticleFixture = loadArticleFixture()): Promise<ArticleUp> {
    const prefix = `webstack-bench-${o.runId}-article`;
    const label = ["--label", `${BENCH_LABEL}=${o.runId}`];
    await cli(["network", "create", ...label, prefix]);
    const apps: string[] = [];
    for (const s of f.services) {
        const name = `${prefix}-${s.name}`;
        // Working dir "/" with the code on PYTHONPATH: the article's image had no gunicorn.conf.py,
        // and Gunicorn reads ./gunicorn.conf.py from its working dir when there is one. HOME: Gunicorn
        // 26 opens a control socket there (the article's Gunicorn had none).
        await cli([
            "run",
            "-d",
            "--name",
            name,
            ...label,
            "--network",
            prefix,
            "--network-alias",
            s.name,
            "-w",
            "/",
            "-e",
            "PYTHONPATH=/app",
            "-e",
            "HOME=/tmp",
            "-e",
            `WEBSTACK_SERVICE=${s.name}`,
            "-e",
            "WEBSTACK_VERSION=article",
            o.appImage,
            ...s.command,
        ]);
        apps.push(name);
    }
    const nginx = `${prefix}-nginx`;
    // nginx resolves the upstream names once, at start: the apps must exist first (they do).
    await cli(["create", "--name", nginx, ...label, "--network", prefix, "-p", `127.0.0.1:${o.hostPort}:${f.nginxPort}`, o.nginxImage]);
    await cli(["cp", f.nginxConf, `${nginx}:/etc/nginx/nginx.conf`]);
    await cli(["start", nginx]);
    const url = `http://127.0.0.1:${o.hostPort}/`;
    await waitServing(url);
    return { url, nginx, apps };
}
