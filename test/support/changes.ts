// The kinds of change the local target must roll out with zero failed requests, on one stack brought
// up from a private copy of app/ and nginx/ (so a code change edits the copy, never the real app/).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { DockerApiError, call, docker, sleep } from "../../replay/docker";
import { planDiff } from "../../replay/plan";
import { ReplayState, applyPlan, replay, teardown, waitHealthy } from "../../replay/replay";
import { DOCKER } from "../../evaluation/resourceTypes";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { NGINX_CONF_ENV } from "../../lib/runtime";
import { configIdOf } from "../../nginx/render";
import { ChangeSpec, allAfter, firstAfter } from "./zeroDowntime";
import { testPorts } from "./engine";

const ROOT = path.resolve(__dirname, "../..");

export interface Service {
    name: string;
    weight: number;
    replicas: number;
    workers: number;
}

/** A running stack the changes are applied to; mutated by each change. */
export interface ChangeStack {
    readonly stack: string;
    /** Folder with the copies of app/ and nginx/ the program builds from. */
    readonly root: string;
    config: Record<string, unknown> & { services: Service[]; nginx: Record<string, unknown> };
    ev: Evaluation;
    state: ReplayState;
    readonly url: string;
    readonly nginx: string;
    codeRound: number;
}

/** Evaluates with the program's working directory at `root` (build contexts are relative to it). */
async function evaluateIn(root: string, config: Record<string, unknown>, stack: string): Promise<Evaluation> {
    const cwd = process.cwd();
    process.chdir(root);
    try {
        const ev = await evaluate({ ...OFFLINE_BASES, ...testPorts(config), ...config }, { stack });
        if (ev.error) {
            throw ev.error;
        }
        return ev;
    } finally {
        process.chdir(cwd);
    }
}

export async function upChangeStack(stack: string, config: ChangeStack["config"]): Promise<ChangeStack> {
    const root = mkdtempSync(path.join(tmpdir(), `webstack-${stack}-`));
    cpSync(path.join(ROOT, "app"), path.join(root, "app"), { recursive: true });
    cpSync(path.join(ROOT, "nginx"), path.join(root, "nginx"), { recursive: true });
    const ev = await evaluateIn(root, config, stack);
    await teardown("webstack", stack);
    const state = await replay(ev, { root, log: () => undefined });
    return { stack, root, config, ev, state, url: String(ev.outputs!.url), nginx: `webstack-${stack}-nginx`, codeRound: 0 };
}

export async function downChangeStack(s: ChangeStack): Promise<void> {
    await teardown("webstack", s.stack);
    rmSync(s.root, { recursive: true, force: true });
}

/** Evaluates `config` and applies the plan from the current state. */
export async function applyConfig(s: ChangeStack, config: ChangeStack["config"]): Promise<Evaluation> {
    const after = await evaluateIn(s.root, config, s.stack);
    await applyPlan(s.state, planDiff(s.ev, after), after);
    s.ev = after;
    s.config = config;
    return after;
}

const containers = (ev: Evaluation): DeclaredResource[] => ev.resources.filter((r) => r.type === DOCKER.container);
const label = (r: DeclaredResource, key: string) =>
    ((r.inputs.labels ?? []) as { label: string; value: string }[]).find((l) => l.label === key)?.value;
const appNames = (ev: Evaluation, service: string) =>
    containers(ev)
        .filter((r) => label(r, "webstack.service") === service)
        .map((r) => String(r.inputs.name));

/** The config id the evaluation's config container publishes (nginx's X-Webstack-Config). */
export function publishedConfigId(ev: Evaluation): string {
    const publisher = containers(ev).find((r) => label(r, "webstack.role") === "nginx-config");
    const env = ((publisher?.inputs.envs ?? []) as string[]).find((e) => e.startsWith(`${NGINX_CONF_ENV}=`));
    if (!env) {
        throw new Error("no config container in the evaluation");
    }
    return configIdOf(env.slice(NGINX_CONF_ENV.length + 1));
}

const withService = (s: ChangeStack, name: string, change: Partial<Service>) => ({
    ...s.config,
    services: s.config.services.map((x) => (x.name === name ? { ...x, ...change } : x)),
});

/** The stack's `upstreams` output: expected share per service of the current config. */
export function expectedUpstreams(s: ChangeStack): Record<string, { expectedShare: number }> {
    return s.ev.outputs!.upstreams as Record<string, { expectedShare: number }>;
}

export const KINDS = [
    "scale up",
    "scale down",
    "SIGKILL of a replica",
    "weight change",
    "nginx tuning change",
    "app code change",
    "app config change (workers, 1 replica)",
    "TLS on, then off",
] as const;
export type Kind = (typeof KINDS)[number];

