// The edge in the rendered nginx config (issue 18, findings 6-10): host names, forwarded headers, the config
// id on every listener, re-dispatch only of what no app received, client limits. One decision per row.
import { readFileSync } from "fs";
import * as path from "path";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { awsListeners } from "../../lib/aws/listeners";
import { NGINX_HTTPS_PORT } from "../../lib/runtime";
import type { NginxTuning, TlsConfig } from "../../lib/config/types";
import { Problems } from "../../lib/config/validate";
import { mapHashBucketSize } from "../../nginx/edge";
import { parseAwsHostnames } from "../../lib/aws/certificate";
import { NGINX_INT_RULES, parseNginxTuning } from "../../lib/config/nginxTuning";
import { CONFIG_ID_HEADER, NginxListener, PLAIN_LISTENER, RenderNginxArgs, configIdOf, renderNginxConfig } from "../../nginx/render";
import { nextUpstreamTimeoutSec, normalizeServerNames, serverNameMap } from "../../nginx/edge";
import { awsServerNames, localServerNames } from "../../nginx/serverNames";
import { selfSignedPem } from "../support/pem";

const NLB = "webstack-lb-1234.elb.us-east-1.amazonaws.com";
const LOCAL_NAMES = ["localhost", "127.0.0.1"];
const HTTPS: NginxListener = { port: NGINX_HTTPS_PORT, tls: true, proxyProtocol: false, scheme: "https" };
const base = (extra: Partial<RenderNginxArgs> = {}, tuning: Partial<NginxTuning> = {}) =>
    renderNginxConfig({ services: DEFAULT_SERVICES, tuning: { ...DEFAULT_NGINX, ...tuning }, serverNames: LOCAL_NAMES, ...extra });
const aws = (mode: "none" | "load-balancer" | "nginx") => {
    const plan = awsListeners(
        mode === "none"
            ? { aws: {} }
            : mode === "load-balancer"
              ? { aws: { certificate: { kind: "arn", arn: "arn:aws:acm:us-east-1:1:certificate/x" } } }
              : { tls: { mode: "self-signed", hostnames: [] }, aws: {} },
    );
    return renderNginxConfig({
        services: DEFAULT_SERVICES,
        tuning: DEFAULT_NGINX,
        serverNames: [NLB],
        listeners: plan.nginx,
        ...(plan.redirectToHttpsPort !== undefined ? { redirectToHttpsPort: plan.redirectToHttpsPort } : {}),
        clientAddress: { trustedCidrs: ["10.0.0.0/16"] },
    });
};

/** Every listener kind the program renders: the config, and each listen port in it. */
const LISTENER_KINDS: readonly [label: string, conf: () => string, ports: number[]][] = [
    ["local, TLS off: plain http", () => base(), [8080]],
    [
        "local, TLS on: redirect on http, TLS on https",
        () => base({ listeners: [PLAIN_LISTENER, HTTPS], redirectToHttpsPort: 8443 }),
        [8080, 8443],
    ],
    ["aws, no TLS: plain + PROXY http", () => aws("none"), [8080, 8081]],
    ["aws, TLS at the load balancer: redirects + PROXY https (h2c)", () => aws("load-balancer"), [8080, 8081, 8082]],
    ["aws, TLS at nginx: redirects + PROXY then TLS", () => aws("nginx"), [8080, 8081, 8444]],
];

/** Server blocks, each with the ports it listens on. */
function blocks(conf: string): { ports: number[]; text: string }[] {
    return conf
        .split("\n    server {\n")
        .slice(1)
        .map((text) => ({ ports: [...text.matchAll(/^ {8}listen (\d+)/gm)].map((m) => Number(m[1])), text }));
}

/** A named or prefix location's body (up to its closing brace at 8 spaces). */
function location(block: string, name: string): string {
    const start = block.indexOf(`        location ${name} {\n`);
    return start < 0 ? "" : block.slice(start, block.indexOf("\n        }", start));
}

