// The edge on real nginx (issue 18, findings 6-10): our nginx image with configs from nginx/render.ts in
// front of real app containers (the app with test probes, test/support/appVariant.ts). Two nginx
// containers cover every listener kind the program renders: "tls" has the local redirect and TLS ports
// and the three aws PROXY-protocol ports (80's redirect, the NLB-terminated https, PROXY then TLS);
// "plain" is the local plain-http proxy, with a 2 s read timeout. A third, "limited", has the per-client
// rate and connection limits on. Requests are raw HTTP/1.1, so Host and forwarded headers are exactly
// what a hostile client would send.
import * as net from "net";
import * as tls from "tls";
import { cli, logs, sleep } from "../../replay/docker";
import { LABEL, stackLabels } from "../../components/labels";
import { DEFAULT_NGINX, SERVICE_DEFAULTS } from "../../lib/config/defaults";
import {
    NGINX_CONF_ENV,
    NGINX_HTTPS_PORT,
    NGINX_PORT,
    NGINX_PROXY_PROTOCOL_PORT,
    NGINX_PROXY_TLS_PORT,
    NGINX_PROXY_TLS_TERMINATED_PORT,
    NGINX_TMPFS,
    appEnvironment,
    dockerTmpfsOptions,
    nginxEnvironment,
} from "../../lib/runtime";
import type { NginxTuning } from "../../lib/config/types";
import { CONFIG_ID_HEADER, NginxListener, PLAIN_LISTENER, RenderNginxArgs, configIdOf, renderNginxConfig } from "../../nginx/render";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { EDGE_SLOW_LOG, makeAppVariant } from "../support/appVariant";
import { selfSignedPem } from "../support/pem";
import { buildOffline, describeEngine, removeTestStack } from "../support/engine";

jest.setTimeout(600_000);

const STACK = "e2e-edge";
const NETWORK = `webstack-${STACK}`;
/** The network's subnet: connections through published ports come from its gateway, trusted for PROXY headers. */
const SUBNET = "10.233.0.0/16";
const LABELS = stackLabels("webstack", STACK);
const IMAGES = { app: `webstack-${STACK}-app:local`, nginx: `webstack-${STACK}-nginx:local` };
const NAMES = ["localhost", "127.0.0.1", "app.example.test"];
const HOST_PORT = 18370;
/** Host port of each nginx container port. */
const PORTS = {
    tls: {
        [NGINX_PORT]: HOST_PORT,
        [NGINX_HTTPS_PORT]: HOST_PORT + 1,
        [NGINX_PROXY_PROTOCOL_PORT]: HOST_PORT + 2,
        [NGINX_PROXY_TLS_TERMINATED_PORT]: HOST_PORT + 3,
        [NGINX_PROXY_TLS_PORT]: HOST_PORT + 4,
    },
    plain: { [NGINX_PORT]: HOST_PORT + 5 },
    limited: { [NGINX_PORT]: HOST_PORT + 6 },
} as const;
/** The public https port the redirects name (the local one; 443 would be left out). */
const HTTPS_PUBLIC = HOST_PORT + 1;
const READ_TIMEOUT_SEC = 2;

const TLS_LISTENERS: readonly NginxListener[] = [
    PLAIN_LISTENER,
    { port: NGINX_HTTPS_PORT, tls: true, proxyProtocol: false, scheme: "https" },
    { port: NGINX_PROXY_PROTOCOL_PORT, tls: false, proxyProtocol: true, scheme: "http" },
    { port: NGINX_PROXY_TLS_TERMINATED_PORT, tls: false, proxyProtocol: true, scheme: "https" },
    { port: NGINX_PROXY_TLS_PORT, tls: true, proxyProtocol: true, scheme: "https" },
];

const config = (tuning: Partial<NginxTuning>, extra: Partial<RenderNginxArgs> = {}) =>
    renderNginxConfig({
        services: [{ name: "application1", weight: 1 }],
        tuning: { ...DEFAULT_NGINX, ...tuning },
        serverNames: NAMES,
        clientAddress: { trustedCidrs: [SUBNET] },
        ...extra,
    });
const CONFIGS = {
    tls: config({}, { listeners: TLS_LISTENERS, redirectToHttpsPort: HTTPS_PUBLIC, certificateSha256: "ab".repeat(32) }),
    plain: config({ proxyReadTimeoutSec: READ_TIMEOUT_SEC }),
    limited: config({ rateLimitPerSec: 2, rateLimitBurst: 2, connLimitPerClient: 2 }),
};

