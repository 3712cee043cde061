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
