// `webstack:tls` and `webstack:hstsMaxAgeSec`: parsed and checked before any resource, so a certificate nginx
// would refuse (or serve expired) fails the preview, not the deploy. Key material never reaches a message.
import { X509Certificate, createPrivateKey } from "crypto";
import { HSTS_DEFAULT_MAX_AGE_SEC, LIMITS } from "./defaults";
import type { TlsConfig } from "./types";
import { Problems, intIn, isRecord, jsonOrText, setCommand, unknownKeys } from "./validate";

const TLS_KEYS = ["mode", "hostnames", "certificate", "key"] as const;
const HOSTNAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Names every self-signed certificate covers: how the stack is reached on this machine. */
export const SELF_SIGNED_NAMES = { dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] } as const;

/** Parses `webstack:tls`; undefined when absent. `secret` says whether Pulumi holds the key as a secret. */
export function parseTls(p: Problems, value: string | undefined, secret: boolean, now: Date = new Date()): TlsConfig | undefined {
    if (value === undefined) {
        return undefined;
    }
    const raw = jsonOrText(value);
    const example = "pulumi config set --path 'webstack:tls.mode' self-signed";
    if (!isRecord(raw)) {
        p.add("webstack:tls", raw, "must be an object {mode: self-signed | provided, ...}", example);
        return undefined;
    }
    const before = p.count;
    unknownKeys(p, "webstack:tls", raw, TLS_KEYS);
    if (raw.mode === "self-signed") {
        for (const k of ["certificate", "key"] as const) {
            if (raw[k] !== undefined) {
                p.add(`webstack:tls.${k}`, raw[k], "is only read with mode provided", `pulumi config rm --path 'webstack:tls.${k}'`);
            }
        }
        const hostnames = parseHostnames(p, raw.hostnames);
        return p.count === before && hostnames ? { mode: "self-signed", hostnames } : undefined;
    }
    if (raw.mode !== "provided") {
        p.add("webstack:tls.mode", raw.mode, "must be 'self-signed' (the program makes one) or 'provided' (your PEMs)", example);
        return undefined;
    }
    if (raw.hostnames !== undefined) {
        p.add(
            "webstack:tls.hostnames",
            raw.hostnames,
            "is only read with mode self-signed (a provided certificate names its own hosts)",
            "pulumi config rm --path 'webstack:tls.hostnames'",
        );
    }
    const provided = checkProvided(p, raw.certificate, raw.key, now);
    if (provided && !secret) {
        p.add(
            "webstack:tls.key",
            raw.key,
            "is stored in plain text in Pulumi.<stack>.yaml; a private key must be a Pulumi secret",
            "pulumi config set --path --secret 'webstack:tls.key' \"$(cat key.pem)\"",
        );
    }
    return p.count === before && provided ? { mode: "provided", ...provided } : undefined;
}

function parseHostnames(p: Problems, value: unknown): string[] | undefined {
    if (value === undefined) {
        return [];
    }
    const key = "webstack:tls.hostnames";
    if (!Array.isArray(value) || value.length > LIMITS.tlsHostnames) {
        p.add(key, value, `must be a list of at most ${LIMITS.tlsHostnames} DNS names`, "write it as hostnames: [app.example.test]");
        return undefined;
    }
    const before = p.count;
    value.forEach((h: unknown, i) => {
        if (typeof h !== "string" || !HOSTNAME.test(h)) {
            p.add(`${key}[${i}]`, h, "must be a lowercase DNS name (a leading *. is allowed)", "write it as hostnames: [app.example.test]");
        }
    });
    if (p.count !== before) {
        return undefined;
    }
    return [...new Set(value as string[])].filter((h) => !(SELF_SIGNED_NAMES.dnsNames as readonly string[]).includes(h));
}