const labelArgs = (extra: Record<string, string>) => Object.entries({ ...LABELS, ...extra }).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
const envArgs = (env: Readonly<Record<string, string>>) => Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);

/** Two replicas behind one name: a re-sent request would have a second peer to go to. */
const APPS = [`${NETWORK}-app-1`, `${NETWORK}-app-2`];

async function runApp(name: string): Promise<void> {
    const spec = { ...SERVICE_DEFAULTS, name: "application1", workers: 2 };
    await cli([
        "run",
        "-d",
        "--name",
        name,
        "--network",
        NETWORK,
        "--network-alias",
        "application1",
        ...labelArgs({ [LABEL.service]: "application1" }),
        ...envArgs(appEnvironment(spec, DEFAULT_NGINX, undefined, "edge")),
        IMAGES.app,
    ]);
}

async function runNginx(kind: keyof typeof CONFIGS, pem: { cert: string; key: string }): Promise<void> {
    await cli([
        "run",
        "-d",
        "--name",
        `${NETWORK}-nginx-${kind}`,
        "--network",
        NETWORK,
        ...Object.entries(PORTS[kind]).flatMap(([inside, host]) => ["--publish", `127.0.0.1:${host}:${inside}`]),
        ...labelArgs({ [LABEL.role]: "nginx" }),
        // The ECS path: the config (and a TLS pair) in the environment; a test key, made for this run.
        ...envArgs({ ...nginxEnvironment(), [NGINX_CONF_ENV]: CONFIGS[kind] }),
        ...(kind === "tls" ? envArgs({ WEBSTACK_TLS_CERT: pem.cert, WEBSTACK_TLS_KEY: pem.key }) : []),
        "--read-only",
        "--cap-drop",
        "ALL",
        ...NGINX_TMPFS.flatMap((t) => ["--tmpfs", `${t.containerPath}:${dockerTmpfsOptions(t)}`]),
        IMAGES.nginx,
    ]);
}

interface Reply {
    readonly status: number;
    readonly headers: Record<string, string>;
    readonly body: string;
}

/** PROXY v2 header for a TCP/IPv4 client `source` (what the NLB sends first). */
function proxyHeader(source: string, destPort: number): Buffer {
    const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
    const ip = (a: string) => Buffer.from(a.split(".").map(Number));
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(40000, 0);
    ports.writeUInt16BE(destPort, 2);
    return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00, 0x0c]), ip(source), ip("10.233.0.10"), ports]);
}

interface Ask {
    /** Host port. */
    readonly port: number;
    readonly host: string;
    readonly path?: string;
    readonly headers?: Record<string, string>;
    /** Send a PROXY v2 header with this client address first. */
    readonly proxyFrom?: string;
    readonly tls?: boolean;
}

/** One HTTP/1.1 request on a fresh connection (closed by nginx after the reply). */
async function ask(a: Ask): Promise<Reply> {
    const head = [
        `GET ${a.path ?? "/"} HTTP/1.1`,
        `Host: ${a.host}`,
        "Connection: close",
        ...Object.entries(a.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    const raw = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const plain = net.connect(a.port, "127.0.0.1");
        plain.once("error", reject);
        const start = () => {
            const socket = a.tls
                ? tls.connect({ socket: plain, servername: "localhost", rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] })
                : plain;
            socket.once("error", reject);
            socket.on("data", (c: Buffer) => chunks.push(c));
            socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
            socket.setTimeout(15_000, () => socket.destroy(new Error(`no reply on ${a.port} within 15 s`)));
            socket.write(`${head.join("\r\n")}\r\n\r\n`);
        };
        plain.once("connect", () => (a.proxyFrom ? plain.write(proxyHeader(a.proxyFrom, 0), start) : start()));
    });
    const [top, ...rest] = raw.split("\r\n\r\n");
    const lines = top.split("\r\n");
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0])?.[1] ?? 0);
    const headers = Object.fromEntries(
        lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
    );
    return { status, headers, body: rest.join("\r\n\r\n") };
}

