import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NGINX_TLS_CERT_ENV, NGINX_TLS_KEY_ENV } from "../../lib/runtime";

export interface NginxTlsSecretArgs {
    /** PEM certificate (chain) nginx serves. */
    readonly certificatePem: pulumi.Input<string>;
    /** PEM private key (a Pulumi secret). */
    readonly privateKeyPem: pulumi.Input<string>;
    /** Tags on the secret. */
    readonly tags: Readonly<Record<string, string>>;
}

/** JSON keys of the secret's value. */
export const TLS_SECRET_KEYS = { cert: "cert", key: "key" } as const;

/**
 * aws with webstack:tls: nginx's certificate and key in one Secrets Manager secret, JSON {cert, key}. The
 * nginx container gets them through its definition's `secrets` (ECS reads the secret when a task starts),
 * so neither PEM is in the task definition; the value is a Pulumi secret in state.
 */
export class NginxTlsSecret extends pulumi.ComponentResource {
    /** Secret ARN: the execution role may read this one secret. */
    public readonly arn: pulumi.Output<string>;
    /** The current value; tasks start after it exists. */
    public readonly version: aws.secretsmanager.SecretVersion;
    /** The container definition's `secrets`: environment variable -> JSON key of this secret. */
    public readonly containerSecrets: pulumi.Output<{ name: string; valueFrom: string }[]>;

    constructor(name: string, args: NginxTlsSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:NginxTlsSecret", name, {}, opts);
        const secret = new aws.secretsmanager.Secret(
            name,
            {
                description: "nginx's TLS certificate and private key (webstack:tls), read by ECS at task start",
                // Autonamed, so a re-created stack never waits for the old name's deletion window.
                recoveryWindowInDays: 7,
                tags: args.tags,
            },
            { parent: this },
        );
        this.version = new aws.secretsmanager.SecretVersion(
            name,
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi
                        .all([args.certificatePem, args.privateKeyPem])
                        .apply(([cert, key]) => JSON.stringify({ [TLS_SECRET_KEYS.cert]: cert, [TLS_SECRET_KEYS.key]: key })),
                ),
            },
            { parent: this },
        );
        this.arn = secret.arn;
        // <arn>:<json key>:<version stage>:<version id>; empty stage and id: AWSCURRENT at task start.
        this.containerSecrets = secret.arn.apply((arn) => [
            { name: NGINX_TLS_CERT_ENV, valueFrom: `${arn}:${TLS_SECRET_KEYS.cert}::` },
            { name: NGINX_TLS_KEY_ENV, valueFrom: `${arn}:${TLS_SECRET_KEYS.key}::` },
        ]);
        this.registerOutputs({ arn: this.arn });
    }
}
