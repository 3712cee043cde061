// TLS for nginx: Mozilla's "intermediate" profile (ssl-config.mozilla.org, guidelines 5.7): TLS 1.2 and
// 1.3, AEAD ciphers with forward secrecy, no session tickets (their keys would never rotate in a
// long-lived nginx), and HTTP/2. Certificate and key come from NGINX_TLS_DIR, which the entrypoint fills.
import { NGINX_TLS_DIR } from "../lib/runtime";

/** One port nginx listens on, and what arrives there. */
export interface NginxListener {
    /** Port inside the container (lib/runtime.ts). */
    readonly port: number;
    /** nginx terminates TLS on this port. */
    readonly tls: boolean;
    /** Each connection starts with a PROXY v2 header (the NLB's target groups send one). */
    readonly proxyProtocol: boolean;
    /** Scheme the client used: what the app sees in X-Forwarded-Proto (https also when a load balancer terminated TLS). */
    readonly scheme: "http" | "https";
}

/** Mozilla intermediate TLS 1.2 suites; TLS 1.3 suites are OpenSSL's defaults, which the profile keeps. */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
] as const;

/** RFC 7919 ffdhe2048, which the profile names for the DHE suites; nginx/Dockerfile copies it here. */
export const DHPARAM_PATH = "/etc/nginx/webstack-ffdhe2048.pem";

/** http-level TLS settings (4-space indent). The certificate's digest makes a new certificate a new config. */
export function tlsHttpDirectives(certificateSha256: string | undefined): string[] {
    return [
        "    # TLS: Mozilla intermediate.",
        ...(certificateSha256 ? [`    # certificate sha256 ${certificateSha256}`] : []),
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        `    ssl_ciphers ${MOZILLA_INTERMEDIATE_CIPHERS.join(":")};`,
        "    ssl_prefer_server_ciphers off;",
        "    ssl_ecdh_curve X25519:prime256v1:secp384r1;",
        `    ssl_dhparam ${DHPARAM_PATH};`,
        "    ssl_session_timeout 1d;",
        "    ssl_session_cache shared:WebstackTLS:10m;",
        "    ssl_session_tickets off;",
        "",
    ];
}

/** server-level lines of a block with a TLS listener (8-space indent); `http2 on` comes from the block's scheme. */
export function tlsServerDirectives(): string[] {
    return [`        ssl_certificate ${NGINX_TLS_DIR}/cert.pem;`, `        ssl_certificate_key ${NGINX_TLS_DIR}/key.pem;`];
}