describe("finding 8: the config id on every listener", () => {
    test.each(LISTENER_KINDS)("%s: no placeholder left, and every server block announces the config's id", (_l, conf, ports) => {
        const text = conf();
        expect(text).not.toContain("@CONFIG_ID@");
        const id = configIdOf(text);
        const bs = blocks(text);
        expect(bs.flatMap((b) => b.ports).sort()).toEqual([...ports].sort());
        for (const b of bs) {
            expect(b.text).toContain(`        add_header ${CONFIG_ID_HEADER} "${id}" always;`);
        }
    });
});

describe("finding 6: nginx sets or clears every forwarded header", () => {
    const SET: readonly [header: string, value: RegExp][] = [
        ["Host", /^\$webstack_server_name$/],
        ["X-Forwarded-For", /^\$remote_addr$/],
        ["X-Forwarded-Proto", /^https?$/],
        ["X-Forwarded-Host", /^\$webstack_server_name$/],
        ["X-Forwarded-Port", /^""$/],
        ["X-Forwarded-Prefix", /^""$/],
        ["Forwarded", /^""$/],
    ];
    test.each(LISTENER_KINDS)("%s: each proxying block sets them from what nginx knows", (_l, conf) => {
        const proxying = blocks(conf()).filter((b) => b.text.includes("proxy_pass"));
        expect(proxying.length).toBeGreaterThan(0);
        for (const b of proxying) {
            const set = new Map([...b.text.matchAll(/^ {8}proxy_set_header (\S+) (.+);$/gm)].map((m) => [m[1], m[2]]));
            for (const [header, value] of SET) {
                expect([header, set.get(header)]).toEqual([header, expect.stringMatching(value)]);
            }
        }
        // Nothing the client sent is appended to or copied into them.
        expect(conf()).not.toMatch(/\$proxy_add_x_forwarded_for|\$http_x_forwarded|\$http_forwarded/);
    });

    test("the app trusts exactly the headers nginx sets (one hop) and none it clears (app/app.py)", () => {
        const app = readFileSync(path.join(__dirname, "../../app/app.py"), "utf8");
        const call = /ProxyFix\(app\.wsgi_app, ([^)]*)\)/.exec(app);
        expect(call).not.toBeNull();
        const trust = Object.fromEntries(
            call![1]
                .split(/,\s*/)
                .map((kv) => kv.split("="))
                .map(([k, v]) => [k, Number(v)]),
        );
        expect(trust).toEqual({ x_for: 1, x_proto: 1, x_host: 1, x_port: 0, x_prefix: 0 });
    });
});