/** Every listener: how to reach it, and whether it proxies (or only redirects). */
const LISTENERS: readonly { label: string; kind: keyof typeof CONFIGS; at: Omit<Ask, "host">; proxies: boolean }[] = [
    { label: "local plain http", kind: "plain", at: { port: PORTS.plain[NGINX_PORT] }, proxies: true },
    { label: "local http (redirects)", kind: "tls", at: { port: PORTS.tls[NGINX_PORT] }, proxies: false },
    { label: "local TLS", kind: "tls", at: { port: PORTS.tls[NGINX_HTTPS_PORT], tls: true }, proxies: true },
    {
        label: "aws PROXY http (redirects)",
        kind: "tls",
        at: { port: PORTS.tls[NGINX_PROXY_PROTOCOL_PORT], proxyFrom: "203.0.113.7" },
        proxies: false,
    },
    {
        label: "aws PROXY, TLS at the NLB",
        kind: "tls",
        at: { port: PORTS.tls[NGINX_PROXY_TLS_TERMINATED_PORT], proxyFrom: "203.0.113.7" },
        proxies: true,
    },
    {
        label: "aws PROXY then TLS",
        kind: "tls",
        at: { port: PORTS.tls[NGINX_PROXY_TLS_PORT], proxyFrom: "203.0.113.7", tls: true },
        proxies: true,
    },
];