/** The change of one kind, from the stack's current state (each kind can be repeated). */
export function changeOf(s: ChangeStack, kind: Kind): ChangeSpec {
    switch (kind) {
        case "scale up": {
            let added = "";
            return {
                kind,
                apply: async () => {
                    const before = appNames(s.ev, "application2");
                    const after = await applyConfig(s, withService(s, "application2", { replicas: 2 }));
                    added = appNames(after, "application2").find((n) => !before.includes(n))!;
                },
                servingAt: (replies, applied) => firstAfter(replies, applied - 60_000, (r) => added !== "" && r.container === added),
            };
        }
        case "scale down": {
            let removed = "";
            return {
                kind,
                apply: async () => {
                    const before = appNames(s.ev, "application2");
                    const after = await applyConfig(s, withService(s, "application2", { replicas: 1 }));
                    removed = before.find((n) => !appNames(after, "application2").includes(n))!;
                },
                servingAt: (replies, applied) => allAfter(replies, applied, (r) => r.container !== removed),
            };
        }
        case "SIGKILL of a replica": {
            let victim = "";
            return {
                kind,
                // SIGKILL through the engine, as in `docker kill`: the replica is gone (Docker does not
                // restart a container it killed itself) and its address vanishes while nginx still has it.
                apply: async () => {
                    victim = appNames(s.ev, "application1")[0];
                    await call(`kill ${victim}`, docker.getContainer(victim).kill({ signal: "SIGKILL" }));
                },
                servingAt: (replies, applied) => allAfter(replies, applied, (r) => r.container !== victim),
                restore: async () => {
                    await call(`start ${victim}`, docker.getContainer(victim).start());
                    await waitHealthy({ type: DOCKER.container, name: victim }, victim, 60_000);
                },
            };
        }
        case "weight change":
        case "nginx tuning change": {
            let id = "";
            return {
                kind,
                apply: async () => {
                    const w = s.config.services[0].weight;
                    const keepalive = Number(s.config.nginx.upstreamKeepalive ?? 32);
                    const next =
                        kind === "weight change"
                            ? withService(s, s.config.services[0].name, { weight: w === 3 ? 2 : 3 })
                            : { ...s.config, nginx: { ...s.config.nginx, upstreamKeepalive: keepalive === 32 ? 16 : 32 } };
                    id = publishedConfigId(await applyConfig(s, next));
                },
                servingAt: (replies, applied) => allAfter(replies, applied, (r) => id !== "" && r.config === id),
            };
        }
        case "app config change (workers, 1 replica)": {
            let fresh: string[] = [];
            return {
                kind,
                apply: async () => {
                    const one = s.config.services.find((x) => x.replicas === 1)!;
                    const after = await applyConfig(s, withService(s, one.name, { workers: one.workers === 2 ? 3 : 2 }));
                    fresh = appNames(after, one.name);
                },
                servingAt: (replies, applied) =>
                    allAfter(
                        replies,
                        applied,
                        (r) =>
                            fresh.length > 0 &&
                            (r.service !== s.config.services.find((x) => x.replicas === 1)!.name || fresh.includes(r.container!)),
                    ),
            };
        }
        case "TLS on, then off": {
            // Both ways in one measurement, so the stack ends as it began: plain http answers 200, then
            // 301 while TLS is on (a served request too), then 200 again from the final config.
            let id = "";
            return {
                kind,
                ok: (r) => r.status === 200 || r.status === 301,
                apply: async () => {
                    const plain = s.config;
                    await applyConfig(s, { ...plain, tls: { mode: "self-signed" } });
                    await sleep(1500);
                    id = publishedConfigId(await applyConfig(s, plain));
                },
                servingAt: (replies, applied) => allAfter(replies, applied, (r) => id !== "" && r.status === 200 && r.config === id),
            };
        }
        case "app code change": {
            const text = `Hello (code round ${s.codeRound + 1}) from`;
            return {
                kind,
                bodyMarker: text,
                apply: async () => {
                    s.codeRound++;
                    const file = path.join(s.root, "app", "app.py");
                    const code = readFileSync(file, "utf8").replace(/Hello( \(code round \d+\))? from/, text);
                    writeFileSync(file, code);
                    await applyConfig(s, s.config);
                },
                servingAt: (replies, applied) => allAfter(replies, applied, (r) => r.marked === true),
            };
        }
    }
}

/**
 * Applies a weight change whose published config fails `nginx -t` (a directive nginx does not know is
 * spliced into the config container's input). Returns the apply's error and removes the failed
 * config container; the stack's declared state is left as it was.
 */
export async function applyBrokenConfig(s: ChangeStack): Promise<Error | undefined> {
    const w = s.config.services[0].weight;
    const next = withService(s, s.config.services[0].name, { weight: w === 3 ? 2 : 3 });
    const after = await evaluateIn(s.root, next, s.stack);
    const publisher = containers(after).find((r) => label(r, "webstack.role") === "nginx-config")!;
    const broken: Evaluation = {
        ...after,
        resources: after.resources.map((r) =>
            r !== publisher
                ? r
                : {
                      ...r,
                      inputs: {
                          ...r.inputs,
                          envs: envOfList(r).map((e) =>
                              e.startsWith(`${NGINX_CONF_ENV}=`) ? e.replace("http {", "http {\n    webstack_no_such_directive on;") : e,
                          ),
                      },
                  },
        ),
    };
    try {
        await applyPlan(s.state, planDiff(s.ev, broken), broken);
        return undefined;
    } catch (e) {
        return e as Error;
    } finally {
        // The failed config container may or may not exist; remove it if it does.
        const name = String(publisher.inputs.name);
        await call(`remove ${name}`, docker.getContainer(name).remove({ force: true })).catch((err: unknown) => {
            if (!(err instanceof DockerApiError && err.status === 404)) {
                throw err;
            }
        });
        s.state.declared.delete(publisher.urn);
        s.state.ids.delete(publisher.urn);
    }
}

const envOfList = (r: DeclaredResource) => (r.inputs.envs ?? []) as string[];
