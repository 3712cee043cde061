// The client address on aws (nginx/realIp.ts): the NLB's PROXY v2 port, trusted only from the VPC, the
// client in the access log; the local target's config is untouched.
import { evaluate } from "../../evaluation/evaluate";
import { parseUpstreamLog } from "../../traffic/traffic";
import { AWS } from "../../evaluation/resourceTypes";
import { CLIENT_LOG_SUFFIX } from "../../nginx/realIp";
import { PLAIN_LISTENER, UPSTREAM_LOG_FORMAT, renderNginxConfig } from "../../nginx/render";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { NGINX_CONF_ENV, NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT } from "../../lib/runtime";

test("the PROXY protocol listener and real_ip follow the plain listener, in the server block", () => {
    const conf = renderNginxConfig({
        services: DEFAULT_SERVICES,
        tuning: DEFAULT_NGINX,
        serverNames: ["webstack-lb.elb.us-east-1.amazonaws.com"],
        listeners: [PLAIN_LISTENER, { port: 8081, tls: false, proxyProtocol: true, scheme: "http" }],
        clientAddress: { trustedCidrs: ["10.0.0.0/16"] },
    });
    const server = conf.slice(conf.indexOf("    server {"));
    expect(server).toContain(
        [
            `        listen ${NGINX_PORT} default_server deferred;`,
            "        listen 8081 proxy_protocol deferred;",
            "        # The client address from the load balancer's PROXY v2 header, only from trusted sources.",
            "        set_real_ip_from 10.0.0.0/16;",
            "        real_ip_header proxy_protocol;",
        ].join("\n"),
    );
    expect(conf).toContain(`log_format upstreamlog '${UPSTREAM_LOG_FORMAT}${CLIENT_LOG_SUFFIX}';`);
    expect(CLIENT_LOG_SUFFIX).toBe(" client=$remote_addr");
});

test("the traffic tools still read the aws log line, client suffix and all", () => {
    const line = "[28/Nov/2026:02:54:26 +0000] example to: 10.231.0.2:8000: GET / HTTP/1.0 200 client=203.0.113.7";
    expect(parseUpstreamLog(line)).toEqual([
        { host: "example", addrs: ["10.231.0.2:8000"], answeredBy: "10.231.0.2:8000", request: "GET / HTTP/1.0", status: 200 },
    ]);
});

describe("wired on aws only", () => {
    const nginxConf = async (config: Record<string, unknown>) => {
        const ev = await evaluate(config);
        const td = ev.resources.find((r) => r.type === AWS.taskDefinition && r.name === "webstack-nginx");
        const defs = JSON.parse(String(td?.inputs.containerDefinitions)) as { environment: { name: string; value: string }[] }[];
        return { ev, conf: defs[0].environment.find((e) => e.name === NGINX_CONF_ENV)!.value };
    };

    test("aws: the target group sends PROXY v2 to nginx's proxy port; nginx trusts the created VPC's CIDR", async () => {
        const { ev, conf } = await nginxConf({ target: "aws", "aws:region": "us-east-1" });
        const tg = ev.resources.find((r) => r.type === AWS.targetGroup)!;
        expect([tg.inputs.port, tg.inputs.proxyProtocolV2]).toEqual([NGINX_PROXY_PROTOCOL_PORT, true]);
        expect(conf).toContain(`listen ${NGINX_PROXY_PROTOCOL_PORT} proxy_protocol deferred;`);
        expect(conf).toContain("set_real_ip_from 10.0.0.0/16;");
    }, 30_000);

    test("local: no PROXY protocol listener", async () => {
        const ev = await evaluate({});
        const conf = JSON.stringify(ev.resources.map((r) => r.inputs));
        expect(conf).not.toContain("proxy_protocol");
    }, 30_000);
});