describeEngine("the edge on real nginx: host names, forwarded headers, config id, no re-sent slow GET, limits", () => {
    beforeAll(async () => {
        await removeTestStack(STACK, NETWORK);
        const variant = makeAppVariant("edge", { version: "edge", edgeProbes: true });
        await buildOffline(IMAGES.app, variant, OFFLINE_BASES.appBaseImage);
        await buildOffline(IMAGES.nginx, "nginx", OFFLINE_BASES.nginxBaseImage);
        await cli(["network", "create", "--subnet", SUBNET, ...labelArgs({}), NETWORK]);
        for (const name of APPS) {
            await runApp(name);
        }
        const pem = selfSignedPem("localhost");
        for (const kind of Object.keys(CONFIGS) as (keyof typeof CONFIGS)[]) {
            await runNginx(kind, pem);
        }
        // Ready when every proxying listener has an app answer (the limited nginx's health path first: it counts no request).
        const limitedHealth = { label: "limited", at: { port: PORTS.limited[NGINX_PORT], path: "/nginx-healthz" } };
        for (const l of [limitedHealth, ...LISTENERS.filter((x) => x.proxies)]) {
            let r: Reply | undefined;
            for (let i = 0; i < 120 && r?.status !== 200; i++) {
                r = await ask({ path: "/healthz", ...l.at, host: "localhost" }).catch(() => undefined);
                if (r?.status !== 200) {
                    await sleep(500);
                }
            }
            expect([l.label, r?.status]).toEqual([l.label, 200]);
        }
    });
    afterAll(() => removeTestStack(STACK, NETWORK));

    test.each(LISTENERS.map((l) => [l.label, l]))(
        "%s: X-Webstack-Config is the rendered config's id, on the page and the health path",
        async (_l, l) => {
            const id = configIdOf(CONFIGS[l.kind]);
            const page = await ask({ ...l.at, host: "localhost" });
            const health = await ask({ ...l.at, host: "anything.invalid", path: "/nginx-healthz" });
            expect([page.status, page.headers[CONFIG_ID_HEADER.toLowerCase()]]).toEqual([l.proxies ? 200 : 301, id]);
            expect([health.status, health.body, health.headers[CONFIG_ID_HEADER.toLowerCase()]]).toEqual([200, "ok\n", id]);
        },
    );

    test.each(LISTENERS.map((l) => [l.label, l]))("%s: an unknown Host is refused with 421, a configured one served", async (_l, l) => {
        for (const host of ["evil.example", "rebind.attacker.test:8080", "localhost.evil.example", "127.0.0.2"]) {
            const r = await ask({ ...l.at, host });
            expect([host, r.status, r.headers.location]).toEqual([host, 421, undefined]);
        }
        for (const host of ["localhost", `127.0.0.1:${l.at.port}`, "APP.example.test"]) {
            expect([host, (await ask({ ...l.at, host })).status]).toEqual([host, l.proxies ? 200 : 301]);
        }
    });

    test.each(LISTENERS.filter((l) => l.proxies).map((l) => [l.label, l]))(
        "%s: forged X-Forwarded-* never reach the app; it sees the configured host and nginx's client",
        async (_l, l) => {
            const r = await ask({
                ...l.at,
                host: "localhost",
                path: "/_edge/echo",
                headers: {
                    "X-Forwarded-Host": "evil.example",
                    "X-Forwarded-For": "6.6.6.6",
                    "X-Forwarded-Proto": "gopher",
                    "X-Forwarded-Port": "6666",
                    "X-Forwarded-Prefix": "/evil",
                    Forwarded: "host=evil.example;for=6.6.6.6",
                },
            });
            expect(r.status).toBe(200);
            const seen = JSON.parse(r.body) as {
                host: string;
                url_root: string;
                scheme: string;
                remote_addr: string;
                forwarded: Record<string, string>;
            };
            const scheme = l.label.includes("TLS") ? "https" : "http";
            expect([seen.host, seen.url_root, seen.scheme]).toEqual(["localhost", `${scheme}://localhost/`, scheme]);
            expect(seen.remote_addr).not.toBe("6.6.6.6");
            if (l.at.proxyFrom) {
                expect(seen.remote_addr).toBe(l.at.proxyFrom);
            }
            expect(JSON.stringify(seen.forwarded)).not.toMatch(/evil|6666|6\.6\.6\.6|gopher/i);
        },
    );

    test.each([
        ["local http", { port: PORTS.tls[NGINX_PORT] }, `https://localhost:${HTTPS_PUBLIC}/a/b?c=1`],
        [
            "aws PROXY http",
            { port: PORTS.tls[NGINX_PROXY_PROTOCOL_PORT], proxyFrom: "203.0.113.7" },
            `https://localhost:${HTTPS_PUBLIC}/a/b?c=1`,
        ],
    ])("%s: the redirect names the configured host, and an unknown one gets no Location at all", async (_l, at, location) => {
        const known = await ask({ ...at, host: "LOCALHOST:9999", path: "/a/b?c=1" });
        expect([known.status, known.headers.location]).toEqual([301, location]);
        const forged = await ask({ ...at, host: "evil.example", path: "/a/b?c=1", headers: { "X-Forwarded-Host": "evil.example" } });
        expect([forged.status, forged.headers.location]).toEqual([421, undefined]);
    });

    test(`a GET slower than the ${READ_TIMEOUT_SEC} s read timeout gets 504 and reached an app exactly once`, async () => {
        const ids = ["slow-a", "slow-b", "slow-c"];
        const started = Date.now();
        const replies = await Promise.all(
            ids.map((id) =>
                ask({ port: PORTS.plain[NGINX_PORT], host: "localhost", path: `/_edge/slow?sec=${READ_TIMEOUT_SEC + 3}&id=${id}` }),
            ),
        );
        expect(replies.map((r) => r.status)).toEqual(ids.map(() => 504));
        // The app finishes the slept requests; any re-sent copy would have arrived by now too.
        await sleep(Math.max(0, (READ_TIMEOUT_SEC + 4) * 1000 - (Date.now() - started)));
        const arrivals = (await Promise.all(APPS.map((a) => logs(a)))).join("\n");
        const counts = ids.map((id) => arrivals.split("\n").filter((line) => line.includes(`${EDGE_SLOW_LOG}${id}`)).length);
        console.log(
            `slow GETs past the read timeout: arrivals per request ${JSON.stringify(Object.fromEntries(ids.map((id, i) => [id, counts[i]])))}`,
        );
        expect(counts).toEqual(ids.map(() => 1));
    });

    test("rate limit on: beyond rate + burst one client gets 429; nginx's health path is never limited", async () => {
        const port = PORTS.limited[NGINX_PORT];
        await sleep(1500);
        const burst = await Promise.all(Array.from({ length: 12 }, () => ask({ port, host: "localhost", path: "/healthz" })));
        const statuses = burst.map((r) => r.status);
        console.log(`rate 2 r/s, burst 2: 12 requests at once -> ${JSON.stringify(statuses)}`);
        expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
        expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
        expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
        expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        expect(await logs(`${NETWORK}-nginx-limited`)).toMatch(/limiting requests, excess: [\d.]+ by zone "webstack_req", client: [\d.]+/);
        const health = await Promise.all(Array.from({ length: 12 }, () => ask({ port, host: "localhost", path: "/nginx-healthz" })));
        expect(health.map((r) => r.status)).toEqual(health.map(() => 200));
    });

    test("connection limit on: a third concurrent connection from one client gets 429", async () => {
        const port = PORTS.limited[NGINX_PORT];
        await sleep(1500);
        const slow = [0, 1].map((i) => ask({ port, host: "localhost", path: `/_edge/slow?sec=3&id=conn-${i}` }));
        await sleep(1000);
        const third = await ask({ port, host: "localhost", path: "/healthz" });
        expect(third.status).toBe(429);
        expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
        // nginx says which limit refused it (error log, stderr).
        expect(await logs(`${NETWORK}-nginx-limited`)).toMatch(/limiting connections by zone "webstack_conn"/);
    });
});