/** The checks nginx and browsers would make, done up front: parse, pair, validity window. */
function checkProvided(p: Problems, certificate: unknown, key: unknown, now: Date): { certificatePem: string; keyPem: string } | undefined {
    const setCert = "pulumi config set --path 'webstack:tls.certificate' \"$(cat cert.pem)\"";
    const setKey = "pulumi config set --path --secret 'webstack:tls.key' \"$(cat key.pem)\"";
    if (typeof certificate !== "string" || certificate.trim() === "") {
        p.add("webstack:tls.certificate", certificate, "mode provided needs a PEM certificate", setCert);
        return undefined;
    }
    if (typeof key !== "string" || key.trim() === "") {
        p.add("webstack:tls.key", key, "mode provided needs the certificate's PEM private key", setKey);
        return undefined;
    }
    const chain = parseChain(p, certificate, setCert);
    if (chain === undefined) {
        return undefined;
    }
    const cert = chain[0];
    let keyObject;
    try {
        keyObject = createPrivateKey(key);
    } catch {
        // The parser's message can quote the input; say only that it failed.
        p.add("webstack:tls.key", key, "does not parse as a PEM private key", setKey);
        return undefined;
    }
    const subject = cert.subject.replace(/\n/g, ", ");
    if (!cert.checkPrivateKey(keyObject)) {
        p.add(
            "webstack:tls.key",
            key,
            `does not match the certificate (${subject})`,
            "set the key the certificate was issued for, or the certificate of this key",
        );
    }
    chain.forEach((c, i) => {
        const which = chain.length > 1 ? ` (certificate ${i + 1} of the chain, ${c.subject.replace(/\n/g, ", ")})` : ` (${subject})`;
        const from = new Date(c.validFrom);
        const to = new Date(c.validTo);
        if (now < from) {
            p.add(
                "webstack:tls.certificate",
                certificate,
                `is not valid yet${which}: valid from ${from.toISOString()}`,
                "use a certificate that is valid now, or wait until then",
            );
        } else if (now > to) {
            p.add("webstack:tls.certificate", certificate, `expired on ${to.toISOString()}${which}`, "renew it and set the new PEMs");
        }
    });
    return { certificatePem: certificate, keyPem: key };
}

/**
 * Every block of tls.certificate, in order: certificates only, each one parsing (nginx sends the whole
 * chain). A private key here would leave the secret wrapper: the certificate is a plain stack output and
 * a plain upload, so any PRIVATE KEY block (PKCS#8, RSA, EC, ENCRYPTED...) is refused first.
 */
function parseChain(p: Problems, certificate: string, setCert: string): X509Certificate[] | undefined {
    const key = "webstack:tls.certificate";
    if (/PRIVATE KEY/i.test(certificate)) {
        p.add(
            key,
            certificate,
            "holds a PRIVATE KEY block; the certificate is published in plain text (stack output certificatePem, the upload to nginx), so the key would leave its secret",
            `keep only the CERTIFICATE blocks there (${setCert}) and the key in webstack:tls.key; treat this key as exposed if the stack file was shared`,
        );
        return undefined;
    }
    const labels = [...certificate.matchAll(/-----BEGIN ([^\n]*?)-----/g)].map((m) => m[1]);
    const blocks = [...certificate.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0]);
    if (labels.length === 0) {
        p.add(key, certificate, "does not parse as a PEM certificate (no -----BEGIN CERTIFICATE----- block)", setCert);
        return undefined;
    }
    const other = labels.findIndex((l) => l !== "CERTIFICATE");
    if (other >= 0) {
        p.add(
            key,
            certificate,
            `block ${other + 1} of the chain is ${/^[A-Z0-9 ]{1,40}$/.test(labels[other]) ? labels[other] : "not a CERTIFICATE"}; only CERTIFICATE blocks belong in the chain`,
            setCert,
        );
        return undefined;
    }
    const chain: X509Certificate[] = [];
    for (let i = 0; i < labels.length; i++) {
        try {
            chain.push(new X509Certificate(blocks[i] ?? ""));
        } catch {
            p.add(key, certificate, `block ${i + 1} of the chain does not parse as a PEM certificate`, setCert);
            return undefined;
        }
    }
    return chain;
}

/** `webstack:hstsMaxAgeSec`: a browser would remember a self-signed stack's HSTS, so that default is off. */
export function parseHsts(p: Problems, value: string | undefined, tlsOn: boolean, selfSigned: boolean): number | undefined {
    if (value === undefined) {
        return tlsOn && !selfSigned ? HSTS_DEFAULT_MAX_AGE_SEC : 0;
    }
    const n = intIn(
        p,
        "webstack:hstsMaxAgeSec",
        value,
        0,
        LIMITS.hstsMaxAgeSec,
        "seconds browsers keep to https (0 sends no header)",
        0,
        true,
    );
    if (n !== undefined && n > 0 && !tlsOn) {
        p.add(
            "webstack:hstsMaxAgeSec",
            n,
            "needs TLS: HSTS is only sent on https answers",
            "pulumi config set --path 'webstack:tls.mode' self-signed, or pulumi config rm webstack:hstsMaxAgeSec",
        );
    }
    return n;
}

/** `httpsPort` must differ from `httpPort`: both are published on the same address. */
export function checkPorts(p: Problems, httpPort: number | undefined, httpsPort: number | undefined): void {
    if (httpPort !== undefined && httpPort === httpsPort) {
        p.add(
            "webstack:httpsPort",
            httpsPort,
            "equals webstack:httpPort; nginx publishes both on the bind address",
            setCommand("webstack:httpsPort", httpPort === 8443 ? 9443 : 8443),
        );
    }
}
