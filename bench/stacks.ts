// The three configurations on the real engine. Ours: the program's default stack, evaluated under
// the mock runtime (evaluation/) and replayed (replay/). Direct: one app container declared like ours with every
// Gunicorn worker, published without nginx. Article: bench/article/ with plain docker commands.
import * as path from "path";
import { LABEL } from "../components/labels";
import { call, cli, containersByLabel, docker, networksByLabel, sleep } from "../replay/docker";
import { DeclaredResource, Evaluation, evaluate } from "../evaluation/evaluate";
import { replay, teardown } from "../replay/replay";
import { DOCKER } from "../evaluation/resourceTypes";
import { OFFLINE_BASES } from "../replay/stackFile";
import { agentFor, get } from "../traffic/traffic";
import { APP_PORT } from "../lib/runtime";
import type { ArticleFixture } from "./article";

export const ROOT = path.resolve(__dirname, "..");

/** Label on every container and network the bench creates outside our stack (value: run id). */
export const BENCH_LABEL = "webstack.bench";

/** A configuration that serves: its URL and the containers to watch. */
export interface Up {
    readonly url: string;
    /** Docker names of the containers that run Gunicorn. */
    readonly apps: readonly string[];
}

const labelOf = (r: DeclaredResource, key: string) =>
    ((r.inputs.labels ?? []) as { label: string; value: string }[]).find((l) => l.label === key)?.value;

/** The declared containers with role `role` (LABEL.role: "app" or "nginx"). */
export function containersWithRole(ev: Evaluation, role: string): DeclaredResource[] {
    return ev.resources.filter((r) => r.type === DOCKER.container && labelOf(r, LABEL.role) === role);
}

