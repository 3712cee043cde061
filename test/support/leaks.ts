// Does a message quote key material? Real keys (node:crypto), and the rule the issue sets: no
// substring of MIN_LEAK characters of a secret (a PEM's base64 body, or the whole value) in a message.
import { generateKeyPairSync } from "crypto";

/** Shortest run of a secret's characters that counts as quoting it. */
export const MIN_LEAK = 8;

/** The part of a secret that must never appear: a PEM's body lines (headers are public words), else the value. */
export function secretBody(secret: string): string {
    if (!secret.includes("-----BEGIN")) {
        return secret;
    }
    return secret
        .split("\n")
        .filter((l) => !l.startsWith("-----") && !/^[A-Za-z-]+:/.test(l))
        .join("");
}

/** The first MIN_LEAK-character piece of `secret` found in `message`, or undefined. */
export function leakOf(message: string, secret: string): string | undefined {
    const pieces = new Set<string>();
    for (let i = 0; i + MIN_LEAK <= message.length; i++) {
        pieces.add(message.slice(i, i + MIN_LEAK));
    }
    const body = secretBody(secret);
    for (let i = 0; i + MIN_LEAK <= body.length; i++) {
        if (pieces.has(body.slice(i, i + MIN_LEAK))) {
            return body.slice(i, i + MIN_LEAK);
        }
    }
    return undefined;
}

/** Fresh private keys in PEM, as users paste them: PKCS#8, SEC1 (EC) and PKCS#1 (RSA), and an encrypted one. */
export function realKeys(): { ecPkcs8: string; ecSec1: string; rsaPkcs1: string; rsaPkcs8: string; encrypted: string } {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
        ecPkcs8: ec.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        ecSec1: ec.privateKey.export({ type: "sec1", format: "pem" }).toString(),
        rsaPkcs1: rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
        rsaPkcs8: rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        encrypted: ec.privateKey
            .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "not-a-real-passphrase" })
            .toString(),
    };
}
