// The replay's tls:* rules, each checked against the provider source it was read from:
// hashicorp/terraform-provider-tls (bridged by pulumi-tls 5.x) internal/provider/resource_private_key.go,
// resource_self_signed_cert.go and common_cert.go (schema: RequiresReplace on every input but
// early_renewal_hours; Create computes the PEMs; Delete is a no-op). Uploads: kreuzwerker
// resource_docker_container_funcs.go (one tar entry at "/", mode `permissions` or 0644). Secrets: Pulumi's wire marker.
import { execFileSync } from "child_process";
import { declared } from "../support/declared";
import { X509Certificate, createPrivateKey } from "crypto";
import { isSecretValue, unwrapSecrets } from "../../evaluation/hash";
import { diffResource } from "../../replay/plan";
import { TLS } from "../../evaluation/resourceTypes";
import { TLS_PLACEHOLDER_PREFIX, TLS_RESOURCE_OUTPUTS } from "../../evaluation/tlsMocks";
import { generatePrivateKey, generateSelfSignedCert } from "../../replay/tls";
import { untarFirstFile, tarFile } from "../../replay/tar";

const decl = declared;
const CERT_INPUTS = {
    privateKeyPem: "k",
    subject: { commonName: "localhost" },
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    validityPeriodHours: 8760,
    earlyRenewalHours: 720,
    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
};

describe("plan rules (schema in resource_private_key.go, common_cert.go)", () => {
    test.each([
        [TLS.privateKey, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { ecdsaCurve: "P384" }, "replace"],
        [TLS.privateKey, { algorithm: "ECDSA" }, { algorithm: "RSA" }, "replace"],
        [TLS.selfSignedCert, CERT_INPUTS, { dnsNames: ["localhost", "a.test"] }, "replace"],
        [TLS.selfSignedCert, CERT_INPUTS, { privateKeyPem: "k2" }, "replace"],
        [TLS.selfSignedCert, CERT_INPUTS, { validityPeriodHours: 24 }, "replace"],
        // early_renewal_hours has no RequiresReplace: the next plan only records it.
        [TLS.selfSignedCert, CERT_INPUTS, { earlyRenewalHours: 24 }, "update"],
    ])("%s: %j changed by %j is a %s", (type, before, change, op) => {
        expect(diffResource(decl(type, before), decl(type, { ...before, ...change }))?.op).toBe(op);
    });

    test("a secret-wrapped input equal in value is no change", () => {
        const wrapped = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "k" };
        expect(isSecretValue(wrapped)).toBe(true);
        expect(unwrapSecrets({ a: [wrapped] })).toEqual({ a: ["k"] });
        expect(diffResource(decl(TLS.selfSignedCert, CERT_INPUTS), decl(TLS.selfSignedCert, CERT_INPUTS))).toBeUndefined();
    });
});

describe("mocked outputs", () => {
    test("placeholders are deterministic per name and inputs, and marked as placeholders", () => {
        const key = TLS_RESOURCE_OUTPUTS[TLS.privateKey]("k", { algorithm: "ECDSA" });
        expect(key).toEqual(TLS_RESOURCE_OUTPUTS[TLS.privateKey]("k", { algorithm: "ECDSA" }));
        expect(String(key.privateKeyPem).startsWith(TLS_PLACEHOLDER_PREFIX)).toBe(true);
        expect(TLS_RESOURCE_OUTPUTS[TLS.privateKey]("k", { algorithm: "RSA" })).not.toEqual(key);
    });
});

describe("Create, as the provider computes it (with openssl)", () => {
    const key = generatePrivateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    const pem = generateSelfSignedCert({ ...CERT_INPUTS, subject: { commonName: "localhost", organization: "webstack" } }, key);
    const cert = new X509Certificate(pem);

    test("an ECDSA key is SEC1 PEM on the asked curve (resource_private_key.go)", () => {
        expect(key).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
        expect(createPrivateKey(key).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    });

    test("the certificate is for that key, names the DNS names and IPs, and is a server certificate", () => {
        expect(cert.checkPrivateKey(createPrivateKey(key))).toBe(true);
        expect(cert.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
        expect(cert.subject).toBe("CN=localhost\nO=webstack");
        expect(cert.ca).toBe(false);
        expect(pem.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
    });

    test("validity covers validity_period_hours", () => {
        const hours = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3_600_000;
        expect(hours).toBeGreaterThanOrEqual(8760);
        expect(hours).toBeLessThan(8760 + 24);
    });
});

describe("uploads (resource_docker_container_funcs.go)", () => {
    test("one file in, the same file out", async () => {
        const tar = await tarFile("/var/lib/webstack-upload/key.pem", Buffer.from("pem\n"), 0o644);
        expect((await untarFirstFile(tar)).toString()).toBe("pem\n");
    });

    test("permissions and owner/group go into the entry's header, as the engine keeps them (issue 18 #4)", async () => {
        const tar = await tarFile("/var/lib/webstack-upload/key.pem", Buffer.from("pem\n"), 0o600, 101, 101);
        const field = (at: number, len: number) => parseInt(tar.toString("ascii", at, at + len).replace(/\0.*$/, ""), 8);
        expect([field(100, 8), field(108, 8), field(116, 8)]).toEqual([0o600, 101, 101]);
        // GNU tar reads the same header.
        const listed = execFileSync("tar", ["-tvf", "-", "--numeric-owner"], { input: tar }).toString();
        expect(listed).toMatch(/^-rw------- 101\/101 +4 .* var\/lib\/webstack-upload\/key\.pem$/m);
    });
});
