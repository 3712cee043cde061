import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { SELF_SIGNED_VALIDITY } from "../lib/config/defaults";
import { SELF_SIGNED_NAMES } from "../lib/config/tls";
import type { TlsConfig } from "../lib/config/types";

export interface TlsCertificateArgs {
    /** The validated `webstack:tls` (self-signed or provided). */
    readonly tls: TlsConfig;
}

/**
 * The certificate and key nginx serves. Self-signed: an ECDSA P-256 key and a certificate made by the
 * tls provider, kept in state (the key as a secret) and replaced by the first `pulumi up` within
 * SELF_SIGNED_VALIDITY.earlyRenewalDays of its end. Provided: the user's PEMs, the key as a secret.
 */
export class TlsCertificate extends pulumi.ComponentResource {
    /** PEM certificate (chain) nginx sends. */
    public readonly certificatePem: pulumi.Output<string>;
    /** PEM private key; always a Pulumi secret. */
    public readonly privateKeyPem: pulumi.Output<string>;

    constructor(name: string, args: TlsCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:tls:TlsCertificate", name, {}, opts);
        if (args.tls.mode === "provided") {
            this.certificatePem = pulumi.output(args.tls.certificatePem);
            this.privateKeyPem = pulumi.secret(args.tls.keyPem);
        } else {
            // ECDSA: smaller handshakes than RSA, and every client the TLS profile admits speaks it.
            const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
            const cert = new tls.SelfSignedCert(
                `${name}-cert`,
                {
                    privateKeyPem: key.privateKeyPem,
                    subject: { commonName: SELF_SIGNED_NAMES.dnsNames[0], organization: "webstack self-signed" },
                    dnsNames: [...SELF_SIGNED_NAMES.dnsNames, ...args.tls.hostnames],
                    ipAddresses: [...SELF_SIGNED_NAMES.ipAddresses],
                    validityPeriodHours: SELF_SIGNED_VALIDITY.validityDays * 24,
                    earlyRenewalHours: SELF_SIGNED_VALIDITY.earlyRenewalDays * 24,
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                { parent: this },
            );
            this.certificatePem = cert.certPem;
            this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        }
        this.registerOutputs({ certificatePem: this.certificatePem });
    }
}
