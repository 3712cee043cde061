// The tls:* resources of a self-signed certificate, as the replay applies them: what the tls provider
// (hashicorp/terraform-provider-tls, bridged by pulumi-tls) does, with openssl. Its rules, read from
// internal/provider/resource_private_key.go and resource_self_signed_cert.go (schema in common_cert.go):
//   - every input RequiresReplace, except early_renewal_hours (plan default only: a change is state-only);
//   - Create computes the key / certificate; Delete is a no-op (nothing exists outside the state);
//   - private_key_pem of an ECDSA key is SEC1 ("EC PRIVATE KEY"), the certificate PEM ends with "\n".
// The mock runtime (evaluation/tlsMocks.ts) stands in placeholders for the generated PEMs; the replay maps each
// placeholder to the real PEM it made, as it maps a mocked image digest to the real image ID.
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import type { State } from "../evaluation/hash";
import { TLS } from "../evaluation/resourceTypes";

/** Inputs the replay knows per tls type (anything else is refused before any step). */
export const TLS_INPUTS: Readonly<Record<string, readonly string[]>> = {
    [TLS.privateKey]: ["algorithm", "ecdsaCurve", "rsaBits"],
    [TLS.selfSignedCert]: [
        "privateKeyPem",
        "subject",
        "dnsNames",
        "ipAddresses",
        "validityPeriodHours",
        "earlyRenewalHours",
        "allowedUses",
    ],
};

/** The one input whose change is not a replacement (common_cert.go: no RequiresReplace on early_renewal_hours). */
export const TLS_UPDATABLE: readonly string[] = ["earlyRenewalHours"];

const CURVES: Readonly<Record<string, string>> = { P256: "prime256v1", P384: "secp384r1" };
const USES: Readonly<Record<string, { ku?: string; eku?: string }>> = {
    digital_signature: { ku: "digitalSignature" },
    key_encipherment: { ku: "keyEncipherment" },
    server_auth: { eku: "serverAuth" },
};

/** A new private key, as tls.PrivateKey's Create makes it. */
export function generatePrivateKey(i: State): string {
    if (i.algorithm === "ECDSA") {
        const curve = CURVES[(i.ecdsaCurve as string | undefined) ?? "P224"];
        if (!curve) {
            throw new Error(`tls replay: curve ${String(i.ecdsaCurve)} not supported`);
        }
        return execFileSync("openssl", ["ecparam", "-name", curve, "-genkey", "-noout"], { encoding: "utf8" });
    }
    if (i.algorithm === "RSA") {
        return execFileSync("openssl", ["genrsa", String((i.rsaBits as number | undefined) ?? 2048)], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
    }
    throw new Error(`tls replay: algorithm ${String(i.algorithm)} not supported`);
}

/** A self-signed certificate for the given real key, as tls.SelfSignedCert's Create makes it. */
export function generateSelfSignedCert(i: State, keyPem: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-tls-"));
    try {
        const keyFile = path.join(dir, "key.pem");
        writeFileSync(keyFile, keyPem, { mode: 0o600 });
        const subject = (i.subject ?? {}) as Record<string, string>;
        const subj =
            [subject.commonName && `/CN=${subject.commonName}`, subject.organization && `/O=${subject.organization}`]
                .filter(Boolean)
                .join("") || "/";
        const san = [
            ...((i.dnsNames as string[] | undefined) ?? []).map((d) => `DNS:${d}`),
            ...((i.ipAddresses as string[] | undefined) ?? []).map((a) => `IP:${a}`),
        ];
        const uses = ((i.allowedUses as string[] | undefined) ?? []).map((u) => USES[u]).filter(Boolean);
        const ku = uses.flatMap((u) => (u.ku ? [u.ku] : []));
        const eku = uses.flatMap((u) => (u.eku ? [u.eku] : []));
        // openssl 3.0's req has no -not_after: whole days covering validity_period_hours.
        const days = Math.max(1, Math.ceil(Number(i.validityPeriodHours) / 24));
        const args = ["req", "-x509", "-new", "-key", keyFile, "-subj", subj, "-days", String(days), "-sha256"];
        args.push("-addext", "basicConstraints=critical,CA:FALSE");
        if (san.length > 0) {
            args.push("-addext", `subjectAltName=${san.join(",")}`);
        }
        if (ku.length > 0) {
            args.push("-addext", `keyUsage=critical,${ku.join(",")}`);
        }
        if (eku.length > 0) {
            args.push("-addext", `extendedKeyUsage=${eku.join(",")}`);
        }
        return execFileSync("openssl", args, { encoding: "utf8" });
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
