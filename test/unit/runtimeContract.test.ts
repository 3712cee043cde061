// The runtime contract (lib/runtime.ts) against the files that must honour it, read as they ship:
// the env vars app/ and nginx/ read are exactly the ones the program sets, and the ports, user and
// paths baked into the Dockerfiles are the contract's.
import { DHPARAM_PATH } from "../../nginx/tls";
import { readFileSync } from "fs";
import * as path from "path";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import {
    APP_HEALTH_PATH,
    APP_PORT,
    APP_USER,
    LOCAL_APP_STOP,
    NGINX_CONF_DIR,
    NGINX_CONF_DIR_ENV,
    NGINX_HEALTH_PATH,
    NGINX_HTTPS_PORT,
    NGINX_RUN_CONF,
    NGINX_TLS_CERT_ENV,
    NGINX_TLS_KEY_ENV,
    NGINX_TLS_UPLOAD_DIR_ENV,
    NGINX_USER,
    NGINX_CONF_ENV,
    NGINX_HEALTHCHECK,
    NGINX_PORT,
    appEnvironment,
    localNginxEnvironment,
    nginxDiscoveryEnvironment,
    nginxEnvironment,
} from "../../lib/runtime";

const read = (file: string) => readFileSync(path.join(__dirname, "../..", file), "utf8");

/** Env var names a Python file reads (os.environ[...] / os.environ.get(...)). */
const pythonEnvReads = (text: string) => [...text.matchAll(/os\.environ(?:\.get\()?\[?\(?["']([A-Z_]+)["']/g)].map((m) => m[1]);
/** WEBSTACK_* names a shell script reads. */
const shellEnvReads = (text: string) => [...new Set([...text.matchAll(/\$\{?(WEBSTACK_[A-Z_]+)/g)].map((m) => m[1]))];

describe("app: environment in, nothing else", () => {
    const env = appEnvironment(DEFAULT_SERVICES[0], DEFAULT_NGINX);
    const reads = [...pythonEnvReads(read("app/gunicorn.conf.py")), ...pythonEnvReads(read("app/app.py"))];

    test("everything gunicorn.conf.py and app.py read is set by appEnvironment()", () => {
        expect(reads.length).toBeGreaterThan(5);
        expect(reads.filter((k) => !(k in env))).toEqual([]);
    });

    test("everything appEnvironment() sets is read by the app", () => {
        expect(Object.keys(env).filter((k) => !reads.includes(k))).toEqual([]);
    });

    test("reads are required (os.environ[...]), never defaulted in the app", () => {
        expect(read("app/gunicorn.conf.py")).not.toMatch(/os\.environ\.get\(/);
        expect(read("app/app.py")).not.toMatch(/os\.environ\.get\(/);
    });

    test("app.py serves the health check on the contract's path", () => {
        expect([...read("app/app.py").matchAll(/@app\.get\("([^"]+)"\)/g)].map((m) => m[1])).toContain(APP_HEALTH_PATH);
    });

    test("the Dockerfile exposes the contract's port and runs as its user", () => {
        const dockerfile = read("app/Dockerfile");
        expect(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]).toBe(String(APP_PORT));
        expect(/^USER (\S+)$/m.exec(dockerfile)?.[1]).toBe(APP_USER);
    });

    test("stop grace covers the lame duck and the drain, with a margin", () => {
        expect(LOCAL_APP_STOP.stopGraceSec).toBeGreaterThanOrEqual(LOCAL_APP_STOP.lameDuckSec + LOCAL_APP_STOP.drainSec + 5);
        expect(env.GUNICORN_GRACEFUL_TIMEOUT_SEC).toBe(String(LOCAL_APP_STOP.drainSec));
        expect(env.WEBSTACK_LAME_DUCK_SEC).toBe(String(LOCAL_APP_STOP.lameDuckSec));
    });
});

describe("nginx: scripts read what the program sets", () => {
    const entrypoint = read("nginx/webstack-entrypoint.sh");
    const healthcheck = read("nginx/webstack-healthcheck.sh");
    const dockerfile = read("nginx/Dockerfile");

    test("the health check script reads port and path from nginxEnvironment()", () => {
        expect(shellEnvReads(healthcheck).sort()).toEqual(["WEBSTACK_NGINX_HEALTH_PATH", "WEBSTACK_NGINX_PORT"]);
        expect(nginxEnvironment()).toMatchObject({
            WEBSTACK_NGINX_PORT: String(NGINX_PORT),
            WEBSTACK_NGINX_HEALTH_PATH: NGINX_HEALTH_PATH,
        });
        expect(healthcheck).not.toMatch(/\/dev\/tcp\/127\.0\.0\.1\/\d/);
    });

    test("the entrypoint reads only the config (ECS), or the local volume settings", () => {
        const provided = new Set([
            NGINX_CONF_ENV,
            NGINX_TLS_CERT_ENV,
            NGINX_TLS_KEY_ENV,
            NGINX_TLS_UPLOAD_DIR_ENV,
            ...Object.keys(localNginxEnvironment()),
            ...Object.keys(nginxDiscoveryEnvironment()),
        ]);
        expect(shellEnvReads(entrypoint).filter((k) => !provided.has(k))).toEqual([]);
        // aws with Cloud Map discovery: every setting the nginx container gets is read.
        expect(Object.keys(nginxDiscoveryEnvironment()).filter((k) => !shellEnvReads(entrypoint).includes(k))).toEqual([]);
        expect(
            Object.keys(localNginxEnvironment()).filter(
                (k) => k.startsWith("WEBSTACK_NGINX_CONF") && !shellEnvReads(entrypoint).includes(k),
            ),
        ).toEqual([]);
        expect(shellEnvReads(entrypoint)).toContain(NGINX_CONF_DIR_ENV);
    });

    test("the config container's command is one the entrypoint handles", () => {
        expect(entrypoint).toMatch(/if \[ "\$\{1:-\}" = "publish" \]; then\n {4}publish\n/);
    });

    test("the Dockerfile exposes the contract's port, installs the health check where it is called, and uses the entrypoint", () => {
        expect(/^EXPOSE (.+)$/m.exec(dockerfile)?.[1]).toBe(`${NGINX_PORT} ${NGINX_HTTPS_PORT}`);
        expect(dockerfile).toContain(`COPY webstack-healthcheck.sh ${NGINX_HEALTHCHECK[1]}`);
        expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/webstack-entrypoint\.sh"\]$/m);
        expect(dockerfile).toMatch(/^STOPSIGNAL SIGQUIT$/m);
    });

    test("the Dockerfile runs nginx non-root on the run config, with the DH group and a private config volume", () => {
        expect(/^USER (\S+)$/m.exec(dockerfile)?.[1]).toBe(NGINX_USER);
        expect(dockerfile).toContain(`"-c", "${NGINX_RUN_CONF}"`);
        expect(dockerfile).toContain(`COPY ffdhe2048.pem ${DHPARAM_PATH}`);
        const [uid, gid] = NGINX_USER.split(":");
        expect(dockerfile).toContain(`install -d -o ${uid} -g ${gid} -m 0700 ${NGINX_CONF_DIR}`);
        expect(read("nginx/ffdhe2048.pem")).toMatch(/^-----BEGIN DH PARAMETERS-----\n/);
    });
});