describe("finding 7: only configured host names", () => {
    test.each([
        [
            ["localhost", "127.0.0.1"],
            ["        localhost localhost;", "        127.0.0.1 127.0.0.1;"],
        ],
        [["App.Example.TEST."], ["        app.example.test app.example.test;"]],
        [["*.example.test"], ["        *.example.test $host;"]],
    ])("%j maps to the configured name (a wildcard to the Host it matched)", (names, lines) => {
        const map = serverNameMap(names).join("\n");
        expect(map).toContain('        hostnames;\n        default "";');
        for (const l of lines) {
            expect(map).toContain(l);
        }
    });

    test.each([[[]], [["a b"]], [["evil;}"]], [["x/y"]], [["$host"]]])("%j is refused before it reaches nginx", (names) => {
        expect(() => normalizeServerNames(names)).toThrow(/server name|not host names/);
    });

    test.each(LISTENER_KINDS)("%s: every location / refuses an unknown host first; nginx's health path answers any", (_l, conf) => {
        for (const b of blocks(conf())) {
            expect(location(b.text, "/")).toMatch(
                /^ {8}location \/ \{\n {12}if \(\$webstack_server_name = ""\) \{\n {16}return 421;\n {12}\}/,
            );
            expect(location(b.text, "= /nginx-healthz")).toMatch(/return 200 "ok\\n";/);
            expect(location(b.text, "= /nginx-healthz")).not.toContain("webstack_server_name");
        }
    });

    test.each(LISTENER_KINDS.filter(([l]) => l.includes("TLS on") || l.includes("TLS at")))(
        "%s: the redirect names the configured name, never the request's Host",
        (_l, conf) => {
            const redirects = [...conf().matchAll(/return 301 (\S+);/g)].map((m) => m[1]);
            expect(redirects.length).toBeGreaterThan(0);
            for (const r of redirects) {
                expect(r).toMatch(/^https:\/\/\$webstack_server_name(:\d+)?\$request_uri$/);
            }
        },
    );

    const provided = selfSignedPem("app.example.test");
    test.each<[string, Parameters<typeof localServerNames>[0], string[]]>([
        ["local default", { bindAddress: "127.0.0.1" }, ["localhost", "127.0.0.1"]],
        ["a specific bind address", { bindAddress: "192.168.1.5" }, ["localhost", "127.0.0.1", "192.168.1.5"]],
        ["0.0.0.0 is not a name", { bindAddress: "0.0.0.0" }, ["localhost", "127.0.0.1"]],
        [
            "self-signed hostnames",
            { bindAddress: "127.0.0.1", tls: { mode: "self-signed", hostnames: ["app.example.test", "*.dev.example.test"] } },
            ["localhost", "127.0.0.1", "app.example.test", "*.dev.example.test"],
        ],
        [
            "a provided certificate's DNS names",
            { bindAddress: "127.0.0.1", tls: { mode: "provided", certificatePem: provided.cert, keyPem: provided.key } },
            ["localhost", "127.0.0.1", "app.example.test"],
        ],
    ])("local: %s", (_l, c, names) => {
        expect(localServerNames(c)).toEqual(names);
    });

    test.each<[unknown, string[] | RegExp]>([
        [undefined, []],
        [
            ["app.example.com", "*.example.com", "app.example.com"],
            ["app.example.com", "*.example.com"],
        ],
        [["App.example.com"], /webstack:aws\.hostnames: got \["App\.example\.com"\]; must be lowercase DNS names/],
        [["localhost"], /must be lowercase DNS names/],
        ["app.example.com", /must be a list of at most 20 DNS names/],
        [Array.from({ length: 21 }, (_, i) => `h${i}.example.com`), /at most 20/],
    ])("webstack:aws.hostnames %j", (value, want) => {
        const p = new Problems();
        const got = parseAwsHostnames(p, value);
        if (want instanceof RegExp) {
            expect(got).toBeUndefined();
            expect(() => p.throwIfAny()).toThrow(want);
        } else {
            expect([got, p.count]).toEqual([want, 0]);
        }
    });

    const tlsSelf: TlsConfig = { mode: "self-signed", hostnames: ["app.example.test"] };
    test.each<[string, Parameters<typeof awsServerNames>[0], string[]]>([
        ["the NLB name (and loopback, for the task itself)", { aws: {} as never }, [NLB, ...LOCAL_NAMES]],
        [
            "aws.domain",
            { aws: { certificate: { kind: "dns", domain: "www.example.test", hostedZoneId: "Z1" } } as never },
            [NLB, "www.example.test", ...LOCAL_NAMES],
        ],
        ["an ACM certificate by ARN adds no name", { aws: { certificate: { kind: "arn", arn: "arn:x" } } as never }, [NLB, ...LOCAL_NAMES]],
        [
            "aws.hostnames (a certificateArn's names)",
            { aws: { certificate: { kind: "arn", arn: "arn:x" }, hostnames: ["app.example.com", "*.example.com"] } as never },
            [NLB, "app.example.com", "*.example.com", ...LOCAL_NAMES],
        ],
        ["webstack:tls names", { aws: {} as never, tls: tlsSelf }, [NLB, "app.example.test", ...LOCAL_NAMES]],
    ])("aws: %s", (_l, c, names) => {
        expect(awsServerNames(c, NLB.toUpperCase())).toEqual(names);
    });
});

describe("finding 9: re-dispatch only what no app received", () => {
    const conf = base();
    const retry = (status: number) => location(blocks(conf)[0].text, `@webstack_retry_${status}`);
    /** The regex nginx matches "<method> <$upstream_bytes_sent>" against, as rendered. */
    const pattern = (status: number) => {
        const m = /if \(\$webstack_resend !~ "([^"]+)"\) \{\n {16}return (\d+);/.exec(retry(status));
        expect(m).not.toBeNull();
        expect(Number(m![2])).toBe(status);
        return new RegExp(m![1]);
    };
    test.each([
        ["GET 0", true, "refused or connect timeout: nothing sent"],
        ["GET 0, 0, 0", true, "every try refused"],
        ["HEAD 0 : 0", true, "no live upstream, after an earlier redirect"],
        ["GET 187", false, "the request reached an app (then a read timeout or a reset)"],
        ["GET 0, 187", false, "one try reached an app"],
        ["GET 1870, 0", false, "sent, then the next peer refused"],
        ["POST 0", false, "not idempotent"],
        ["PATCH 0", false, "not idempotent"],
    ])("%s: re-sent %s (%s)", (value, resend) => {
        for (const status of [502, 504]) {
            expect(pattern(status).test(value)).toBe(resend);
        }
    });

    test("each status keeps its own code when not re-sent, and the re-dispatch is a plain proxy_pass", () => {
        for (const status of [502, 504]) {
            expect(retry(status)).toContain('set $webstack_resend "$request_method $upstream_bytes_sent";');
            expect(retry(status)).toMatch(/\n {12}proxy_pass http:\/\/webstack_app;$/);
            expect(retry(status)).not.toContain("error_page");
        }
    });

    test.each([1, 5, 9, 10, 11, 60, 3600])("read timeout %ss: nginx stops passing on before a read timeout can fire", (sec) => {
        const text = base({}, { proxyReadTimeoutSec: sec });
        expect(text).toContain(`        proxy_read_timeout ${sec}s;`);
        const next = Number(/proxy_next_upstream_timeout (\d+)s;/.exec(text)![1]);
        expect(next).toBe(nextUpstreamTimeoutSec({ proxyReadTimeoutSec: sec }));
        expect(next).toBeLessThanOrEqual(sec);
        expect(next).toBeGreaterThan(0);
    });
});

