// Which host names nginx answers for (issue 18, finding 7), from the validated config. Any other Host is
// refused (nginx/edge.ts), so a DNS-rebinding page cannot reach the app through the 127.0.0.1 bind.
import { X509Certificate } from "crypto";
import { SELF_SIGNED_NAMES } from "../lib/config/tls";
import type { AwsStackConfig, LocalStackConfig, TlsConfig } from "../lib/config/types";

/** Names the certificate nginx serves is for: the self-signed one's extra names, or a provided leaf's DNS names. */
export function tlsServerNames(tls: TlsConfig | undefined): string[] {
    if (tls === undefined) {
        return [];
    }
    if (tls.mode === "self-signed") {
        return [...tls.hostnames];
    }
    // subjectAltName reads like "DNS:a.example, IP Address:10.0.0.1, DNS:*.b.example".
    const san = new X509Certificate(tls.certificatePem).subjectAltName ?? "";
    return san
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.startsWith("DNS:"))
        .map((s) => s.slice(4).toLowerCase());
}

/** Local: how this machine reaches the stack (localhost, 127.0.0.1, a specific bind address) and the TLS names. */
export function localServerNames(c: Pick<LocalStackConfig, "bindAddress" | "tls">): string[] {
    const bind = c.bindAddress === "0.0.0.0" ? [] : [c.bindAddress];
    return unique([...SELF_SIGNED_NAMES.dnsNames, ...SELF_SIGNED_NAMES.ipAddresses, ...bind, ...tlsServerNames(c.tls)]);
}

/**
 * aws: the load balancer's DNS name, the domain the stack points at it (aws.domain), aws.hostnames (e.g. the
 * names of a certificateArn's certificate, which the program cannot read), and the TLS names; then
 * the loopback names, for requests from inside the task (its health check, ECS Exec). A browser sends those
 * only to a loopback address, never to the load balancer, so they open nothing to DNS rebinding.
 */
export function awsServerNames(c: Pick<AwsStackConfig, "aws" | "tls">, loadBalancerDnsName: string): string[] {
    const domain = c.aws.certificate?.kind === "dns" ? [c.aws.certificate.domain] : [];
    const loopback = [...SELF_SIGNED_NAMES.dnsNames, ...SELF_SIGNED_NAMES.ipAddresses];
    return unique([loadBalancerDnsName.toLowerCase(), ...domain, ...(c.aws.hostnames ?? []), ...tlsServerNames(c.tls), ...loopback]);
}

function unique(names: readonly string[]): string[] {
    return [...new Set(names)];
}
