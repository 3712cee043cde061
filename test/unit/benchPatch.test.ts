import type { DeclaredResource, Evaluation } from "../../e2e/evaluate";
import { patchEvaluation } from "../../bench/patch";

const container = (name: string, envs: string[], role = ""): DeclaredResource => ({
    type: "docker:index/container:Container",
    name,
    custom: true,
    inputs: { name, envs, labels: [{ label: "webstack.role", value: role }] },
    state: {},
    id: name,
    parent: "",
    dependencies: [],
    deleteBeforeReplace: true,
    urn: `urn:${name}`,
});
const ev: Evaluation = {
    resources: [
        // The local target's config container carries the rendered config (nginx reads it from a volume).
        container("webstack-dev-nginx-config-0123abcd", ["WEBSTACK_NGINX_CONF=events {}\n    keepalive 32;\n"], "nginx-config"),
        container("webstack-dev-application1-abc123-1", ["WEBSTACK_SERVICE=application1", "GUNICORN_THREADS=4"], "app"),
        { ...container("img", []), type: "docker:index/image:Image" },
    ],
};

describe("patchEvaluation", () => {
    test("replaces text in the rendered nginx.conf only", () => {
        const out = patchEvaluation(ev, { nginxConf: [["keepalive 32;", "keepalive 8;"]] });
        expect(out.resources[0].inputs.envs).toEqual(["WEBSTACK_NGINX_CONF=events {}\n    keepalive 8;\n"]);
        expect(out.resources[1]).toEqual(ev.resources[1]);
        expect(out.resources[2]).toBe(ev.resources[2]);
    });
    test("sets (or replaces) environment on the app containers only", () => {
        const out = patchEvaluation(ev, { appEnv: { GUNICORN_CMD_ARGS: "--worker-class sync", GUNICORN_THREADS: "1" } });
        expect(out.resources[1].inputs.envs).toEqual([
            "WEBSTACK_SERVICE=application1",
            "GUNICORN_THREADS=1",
            "GUNICORN_CMD_ARGS=--worker-class sync",
        ]);
        expect(out.resources[0].inputs.envs).toEqual(ev.resources[0].inputs.envs);
    });
    test("a replacement that matches nothing is an error, not a silent no-op", () => {
        expect(() => patchEvaluation(ev, { nginxConf: [["keepalive 64;", "x"]] })).toThrow(/is not in the rendered config/);
    });
    test("does not modify its input", () => {
        const before = JSON.stringify(ev);
        patchEvaluation(ev, { nginxConf: [["keepalive 32;", "keepalive 8;"]], appEnv: { A: "1" } });
        expect(JSON.stringify(ev)).toBe(before);
    });
});
