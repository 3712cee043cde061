// nginx/render.ts with TLS: listeners, the redirect, HSTS and Mozilla intermediate. One decision per row.
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { NGINX_HTTPS_PORT, NGINX_PROXY_TLS_TERMINATED_PORT, NGINX_TLS_DIR } from "../../lib/runtime";
import { NginxListener, PLAIN_LISTENER, RenderNginxArgs, configIdOf, renderNginxConfig } from "../../nginx/render";
import { MOZILLA_INTERMEDIATE_CIPHERS } from "../../nginx/tls";

const HTTPS: NginxListener = { port: NGINX_HTTPS_PORT, tls: true, proxyProtocol: false, scheme: "https" };
const local = (extra: Partial<RenderNginxArgs> = {}) =>
    renderNginxConfig({
        services: DEFAULT_SERVICES,
        tuning: DEFAULT_NGINX,
        serverNames: ["localhost", "127.0.0.1"],
        listeners: [PLAIN_LISTENER, HTTPS],
        redirectToHttpsPort: 8443,
        certificateSha256: "ab".repeat(32),
        ...extra,
    });
const off = () => renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost"] });
/** The server block that has `listen <port>`. */
const block = (conf: string, port: number) => {
    const blocks = conf.split("\n    server {\n").slice(1);
    return blocks.find((b) => new RegExp(`^ {8}listen ${port}[ ;]`, "m").test(b)) ?? "";
};

test("TLS on: the default config (snapshot of rendered text)", () => {
    expect(local()).toMatchSnapshot();
});

test.each([
    ["TLS port with HTTP/2", () => block(local(), 8443), /^ {8}listen 8443 ssl deferred;\n(?:.*\n)* {8}http2 on;$/m],
    [
        "certificate and key from the tmpfs the entrypoint fills",
        () => block(local(), 8443),
        new RegExp(`ssl_certificate_key ${NGINX_TLS_DIR}/key\\.pem;`),
    ],
    ["TLS 1.2 and 1.3 only", local, /^ {4}ssl_protocols TLSv1\.2 TLSv1\.3;$/m],
    ["Mozilla intermediate ciphers", local, new RegExp(`^ {4}ssl_ciphers ${MOZILLA_INTERMEDIATE_CIPHERS.join(":")};$`, "m")],
    ["no session tickets", local, /^ {4}ssl_session_tickets off;$/m],
    ["the app is told https on the TLS port", () => block(local(), 8443), /^ {8}proxy_set_header X-Forwarded-Proto https;$/m],
    [
        "plain http redirects to the https port, keeping path and query",
        () => block(local(), 8080),
        /^ {12}return 301 https:\/\/\$webstack_server_name:8443\$request_uri;$/m,
    ],
    [
        "443 is left out of Location",
        () => block(local({ redirectToHttpsPort: 443 }), 8080),
        /return 301 https:\/\/\$webstack_server_name\$request_uri;/,
    ],
    [
        "nginx's health path is answered on plain http, not redirected",
        () => block(local(), 8080),
        /location = \/nginx-healthz \{\n(?:.*\n){2} {12}return 200/,
    ],
    [
        "HSTS on https answers when asked",
        () => block(local({ hstsMaxAgeSec: 63072000 }), 8443),
        /^ {8}add_header Strict-Transport-Security "max-age=63072000" always;$/m,
    ],
    [
        "TLS the load balancer terminated: PROXY port, scheme https, no ssl",
        () =>
            block(
                renderNginxConfig({
                    services: DEFAULT_SERVICES,
                    tuning: DEFAULT_NGINX,
                    serverNames: ["webstack-lb.elb.us-east-1.amazonaws.com"],
                    listeners: [
                        PLAIN_LISTENER,
                        { port: NGINX_PROXY_TLS_TERMINATED_PORT, tls: false, proxyProtocol: true, scheme: "https" },
                    ],
                    redirectToHttpsPort: 443,
                    clientAddress: { trustedCidrs: ["10.0.0.0/16"] },
                }),
                NGINX_PROXY_TLS_TERMINATED_PORT,
            ),
        /^ {8}listen 8082 proxy_protocol deferred;\n(?:.*\n)*? {8}http2 on;\n(?:.*\n)*? {8}proxy_set_header X-Forwarded-Proto https;$/m,
    ],
])("%s", (_label, conf, pattern) => {
    expect(conf()).toMatch(pattern);
});

test.each([
    ["TLS off: no ssl at all", off, /ssl|http2/],
    ["TLS off: no redirect", off, /return 301/],
    ["no HSTS by default (self-signed)", local, /Strict-Transport-Security/],
    ["HSTS never on plain http", () => block(local({ hstsMaxAgeSec: 600 }), 8080), /Strict-Transport-Security/],
    ["the redirect block never proxies", () => block(local(), 8080), /proxy_pass/],
])("%s", (_label, conf, pattern) => {
    expect(conf()).not.toMatch(pattern);
});

test("a new certificate is a new config (nginx reloads it)", () => {
    expect(configIdOf(local({ certificateSha256: "cd".repeat(32) }))).not.toBe(configIdOf(local()));
});

test("no listener is refused", () => {
    expect(() =>
        renderNginxConfig({ services: DEFAULT_SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost"], listeners: [] }),
    ).toThrow(/at least one listener/);
});
