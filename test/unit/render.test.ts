import { readFileSync } from "fs";
import * as path from "path";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import type { NginxTuning } from "../../lib/config/types";
import { RESOLVERS_PLACEHOLDER, configIdOf, renderNginxConfig } from "../../nginx/render";

const NAMES = ["localhost", "127.0.0.1"];
const render = (tuning: Partial<NginxTuning> = {}, extra: { domainSuffix?: string; resolvers?: string } = {}) =>
    renderNginxConfig({ services: DEFAULT_SERVICES, tuning: { ...DEFAULT_NGINX, ...tuning }, serverNames: NAMES, ...extra });

describe("renderNginxConfig", () => {
    test("the default config (snapshot of rendered text)", () => {
        expect(render()).toMatchSnapshot();
    });

    // Each row: what is rendered, and a line (regex) the output must contain.
    test.each([
        ["weighted servers resolved at run time", {}, {}, /^ {8}server application1:8000 weight=3 max_fails=1 fail_timeout=2s resolve;$/m],
        ["every service is a server", {}, {}, /^ {8}server application2:8000 weight=1 max_fails=1 fail_timeout=2s resolve;$/m],
        ["a shared zone, required by resolve", {}, {}, /^ {8}zone webstack_app 256k;$/m],
        [
            "resolver placeholder filled at container start",
            {},
            {},
            new RegExp(`^ {4}resolver \\$\\{NGINX_LOCAL_RESOLVERS\\} valid=5s ipv6=off;$`, "m"),
        ],
        ["explicit resolvers", {}, { resolvers: "10.0.0.2" }, /^ {4}resolver 10\.0\.0\.2 valid=5s ipv6=off;$/m],
        ["resolver validity from tuning", { resolverValidSec: 2 }, {}, / valid=2s ipv6=off;$/m],
        [
            "Cloud Map suffix",
            {},
            { domainSuffix: ".webstack-aws.local" },
            /^ {8}server application1\.webstack-aws\.local:8000 weight=3 max_fails=1 fail_timeout=2s resolve;$/m,
        ],
        [
            "the article's log format",
            {},
            {},
            /^ {4}log_format upstreamlog '\[\$time_local\] \$host to: \$upstream_addr: \$request \$status svc=\$upstream_http_x_webstack_service ver=\$upstream_http_x_webstack_version rt=\$request_time';$/m,
        ],
        ["buffered access log", {}, {}, /^ {4}access_log \/dev\/stdout upstreamlog buffer=64k flush=1s;$/m],
        ["unbuffered access log", { accessLogBufferKiB: 0 }, {}, /^ {4}access_log \/dev\/stdout upstreamlog;$/m],
        ["upstream keepalive", {}, {}, /^ {8}keepalive 32;\n {8}keepalive_timeout 60s;$/m],
        [
            "forwarded-for header: the client nginx saw, replacing the client's",
            {},
            {},
            /^ {8}proxy_set_header X-Forwarded-For \$remote_addr;$/m,
        ],
        ["forwarded-proto header: the scheme the client used", {}, {}, /^ {8}proxy_set_header X-Forwarded-Proto http;$/m],
        ["host header: the configured name the request matched", {}, {}, /^ {8}proxy_set_header Host \$webstack_server_name;$/m],
        ["keep-alive needs HTTP/1.1 and no Connection header", {}, {}, /proxy_http_version 1\.1;\n {8}proxy_set_header Connection "";/],
        ["passive failover", {}, {}, /^ {8}proxy_next_upstream error timeout;$/m],
        ["tries bounded by the peers and the timeout, not a count", {}, {}, /^ {8}proxy_next_upstream_tries 0;$/m],
        [
            "nginx's own 502/504 (stale peer set after a resolve) goes to a re-dispatch location of its own status",
            {},
            {},
            /location \/ \{\n(?:.*\n)*? {12}proxy_pass http:\/\/webstack_app;\n(?: {12}#.*\n)+ {12}error_page 502 = @webstack_retry_502;\n {12}error_page 504 = @webstack_retry_504;\n {8}\}/,
        ],
        ["the config id on every response", {}, {}, /^ {8}add_header X-Webstack-Config "[0-9a-f]{8}" always;$/m],
        ["short connect timeout", { proxyConnectTimeoutSec: 2 }, {}, /^ {8}proxy_connect_timeout 2s;$/m],
        [
            "failed replicas skipped briefly",
            { failTimeoutSec: 7 },
            {},
            /^ {8}server application1:8000 weight=3 max_fails=1 fail_timeout=7s resolve;$/m,
        ],
        ["no version in headers or error pages", {}, {}, /^ {4}server_tokens off;$/m],
        [
            "health location answered by nginx",
            {},
            {},
            /location = \/nginx-healthz \{\n {12}access_log off;\n {12}default_type text\/plain;\n {12}return 200 "ok\\n";/,
        ],
        ["worker processes", { workerProcesses: 2 }, {}, /^worker_processes 2;$/m],
        ["a reload never closes a keep-alive connection a client is about to reuse", {}, {}, /^ {4}keepalive_min_timeout 2s;$/m],
        [
            "connections accepted with their request (a reload never drops a fresh one)",
            {},
            {},
            /^ {8}listen 8080 default_server deferred;$/m,
        ],
        ["worker connections", { workerConnections: 1024 }, {}, /^ {4}worker_connections 1024;$/m],
        ["proxy buffering off", { proxyBuffering: false }, {}, /^ {8}proxy_buffering off;$/m],
    ])("%s", (_label, tuning, extra, pattern) => {
        expect(render(tuning, extra)).toMatch(pattern);
    });

    test.each([
        ["no upstream keepalive when disabled", { upstreamKeepalive: 0 }, /keepalive \d+;/],
        ["no user directive: workers run as the image's unprivileged default", {}, /^\s*user /m],
        ["no Debian default site", {}, /sites-enabled/],
    ])("%s", (_label, tuning, pattern) => {
        expect(render(tuning)).not.toMatch(pattern);
    });

    test("replicas do not change the config (names and weights only)", () => {
        const scaled = DEFAULT_SERVICES.map((s) => ({ ...s, replicas: s.replicas + 3, workers: 9 }));
        expect(renderNginxConfig({ services: scaled, tuning: DEFAULT_NGINX, serverNames: NAMES })).toBe(render());
    });

    test("a service with 0 replicas keeps its server line (resolve tolerates a name with no address)", () => {
        const services = [DEFAULT_SERVICES[0], { ...DEFAULT_SERVICES[1], replicas: 0 }];
        expect(renderNginxConfig({ services, tuning: DEFAULT_NGINX, serverNames: NAMES })).toContain(
            "server application2:8000 weight=1 max_fails=1 fail_timeout=2s resolve;",
        );
    });

    test("the placeholder is the one the entrypoint replaces", () => {
        const entrypoint = readFileSync(path.join(__dirname, "../../nginx/webstack-entrypoint.sh"), "utf8");
        // The sed expression in the shell script, unescaped, must be the placeholder render writes.
        const sed = /sed "s\/(.+?)\/\$r\/g"/.exec(entrypoint);
        expect(sed).not.toBeNull();
        expect(sed![1].replace(/\\/g, "")).toBe(RESOLVERS_PLACEHOLDER);
        expect(render()).toContain(`resolver ${RESOLVERS_PLACEHOLDER} `);
    });

    test("the config id changes with any change of the text, and only then", () => {
        expect(configIdOf(render())).toBe(configIdOf(render()));
        expect(configIdOf(render({ upstreamKeepalive: 16 }))).not.toBe(configIdOf(render()));
        const reweighted = renderNginxConfig({
            services: [{ ...DEFAULT_SERVICES[0], weight: 2 }, DEFAULT_SERVICES[1]],
            tuning: DEFAULT_NGINX,
            serverNames: NAMES,
        });
        expect(configIdOf(reweighted)).not.toBe(configIdOf(render()));
        expect(() => configIdOf("http {}")).toThrow(/no config id/);
    });
});