/** A declared container's environment as a map. */
export function envOf(r: DeclaredResource): Record<string, string> {
    return Object.fromEntries(((r.inputs.envs ?? []) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** Sum of GUNICORN_WORKERS over the declared app containers. */
export function stackWorkers(ev: Evaluation): number {
    return containersWithRole(ev, "app").reduce((sum, r) => sum + Number(envOf(r).GUNICORN_WORKERS ?? 0), 0);
}

/** Polls `url` until it answers 200 `times` in a row; throws after `timeoutMs`. `ca`: the PEM an https URL chains to. */
export async function waitServing(url: string, timeoutMs = 60_000, times = 3, ca?: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ok = 0;
    const agent = agentFor(url, false, undefined, ca);
    while (Date.now() < deadline) {
        const r = await get(url, agent, 2000);
        ok = r.status === 200 ? ok + 1 : 0;
        if (ok >= times) {
            return;
        }
        await sleep(200);
    }
    throw new Error(`${url} did not serve within ${timeoutMs / 1000}s`);
}

export interface OursUp extends Up {
    readonly ev: Evaluation;
    /** Built app image ID (the article and direct run the same code). */
    readonly appImage: string;
}

/**
 * Brings stack `stack` up with the default config on `httpPort` (replacing any earlier run) and waits
 * until it serves; with `tls`, TLS (self-signed) is on and the URL is the https one on `httpsPort`.
 */
export async function upOurs(stack: string, httpPort: number, httpsPort: number, tls = false): Promise<OursUp> {
    const ev = await evaluate({ ...OFFLINE_BASES, httpPort, httpsPort, ...(tls ? { tls: { mode: "self-signed" } } : {}) }, { stack });
    if (ev.error) {
        throw ev.error;
    }
    if (containersWithRole(ev, "nginx").length !== 1) {
        throw new Error(`the stack declares ${containersWithRole(ev, "nginx").length} containers labelled ${LABEL.role}=nginx, not 1`);
    }
    await teardown("webstack", stack);
    const state = await replay(ev, { root: ROOT });
    const url = String(ev.outputs!.url);
    const cert = ev.outputs!.certificatePem === undefined ? undefined : state.refs.get(String(ev.outputs!.certificatePem));
    await waitServing(url, 60_000, 3, cert);
    const image = ev.resources.find((r) => r.type === DOCKER.image && String(r.inputs.imageName).startsWith("webstack-app:"));
    if (!image) {
        throw new Error("the program declares no app image");
    }
    return { url, ev, apps: containersWithRole(ev, "app").map((r) => String(r.inputs.name)), appImage: state.ids.get(image.urn)! };
}

export function downOurs(stack: string): Promise<number> {
    return teardown("webstack", stack);
}

/** The direct container: the first declared app container with all the stack's workers, port published. */
export function directDeclaration(ev: Evaluation, o: { runId: string; image: string; hostPort: number }): DeclaredResource {
    const template = containersWithRole(ev, "app")[0];
    if (!template) {
        throw new Error("the stack declares no app container to copy");
    }
    const env = { ...envOf(template), WEBSTACK_SERVICE: "direct", GUNICORN_WORKERS: String(stackWorkers(ev)) };
    const name = `webstack-bench-${o.runId}-direct`;
    const inputs: Record<string, unknown> = {
        ...template.inputs,
        name,
        hostname: name,
        image: o.image,
        envs: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        ports: [{ internal: APP_PORT, external: o.hostPort, ip: "127.0.0.1", protocol: "tcp" }],
        labels: [{ label: BENCH_LABEL, value: o.runId }],
    };
    delete inputs.networksAdvanced;
    return { ...template, name, urn: `bench::${name}`, inputs, state: inputs, dependencies: [], parent: "" };
}

export async function upDirect(ours: OursUp, o: { runId: string; hostPort: number }): Promise<Up> {
    const decl = directDeclaration(ours.ev, { ...o, image: ours.appImage });
    await replay({ resources: [decl] }, { root: ROOT });
    const url = `http://127.0.0.1:${o.hostPort}/`;
    await waitServing(url);
    return { url, apps: [String(decl.inputs.name)] };
}

export interface ArticleUp extends Up {
    readonly nginx: string;
}

/** The article: its app services in our app image, then nginx (our base) with the fixture's two files. */
export async function upArticle(f: ArticleFixture, o: { runId: string; appImage: string; hostPort: number }): Promise<ArticleUp> {
    const prefix = `webstack-bench-${o.runId}-article`;
    const label = ["--label", `${BENCH_LABEL}=${o.runId}`];
    await cli(["network", "create", ...label, prefix]);
    const apps: string[] = [];
    for (const s of f.services) {
        const name = `${prefix}-${s.name}`;
        // Working dir "/" with the code on PYTHONPATH: the article's image had no gunicorn.conf.py,
        // and Gunicorn reads ./gunicorn.conf.py from its working dir. HOME: Gunicorn 26 opens a
        // control socket there (the article's Gunicorn had none).
        const env = ["-e", "PYTHONPATH=/app", "-e", "HOME=/tmp", "-e", `WEBSTACK_SERVICE=${s.name}`, "-e", "WEBSTACK_VERSION=article"];
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
            ...env,
            o.appImage,
            ...s.command,
        ]);
        apps.push(name);
    }
    const nginx = `${prefix}-nginx`;
    // nginx resolves the upstream names once, at start: the apps exist by now.
    const publish = `127.0.0.1:${o.hostPort}:${f.nginxPort}`;
    await cli(["create", "--name", nginx, ...label, "--network", prefix, "-p", publish, OFFLINE_BASES.nginxBaseImage]);
    await cli(["cp", f.mainConf, `${nginx}:/etc/nginx/nginx.conf`]);
    await cli(["cp", f.serverConf, `${nginx}:/etc/nginx/conf.d/default.conf`]);
    await cli(["start", nginx]);
    const url = `http://127.0.0.1:${o.hostPort}/`;
    await waitServing(url);
    return { url, apps, nginx };
}

/** Removes every container and network carrying BENCH_LABEL=runId; returns how many. */
export async function cleanupBench(runId: string): Promise<number> {
    const labels = { [BENCH_LABEL]: runId };
    const containers = await containersByLabel(labels);
    await Promise.all(
        containers.map((c) =>
            call(`remove container ${c.Id}`, docker.getContainer(c.Id).remove({ force: true, v: true })).catch(() => undefined),
        ),
    );
    const networks = await networksByLabel(labels);
    for (const n of networks) {
        await call(`remove network ${n.Id}`, docker.getNetwork(n.Id).remove()).catch(() => undefined);
    }
    return containers.length + networks.length;
}
