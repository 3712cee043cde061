import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AcmCertificateArgs {
    /** The one name the certificate is for (webstack:aws.domain). */
    readonly domain: string;
    /** Route 53 hosted zone serving the domain: the validation record goes there. */
    readonly hostedZoneId: string;
    /** Tags on the certificate. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An ACM certificate for one domain, validated by DNS: ACM names a CNAME record, the program writes it in
 * the hosted zone, and `pulumi up` waits until ACM has issued the certificate. Only then may a listener use
 * it (`validation`). ACM renews it by itself for as long as the record stays.
 */
export class AcmCertificate extends pulumi.ComponentResource {
    /** ARN of the issued certificate; resolves once validation succeeded. */
    public readonly arn: pulumi.Output<string>;
    /** The wait for issuance; the TLS listener depends on it. */
    public readonly validation: aws.acm.CertificateValidation;

    constructor(name: string, args: AcmCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:AcmCertificate", name, {}, opts);
        const parent = { parent: this };
        const certificate = new aws.acm.Certificate(
            name,
            {
                domainName: args.domain,
                validationMethod: "DNS",
                // ECDSA P-256: smaller handshakes; every client the TLS 1.2/1.3 policy admits speaks it.
                keyAlgorithm: "EC_prime256v1",
                tags: args.tags,
            },
            // Another domain replaces it create-before-delete: the listener moves to the new one once it is issued.
            { parent: this },
        );
        // One domain, no alternative names: exactly one validation record.
        const option = certificate.domainValidationOptions.apply((options) => {
            if (options.length !== 1) {
                throw new Error(`ACM asked for ${options.length} validation records for ${args.domain}; expected 1`);
            }
            return options[0];
        });
        const record = new aws.route53.Record(
            `${name}-validation`,
            {
                zoneId: args.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                // ACM's record for a domain is the same for every certificate of the account: a record left by
                // an earlier certificate for this domain is taken over, not a conflict.
                allowOverwrite: true,
            },
            parent,
        );
        this.validation = new aws.acm.CertificateValidation(
            name,
            { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
            parent,
        );
        this.arn = this.validation.certificateArn;
        this.registerOutputs({ arn: this.arn });
    }
}
