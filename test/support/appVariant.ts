// Test app variants: a copy of app/ under .webstack/app-variants/<name> (git-ignored), with its own
// VERSION and, for a bad canary, a hook that fails a fraction of requests. app/ itself is never edited.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

export interface AppVariant {
    /** Version the variant reports (its VERSION file). */
    readonly version: string;
    /** Fail every n-th request to "/" per Gunicorn worker with a 500; default: never. */
    readonly failEvery?: number;
    /** Add the edge probes (test/engine/edge.test.ts): /_edge/echo (what the app saw) and /_edge/slow (logs each arrival). */
    readonly edgeProbes?: boolean;
}

/** Routes of the edge probes; each arrival at /_edge/slow prints this prefix and its `id` on stdout. */
export const EDGE_SLOW_LOG = "edge-slow-arrived id=";

const EDGE_PROBES = `

# Test variant (test/support/appVariant.ts): what the app saw of the request, and a slow page.
import time as _time


@app.get("/_edge/echo")
def _edge_echo():
    return jsonify(
        host=request.host,
        url_root=request.url_root,
        scheme=request.scheme,
        remote_addr=request.remote_addr,
        forwarded={k: v for k, v in request.headers.items() if k.lower().startswith("x-forwarded") or k.lower() == "forwarded"},
    )


@app.get("/_edge/slow")
def _edge_slow():
    print("${EDGE_SLOW_LOG}" + request.args.get("id", "-"), flush=True)
    _time.sleep(float(request.args.get("sec", "1")))
    return "slow done\\n"
`;

/** Writes the variant and returns its build context, relative to the project (for services[].app). */
export function makeAppVariant(name: string, v: AppVariant): string {
    const rel = path.join(".webstack", "app-variants", name);
    const dir = path.join(ROOT, rel);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.dirname(dir), { recursive: true });
    cpSync(path.join(ROOT, "app"), dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
    writeFileSync(path.join(dir, "VERSION"), `${v.version}\n`);
    if (v.edgeProbes) {
        writeFileSync(path.join(dir, "app.py"), readFileSync(path.join(dir, "app.py"), "utf8") + EDGE_PROBES);
    }
    if (v.failEvery !== undefined) {
        const app = path.join(dir, "app.py");
        writeFileSync(
            app,
            `${readFileSync(app, "utf8")}

# Test variant (test/support/appVariant.ts): a bad canary failing 1 in ${v.failEvery} page requests.
import itertools as _itertools

_requests = _itertools.count(1)


@app.before_request
def _fail_some():
    if request.path == "/" and next(_requests) % ${v.failEvery} == 0:
        return "injected failure", 500, _identity_headers()
    return None
`,
        );
    }
    return rel;
}
