// A real self-signed certificate and its key (openssl), for tests that need PEMs the program accepts.
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/** A key (ECDSA P-256, or RSA 2048) and a certificate for `cn` (also its subjectAltName), valid from now for `days`. */
export function selfSignedPem(cn: string, days = 3, kind: "ec" | "rsa" = "ec"): { cert: string; key: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-pem-"));
    try {
        const [keyFile, certFile] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
        execFileSync(
            "openssl",
            kind === "ec"
                ? ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile]
                : ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyFile],
        );
        execFileSync("openssl", [
            "req",
            "-x509",
            "-new",
            "-key",
            keyFile,
            "-subj",
            `/CN=${cn}`,
            "-days",
            String(days),
            "-addext",
            `subjectAltName=DNS:${cn}`,
            "-out",
            certFile,
        ]);
        return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