describe("finding 10: client limits", () => {
    test.each([
        ["request body", {}, /^ {4}client_max_body_size 1m;$/m],
        ["head timeout", {}, /^ {4}client_header_timeout 10s;$/m],
        ["body timeout", {}, /^ {4}client_body_timeout 10s;$/m],
        ["send timeout", {}, /^ {4}send_timeout 30s;$/m],
        ["app read timeout: nginx's 60 s, stated", {}, /^ {8}proxy_read_timeout 60s;$/m],
        ["tuned body size", { clientMaxBodyMiB: 25 }, /^ {4}client_max_body_size 25m;$/m],
        [
            "rate zone keyed by the client address",
            { rateLimitPerSec: 5 },
            /^ {4}limit_req_zone \$binary_remote_addr zone=webstack_req:10m rate=5r\/s;\n {4}limit_req_status 429;$/m,
        ],
        ["rate applied with its burst", { rateLimitPerSec: 5, rateLimitBurst: 3 }, /^ {12}limit_req zone=webstack_req burst=3 nodelay;$/m],
        [
            "connection zone keyed by the client address",
            { connLimitPerClient: 8 },
            /^ {4}limit_conn_zone \$binary_remote_addr zone=webstack_conn:10m;\n {4}limit_conn_status 429;$/m,
        ],
        ["connections applied", { connLimitPerClient: 8 }, /^ {12}limit_conn webstack_conn 8;$/m],
    ])("%s", (_l, tuning, pattern) => {
        expect(base({}, tuning)).toMatch(pattern);
    });

    test("rate and connection limits are off by default", () => {
        expect(base()).not.toMatch(/limit_req|limit_conn/);
    });

    test("limits never apply to nginx's health path (load balancer and container checks)", () => {
        for (const b of blocks(
            base({ listeners: [PLAIN_LISTENER, HTTPS], redirectToHttpsPort: 8443 }, { rateLimitPerSec: 1, connLimitPerClient: 1 }),
        )) {
            expect(location(b.text, "= /nginx-healthz")).not.toMatch(/limit_/);
            expect(location(b.text, "/")).toMatch(/limit_req zone=webstack_req burst=20 nodelay;\n {12}limit_conn webstack_conn 1;/);
        }
    });

    test("on aws the limits key on the PROXY header's client address: realip replaces $remote_addr in that block", () => {
        const text = renderNginxConfig({
            services: DEFAULT_SERVICES,
            tuning: { ...DEFAULT_NGINX, rateLimitPerSec: 10 },
            serverNames: [NLB],
            listeners: awsListeners({ aws: {} }).nginx,
            clientAddress: { trustedCidrs: ["10.0.0.0/16"] },
        });
        const proxied = blocks(text).find((b) => b.text.includes("proxy_protocol"))!;
        expect(proxied.text).toMatch(/real_ip_header proxy_protocol;/);
        expect(location(proxied.text, "/")).toContain("limit_req zone=webstack_req");
        expect(text).toMatch(/limit_req_zone \$binary_remote_addr /);
    });

    test.each([
        ["clientMaxBodyMiB", 0, /integer from 1 to 1024/],
        ["clientHeaderTimeoutSec", 301, /integer from 1 to 300/],
        ["proxyReadTimeoutSec", 0, /integer from 1 to 3600/],
        ["rateLimitPerSec", -1, /integer from 0 to 100000/],
        ["connLimitPerClient", 1.5, /integer from 0 to 100000/],
    ])("webstack:nginx.%s = %s is refused", (key, value, message) => {
        const p = new Problems();
        expect(parseNginxTuning(p, JSON.stringify({ [key]: value }))).toBeUndefined();
        expect(() => p.throwIfAny()).toThrow(new RegExp(`webstack:nginx\\.${key}: got ${value}; [^\\n]*`));
        expect(() => p.throwIfAny()).toThrow(message);
    });

    test.each(NGINX_INT_RULES.map((r) => [r.key, r]))("docs/config.md states %s's default and range", (_k, r) => {
        const docs = readFileSync(path.join(__dirname, "../../docs/config.md"), "utf8");
        const row = docs.split("\n").find((l) => l.startsWith(`| \`${r.key}\``));
        expect(row).toBeDefined();
        const [, , def, rule] = row!.split("|").map((c) => c.trim());
        expect(def.split(" ")[0]).toBe(String(DEFAULT_NGINX[r.key]));
        expect(rule).toContain(`${r.min}–${r.max}`);
    });

    test("the new keys parse, defaulting to lib/config/defaults.ts", () => {
        const p = new Problems();
        const t = parseNginxTuning(p, JSON.stringify({ rateLimitPerSec: 50, connLimitPerClient: 20, proxyReadTimeoutSec: 120 }));
        expect(t).toEqual({ ...DEFAULT_NGINX, rateLimitPerSec: 50, connLimitPerClient: 20, proxyReadTimeoutSec: 120 });
    });
});

describe("the host-name map's hash bucket (an NLB's DNS name does not fit nginx's default 64)", () => {
    test.each([
        [["localhost", "127.0.0.1"], undefined],
        [["x".repeat(32)], undefined],
        [["x".repeat(33)], 128],
        [["webstack-lb-d7c4ada-7fd7a3f491ead804.elb.us-east-1.amazonaws.com"], 128],
        [["x".repeat(100)], 256],
        [["x".repeat(253)], 512],
    ])("%j -> %s", (names, size) => {
        expect(mapHashBucketSize(names)).toBe(size);
    });

    test("an aws config names the bucket size before its map; a local one keeps nginx's default", () => {
        const nlb = "webstack-lb-d7c4ada-7fd7a3f491ead804.elb.us-east-1.amazonaws.com";
        const aws = renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, serverNames: [nlb, "localhost"] });
        expect(aws).toMatch(/ {4}map_hash_bucket_size 128;\n {4}map \$host /);
        const local = renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost", "127.0.0.1"] });
        expect(local).not.toContain("map_hash_bucket_size");
    });
});
