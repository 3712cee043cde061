import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/defaults";
import type { NginxTuning } from "../../lib/types";
import { RESOLVERS_PLACEHOLDER, renderNginxConfig } from "../../nginx/render";

const render = (tuning: Partial<NginxTuning> = {}, extra: { domainSuffix?: string; resolvers?: string } = {}) =>
    renderNginxConfig({ services: DEFAULT_SERVICES, tuning: { ...DEFAULT_NGINX, ...tuning }, ...extra });

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
            /^ {4}log_format upstreamlog '\[\$time_local\] \$host to: \$upstream_addr: \$request \$status';$/m,
        ],
        ["buffered access log", {}, {}, /^ {4}access_log \/dev\/stdout upstreamlog buffer=64k flush=1s;$/m],
        ["unbuffered access log", { accessLogBufferKiB: 0 }, {}, /^ {4}access_log \/dev\/stdout upstreamlog;$/m],
        ["upstream keepalive", {}, {}, /^ {8}keepalive 32;\n {8}keepalive_timeout 60s;$/m],
        ["forwarded-for header", {}, {}, /^ {12}proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;$/m],
        ["forwarded-proto header", {}, {}, /^ {12}proxy_set_header X-Forwarded-Proto \$scheme;$/m],
        ["host header", {}, {}, /^ {12}proxy_set_header Host \$host;$/m],
        ["keep-alive needs HTTP/1.1 and no Connection header", {}, {}, /proxy_http_version 1\.1;\n {12}proxy_set_header Connection "";/],
        ["passive failover", {}, {}, /^ {12}proxy_next_upstream error timeout;$/m],
        ["short connect timeout", { proxyConnectTimeoutSec: 2 }, {}, /^ {12}proxy_connect_timeout 2s;$/m],
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
        ["worker connections", { workerConnections: 1024 }, {}, /^ {4}worker_connections 1024;$/m],
        ["proxy buffering off", { proxyBuffering: false }, {}, /^ {12}proxy_buffering off;$/m],
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
        expect(renderNginxConfig({ services: scaled, tuning: DEFAULT_NGINX })).toBe(render());
    });

    test("a service with 0 replicas keeps its server line (resolve tolerates a name with no address)", () => {
        const services = [DEFAULT_SERVICES[0], { ...DEFAULT_SERVICES[1], replicas: 0 }];
        expect(renderNginxConfig({ services, tuning: DEFAULT_NGINX })).toContain(
            "server application2:8000 weight=1 max_fails=1 fail_timeout=2s resolve;",
        );
    });

    test("the placeholder is the one the entrypoint replaces", () => {
        expect(RESOLVERS_PLACEHOLDER).toBe("${NGINX_LOCAL_RESOLVERS}");
    });
});
