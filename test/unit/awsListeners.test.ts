// lib/aws/listeners.ts: who terminates TLS decides the NLB's listeners, their target groups and the nginx
// ports behind them. One row per mode; then the decisions that must hold in every mode.
import { AwsListenerPlan, NLB_ALPN_POLICY, awsListeners, nginxContainerPorts } from "../../lib/aws/listeners";
import { AWS_PUBLIC_PORTS } from "../../lib/aws/facts";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { NGINX_PORT } from "../../lib/runtime";
import type { AwsCertificate, TlsConfig } from "../../lib/config/types";
import { renderNginxConfig } from "../../nginx/render";

const ARN: AwsCertificate = { kind: "arn", arn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab" };
const DNS: AwsCertificate = { kind: "dns", domain: "app.example.com", hostedZoneId: "Z0123456789ABC" };
const SELF_SIGNED: TlsConfig = { mode: "self-signed", hostnames: [] };

const MODES: [string, { tls?: TlsConfig; aws: { certificate?: AwsCertificate } }][] = [
    ["none", { aws: {} }],
    ["load-balancer (certificateArn)", { aws: { certificate: ARN } }],
    ["load-balancer (domain)", { aws: { certificate: DNS } }],
    ["nginx (webstack:tls)", { tls: SELF_SIGNED, aws: {} }],
];
/** A plan as short text: listeners "port/protocol -> nginx port (health check)", nginx ports "port scheme [tls] [proxy]". */
const summary = (p: AwsListenerPlan) => ({
    mode: p.mode,
    nlb: p.nlb.map((l) => `${l.port}/${l.protocol} -> ${l.targetGroup.port} (${l.targetGroup.healthCheckProtocol})`),
    nginx: p.nginx.map((l) => `${l.port} ${l.scheme}${l.tls ? " tls" : ""}${l.proxyProtocol ? " proxy" : ""}`),
    redirect: p.redirectToHttpsPort,
    url: p.urlScheme,
});

test.each([
    [
        "none",
        {
            mode: "none",
            nlb: ["80/TCP -> 8081 (HTTP)"],
            nginx: ["8080 http", "8081 http proxy"],
            redirect: undefined,
            url: "http",
        },
    ],
    [
        "load-balancer (certificateArn)",
        {
            mode: "load-balancer",
            nlb: ["80/TCP -> 8081 (HTTP)", "443/TLS -> 8082 (HTTP)"],
            nginx: ["8080 http", "8081 http proxy", "8082 https proxy"],
            redirect: 443,
            url: "https",
        },
    ],
    [
        "load-balancer (domain)",
        {
            mode: "load-balancer",
            nlb: ["80/TCP -> 8081 (HTTP)", "443/TLS -> 8082 (HTTP)"],
            nginx: ["8080 http", "8081 http proxy", "8082 https proxy"],
            redirect: 443,
            url: "https",
        },
    ],
    [
        "nginx (webstack:tls)",
        {
            mode: "nginx",
            nlb: ["80/TCP -> 8081 (HTTP)", "443/TCP -> 8444 (HTTPS)"],
            nginx: ["8080 http", "8081 http proxy", "8444 https tls proxy"],
            redirect: 443,
            url: "https",
        },
    ],
])("%s", (label, expected) => {
    const config = MODES.find(([l]) => l === label)![1];
    expect(summary(awsListeners(config))).toEqual(expected);
});

test("webstack:tls with an aws certificate is a programming error here (lib/config/config.ts refuses it first)", () => {
    expect(() => awsListeners({ tls: SELF_SIGNED, aws: { certificate: ARN } })).toThrow(/exclusive/);
});

test("the port-80 listener and its target group keep their names in every mode (existing stacks keep their NLB)", () => {
    for (const [, config] of MODES) {
        const http = awsListeners(config).nlb.find((l) => l.port === AWS_PUBLIC_PORTS.http)!;
        expect([http.nameSuffix, http.targetGroup.nameSuffix]).toEqual(["", ""]);
    }
});

test("443 is one listener name in both TLS modes (switching updates it in place); its target groups differ by port", () => {
    const lb = awsListeners(MODES[1][1]).nlb[1];
    const ng = awsListeners(MODES[3][1]).nlb[1];
    expect(lb.nameSuffix).toBe(ng.nameSuffix);
    expect(lb.targetGroup.nameSuffix).not.toBe(ng.targetGroup.nameSuffix);
});

test("only 80 and 443 are public, and every target port is an nginx container port besides its plain health port", () => {
    for (const [, config] of MODES) {
        const plan = awsListeners(config);
        expect(plan.nlb.every((l) => l.port === AWS_PUBLIC_PORTS.http || l.port === AWS_PUBLIC_PORTS.https)).toBe(true);
        expect(nginxContainerPorts(plan)).toEqual([NGINX_PORT, ...plan.nlb.map((l) => l.targetGroup.port)]);
    }
});

describe("the nginx config each plan renders", () => {
    const render = (label: string) => {
        const plan = awsListeners(MODES.find(([l]) => l === label)![1]);
        return renderNginxConfig({
            services: DEFAULT_SERVICES,
            tuning: DEFAULT_NGINX,
            serverNames: ["webstack-lb.elb.us-east-1.amazonaws.com"],
            listeners: plan.nginx,
            ...(plan.redirectToHttpsPort ? { redirectToHttpsPort: plan.redirectToHttpsPort } : {}),
            clientAddress: { trustedCidrs: ["10.0.0.0/16"] },
        });
    };
    const block = (conf: string, port: number) =>
        conf
            .split("\n    server {\n")
            .slice(1)
            .find((b) => new RegExp(`^ {8}listen ${port}[ ;]`, "m").test(b)) ?? "";

    test("load-balancer: 8082 takes PROXY v2 in clear text and tells the app https", () => {
        const b = block(render("load-balancer (certificateArn)"), 8082);
        expect(b).toMatch(/^ {8}listen 8082 proxy_protocol deferred;$/m);
        expect(b).toMatch(/^ {8}proxy_set_header X-Forwarded-Proto https;$/m);
    });

    test("load-balancer: 80's port answers 301 to https without a port in Location", () => {
        expect(block(render("load-balancer (certificateArn)"), 8081)).toMatch(/return 301 https:\/\/\$webstack_server_name\$request_uri;/);
    });

    test("nginx: 8444 takes PROXY v2 then TLS", () => {
        expect(block(render("nginx (webstack:tls)"), 8444)).toMatch(/^ {8}listen 8444 ssl proxy_protocol deferred;$/m);
    });

    test("none: 80's port proxies as http", () => {
        expect(block(render("none"), 8081)).toMatch(/^ {8}proxy_set_header X-Forwarded-Proto http;$/m);
    });

    // The TLS listener's ALPN (HTTP2Preferred) lets clients pick h2; the NLB then passes h2 frames in clear
    // text to 8082, which nginx (>= 1.25.1) accepts on a plain listener only with `http2 on` (checked on
    // webstack-offline/nginx:forky: curl --http2-prior-knowledge gets HTTP/2.0, plain curl HTTP/1.1).
    test(`load-balancer: 8082 speaks h2 in clear text, as the ${NLB_ALPN_POLICY} TLS listener may send it`, () => {
        expect(block(render("load-balancer (certificateArn)"), 8082)).toMatch(/^ {8}http2 on;$/m);
    });
});
