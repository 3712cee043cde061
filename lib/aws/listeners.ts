// What listens where on aws, decided once from the config: the load balancer's listeners, the target
// group each forwards to, and the nginx ports behind them. Every target group sends a PROXY v2 header
// (the client's address), and each nginx port stands for one scheme, so the app sees the one the client
// used even where the load balancer terminated TLS. Three modes:
//   none           80 TCP -> nginx 8081 (http)
//   load-balancer  80 TCP -> nginx 8081 (301 to https), 443 TLS (ACM certificate) -> nginx 8082 (https)
//   nginx          80 TCP -> nginx 8081 (301 to https), 443 TCP (passed through) -> nginx 8444 (TLS, https)
import { AWS_PUBLIC_PORTS } from "./facts";
import { NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT, NGINX_PROXY_TLS_PORT, NGINX_PROXY_TLS_TERMINATED_PORT } from "../runtime";
import type { AwsCertificate, TlsConfig } from "../config/types";

/** Who terminates TLS: nobody, the load balancer (ACM), or nginx (webstack:tls). */
export type AwsTlsMode = "none" | "load-balancer" | "nginx";

/** The TLS policy of the load balancer's TLS listener: TLS 1.3 and 1.2, forward secrecy only. */
export const NLB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** ALPN of the TLS listener: h2 first. nginx's https port then receives h2 in clear text (prior knowledge). */
export const NLB_ALPN_POLICY = "HTTP2Preferred";

/** One target group: the nginx port it forwards to, and how the load balancer checks it. */
export interface TargetGroupPlan {
    /** Appended to the component's name; "" keeps the name the port-80 group always had. */
    readonly nameSuffix: string;
    /** nginx container port (lib/runtime.ts). */
    readonly port: number;
    /** Health check protocol on that port: HTTPS where nginx terminates TLS (after the PROXY header, like traffic). */
    readonly healthCheckProtocol: "HTTP" | "HTTPS";
}

/** One listener of the load balancer. */
export interface NlbListenerPlan {
    /** Appended to the component's name; "" keeps the name the port-80 listener always had. */
    readonly nameSuffix: string;
    /** Public port. */
    readonly port: number;
    /** TLS: the load balancer terminates with the ACM certificate; TCP: bytes pass through. */
    readonly protocol: "TCP" | "TLS";
    /** Where it forwards. */
    readonly targetGroup: TargetGroupPlan;
}

/** One nginx port and what arrives on it (nginx/render.ts NginxListener). */
export interface AwsNginxListener {
    readonly port: number;
    readonly tls: boolean;
    readonly proxyProtocol: boolean;
    readonly scheme: "http" | "https";
}

/** The whole decision. */
export interface AwsListenerPlan {
    readonly mode: AwsTlsMode;
    /** Listeners in port order; port 80 first. */
    readonly nlb: readonly NlbListenerPlan[];
    /** nginx's ports: the plain one for its own health check, then one per target group. */
    readonly nginx: readonly AwsNginxListener[];
    /** With TLS, nginx's http ports answer 301 to https on this public port. */
    readonly redirectToHttpsPort?: number;
    /** Scheme of the stack's URL. */
    readonly urlScheme: "http" | "https";
}

/** The port-80 target group: its name and port predate TLS, so existing stacks keep it. */
const HTTP_GROUP: TargetGroupPlan = { nameSuffix: "", port: NGINX_PROXY_PROTOCOL_PORT, healthCheckProtocol: "HTTP" };

/** Listeners, target groups and nginx ports for a stack's TLS settings. */
export function awsListeners(c: { readonly tls?: TlsConfig; readonly aws: { readonly certificate?: AwsCertificate } }): AwsListenerPlan {
    if (c.tls !== undefined && c.aws.certificate !== undefined) {
        // lib/config/config.ts refuses this before any resource; here it would be a programming error.
        throw new Error("webstack:tls and an aws certificate are exclusive");
    }
    const mode: AwsTlsMode = c.aws.certificate ? "load-balancer" : c.tls ? "nginx" : "none";
    const http: NlbListenerPlan = { nameSuffix: "", port: AWS_PUBLIC_PORTS.http, protocol: "TCP", targetGroup: HTTP_GROUP };
    const plain: AwsNginxListener = { port: NGINX_PORT, tls: false, proxyProtocol: false, scheme: "http" };
    const behindHttp: AwsNginxListener = { port: NGINX_PROXY_PROTOCOL_PORT, tls: false, proxyProtocol: true, scheme: "http" };
    if (mode === "none") {
        return { mode, nlb: [http], nginx: [plain, behindHttp], urlScheme: "http" };
    }
    // One listener name for 443 in both TLS modes: switching modes updates it in place, where two names
    // would create the new listener on 443 before the old one let go of the port.
    const https: NlbListenerPlan =
        mode === "load-balancer"
            ? {
                  nameSuffix: "-https",
                  port: AWS_PUBLIC_PORTS.https,
                  protocol: "TLS",
                  targetGroup: { nameSuffix: "-https-lb", port: NGINX_PROXY_TLS_TERMINATED_PORT, healthCheckProtocol: "HTTP" },
              }
            : {
                  nameSuffix: "-https",
                  port: AWS_PUBLIC_PORTS.https,
                  protocol: "TCP",
                  targetGroup: { nameSuffix: "-https-nginx", port: NGINX_PROXY_TLS_PORT, healthCheckProtocol: "HTTPS" },
              };
    return {
        mode,
        nlb: [http, https],
        nginx: [plain, behindHttp, { port: https.targetGroup.port, tls: mode === "nginx", proxyProtocol: true, scheme: "https" }],
        redirectToHttpsPort: AWS_PUBLIC_PORTS.https,
        urlScheme: "https",
    };
}

/** nginx's container ports: every port a listener above uses, NGINX_PORT first (its own health check). */
export function nginxContainerPorts(plan: AwsListenerPlan): number[] {
    return plan.nginx.map((l) => l.port);
}
