// Sweeps of what stack config does not reach (a static nginx directive, a Gunicorn setting): the
// declared resources are patched before the replay, so the sweep runs exactly the stack the program
// would declare if render.ts or gunicorn.conf.py said so. Never used by `npm run bench` itself.
import type { DeclaredResource, Evaluation } from "../e2e/evaluate";
import { NGINX_CONF_ENV } from "../lib/runtime";

export interface DeclarationPatch {
    /** Text replacements in the rendered nginx.conf; each `from` must occur. */
    readonly nginxConf?: readonly (readonly [string, string])[];
    /** Environment set on every app container (e.g. GUNICORN_CMD_ARGS, read by Gunicorn after its config file). */
    readonly appEnv?: Readonly<Record<string, string>>;
}

const CONTAINER = "docker:index/container:Container";

/** A declared container's webstack.role label. */
export function roleOf(r: DeclaredResource): string | undefined {
    return ((r.inputs.labels ?? []) as { label: string; value: string }[]).find((l) => l.label === "webstack.role")?.value;
}

/** Replaces KEY=... in place, or appends it. */
function setEnv(envs: readonly string[], key: string, value: string): string[] {
    const i = envs.findIndex((e) => e.startsWith(`${key}=`));
    return i < 0 ? [...envs, `${key}=${value}`] : envs.map((e, j) => (j === i ? `${key}=${value}` : e));
}

/** Applies the patch to the declared containers; throws when a replacement finds nothing. */
export function patchEvaluation(ev: Evaluation, patch: DeclarationPatch): Evaluation {
    const resources = ev.resources.map((r): DeclaredResource => {
        if (r.type !== CONTAINER) {
            return r;
        }
        let envs = (r.inputs.envs ?? []) as string[];
        const role = roleOf(r);
        if (role === "nginx-config") {
            // The rendered config travels in the container that publishes it to nginx (local target).
            const entry = envs.find((e) => e.startsWith(`${NGINX_CONF_ENV}=`));
            if (entry !== undefined && patch.nginxConf) {
                let conf = entry.slice(NGINX_CONF_ENV.length + 1);
                for (const [from, to] of patch.nginxConf) {
                    if (!conf.includes(from)) {
                        throw new Error(`nginx.conf patch: ${JSON.stringify(from)} is not in the rendered config`);
                    }
                    conf = conf.split(from).join(to);
                }
                envs = setEnv(envs, NGINX_CONF_ENV, conf);
            }
        } else if (role === "app") {
            for (const [k, v] of Object.entries(patch.appEnv ?? {})) {
                envs = setEnv(envs, k, v);
            }
        }
        return { ...r, inputs: { ...r.inputs, envs } };
    });
    return { ...ev, resources };
}
