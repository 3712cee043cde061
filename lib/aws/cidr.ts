// IPv4 arithmetic for the VPC the aws target creates.

/** Dotted quad of a 32-bit address. */
export function ipv4(addr: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join(".");
}

/** Splits a VPC CIDR into `count` equal subnets (count a power of two). */
export function splitCidr(cidr: string, count: number): string[] {
    const [ip, bits] = cidr.split("/");
    const prefix = Number(bits) + Math.log2(count);
    const base = ip
        .split(".")
        .map(Number)
        .reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => `${ipv4(base + i * size)}/${prefix}`);
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Why a VPC CIDR is unusable (not a /16../24 IPv4 network, or host bits set), with a corrected example;
 * undefined when it is fine.
 */
export function cidrProblem(value: unknown): { rule: string; example?: string } | undefined {
    const m = typeof value === "string" ? CIDR.exec(value) : null;
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const prefix = m ? Number(m[5]) : NaN;
    if (!m || octets.some((o) => o > 255) || prefix < 16 || prefix > 24) {
        return {
            rule: "must be an IPv4 network in CIDR form with a prefix from /16 to /24, e.g. 10.0.0.0/16 (it is split into 4 subnets)",
        };
    }
    const addr = octets.reduce((a, o) => a * 256 + o, 0);
    const network = addr - (addr % 2 ** (32 - prefix));
    if (network !== addr) {
        return { rule: `has host bits set; the network of that prefix starts at ${ipv4(network)}`, example: `${ipv4(network)}/${prefix}` };
    }
    return undefined;
}

/** The ranges a VPC's addresses normally come from (RFC 1918 and RFC 6598), for when its own CIDR is not known. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;
