// aws only: the client's address through the Network Load Balancer. The NLB's target groups send a
// PROXY protocol v2 header on every connection (health checks too, with no client address in it), so
// nginx listens for it on ports of their own (listeners with proxyProtocol, nginx/render.ts), takes the
// address from the header (ngx_http_realip_module, trusting only the VPC's addresses, where the NLB's
// nodes live), and logs it. The app then sees it as X-Forwarded-For, as locally. NGINX_PORT stays
// plain: the container's own health check speaks plain HTTP.

/** What the aws renderer adds. */
export interface ClientAddressArgs {
    /** Source ranges whose PROXY headers are trusted: the VPC, where the NLB's private addresses are. */
    readonly trustedCidrs: readonly string[];
}

/** What the aws access log adds after the article's fields: the client address nginx took from the header. */
export const CLIENT_LOG_SUFFIX = " client=$remote_addr";

/** Lines for a server block with PROXY protocol listeners (8-space indent, like nginx/render.ts). */
export function realIpDirectives(a: ClientAddressArgs): string[] {
    return [
        "        # The client address from the load balancer's PROXY v2 header, only from trusted sources.",
        ...a.trustedCidrs.map((cidr) => `        set_real_ip_from ${cidr};`),
        "        real_ip_header proxy_protocol;",
    ];
}
