// The limit of the proxy path: the app served directly. One container declared exactly like our app
// containers (same image, Gunicorn config, user, read-only root, health check), with every Gunicorn
// worker of the stack in it, and its port published on 127.0.0.1. Created through the same replay.
import type { DeclaredResource, Evaluation } from "../e2e/evaluate";
import { replay } from "../e2e/replay";
import { BENCH_LABEL, waitServing } from "./host";
import { ROOT, appContainers } from "./ours";
import { APP_PORT } from "../lib/runtime";

/** Sum of GUNICORN_WORKERS over the declared app containers. */
export function stackWorkers(ev: Evaluation): number {
    return appContainers(ev).reduce((sum, r) => sum + Number(envOf(r).GUNICORN_WORKERS ?? 0), 0);
}

/** A declared container's environment as a map. */
export function envOf(r: DeclaredResource): Record<string, string> {
    return Object.fromEntries(((r.inputs.envs ?? []) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

export interface DirectOptions {
    readonly runId: string;
    readonly image: string;
    readonly hostPort: number;
    /** Extra environment (sweeps: e.g. GUNICORN_CMD_ARGS to try another worker class). */
    readonly env?: Readonly<Record<string, string>>;
    /** Container name suffix. Default "direct". */
    readonly name?: string;
}

/** The direct container's declaration, derived from the first declared app container. */
export function directDeclaration(ev: Evaluation, o: DirectOptions): DeclaredResource {
    const template = appContainers(ev)[0];
    if (!template) {
        throw new Error("the stack declares no app container to copy");
    }
    const env = { ...envOf(template), WEBSTACK_SERVICE: "direct", GUNICORN_WORKERS: String(stackWorkers(ev)), ...(o.env ?? {}) };
    const name = `webstack-bench-${o.runId}-${o.name ?? "direct"}`;
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

export interface DirectUp {
    readonly url: string;
    readonly container: string;
    readonly workers: number;
}

export async function upDirect(ev: Evaluation, o: DirectOptions): Promise<DirectUp> {
    const decl = directDeclaration(ev, o);
    await replay({ resources: [decl] }, { root: ROOT });
    const url = `http://127.0.0.1:${o.hostPort}/`;
    await waitServing(url);
    return { url, container: String(decl.inputs.name), workers: stackWorkers(ev) };
}
