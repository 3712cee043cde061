// App secrets and capacity of a service: `secrets` / `secretsKmsKeyArns` / `capacity` (aws) and
// `secretConfig` (local), with the parser's rules (every problem names key, value and fix). A secret's
// value is never read here: only ARNs and config key names reach a message.
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "./defaults";
import { appEnvironment } from "../runtime";
import type { Capacity } from "./types";
import { Problems, isRecord, oneOf, setCommand } from "./validate";

const PARTITION_REGION_ACCOUNT = "arn:aws(?:-[a-z]+)*:([a-z]+):[a-z]{2}(?:-[a-z]+)+-\\d{1,2}:\\d{12}:";
/** An SSM parameter ARN (SecureString or String). */
export const SSM_PARAMETER_ARN = new RegExp(`^${PARTITION_REGION_ACCOUNT.replace("([a-z]+)", "ssm")}parameter/[A-Za-z0-9_.\\-/]+$`);
/** A full Secrets Manager secret ARN: name plus the 6-character suffix Secrets Manager adds (IAM needs the exact ARN). */
export const SECRETSMANAGER_ARN = new RegExp(
    `^${PARTITION_REGION_ACCOUNT.replace("([a-z]+)", "secretsmanager")}secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`,
);
/** A KMS key ARN (single- or multi-Region key); aliases are refused, since IAM grants kms:Decrypt on the key. */
export const KMS_KEY_ARN = new RegExp(
    `^${PARTITION_REGION_ACCOUNT.replace("([a-z]+)", "kms")}key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`,
);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Pulumi config key: `name` (the project's namespace) or `namespace:name`. */
const CONFIG_KEY = /^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$/;
/** Namespace of a config key written without one: the project's (Pulumi.yaml name). */
export const PROJECT_NAMESPACE = "webstack";

/** Environment names the app's container already sets (lib/runtime.ts); a secret may not shadow them. */
const RESERVED_ENV = Object.keys(appEnvironment(DEFAULT_SERVICES[0], DEFAULT_NGINX));

/** `name` -> `webstack:name`; `ns:name` stays. */
export function qualifiedConfigKey(key: string): string {
    return key.includes(":") ? key : `${PROJECT_NAMESPACE}:${key}`;
}

/** `services[].capacity`: fargate (default) or spot. */
export function parseCapacity(p: Problems, key: string, value: unknown, fallback: Capacity): Capacity | undefined {
    return oneOf<Capacity>(
        p,
        key,
        value ?? fallback,
        ["fargate", "spot"],
        "must be fargate (on-demand) or spot (Fargate Spot: about 70 % cheaper, tasks may be stopped with a 2-minute warning)",
        "spot",
    );
}

/** Adds a problem per bad ENV name (shape, or one the app sets itself); true when all are good. */
function checkEnvNames(p: Problems, key: string, map: Record<string, unknown>): boolean {
    const before = p.count;
    for (const env of Object.keys(map)) {
        if (!ENV_NAME.test(env)) {
            p.add(
                `${key}.${env}`,
                env,
                "must be an environment variable name: letters, digits and _, not starting with a digit",
                `rename it, e.g. DB_PASSWORD`,
            );
        } else if (RESERVED_ENV.includes(env)) {
            p.add(`${key}.${env}`, env, `is set by webstack itself (${RESERVED_ENV.join(", ")})`, "give the secret another name");
        }
    }
    return p.count === before;
}

/** `services[].secrets` and `services[].secretsKmsKeyArns` (aws). */
export function parseAwsSecrets(
    p: Problems,
    key: string,
    secrets: unknown,
    kmsKeyArns: unknown,
): { secrets?: Record<string, string>; secretsKmsKeyArns?: string[] } {
    const before = p.count;
    const out: { secrets?: Record<string, string>; secretsKmsKeyArns?: string[] } = {};
    if (secrets !== undefined) {
        if (!isRecord(secrets) || Object.keys(secrets).length === 0) {
            p.add(
                `${key}.secrets`,
                secrets,
                "must be a map of ENV_NAME to the ARN of an SSM parameter or a Secrets Manager secret",
                `write it as secrets: {DB_PASSWORD: arn:aws:ssm:us-east-1:123456789012:parameter/db-password}`,
            );
        } else if (checkEnvNames(p, `${key}.secrets`, secrets)) {
            for (const [env, arn] of Object.entries(secrets)) {
                if (typeof arn !== "string" || !(SSM_PARAMETER_ARN.test(arn) || SECRETSMANAGER_ARN.test(arn))) {
                    p.add(
                        `${key}.secrets.${env}`,
                        arn,
                        "must be the full ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a Secrets Manager secret with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf); the execution role is granted exactly this ARN",
                        setCommand(`${key}.secrets.${env}`, "arn:aws:ssm:us-east-1:123456789012:parameter/db-password"),
                    );
                }
            }
            out.secrets = secrets as Record<string, string>;
        }
    }
    if (kmsKeyArns !== undefined) {
        if (!Array.isArray(kmsKeyArns) || kmsKeyArns.length === 0) {
            p.add(
                `${key}.secretsKmsKeyArns`,
                kmsKeyArns,
                "must be a list of KMS key ARNs",
                "write it as secretsKmsKeyArns: [arn:aws:kms:us-east-1:123456789012:key/<key id>]",
            );
        } else {
            kmsKeyArns.forEach((arn, i) => {
                if (typeof arn !== "string" || !KMS_KEY_ARN.test(arn)) {
                    p.add(
                        `${key}.secretsKmsKeyArns[${i}]`,
                        arn,
                        "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an alias: the execution role gets kms:Decrypt on exactly this key",
                        setCommand(
                            `${key}.secretsKmsKeyArns[${i}]`,
                            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        ),
                    );
                }
            });
            if (secrets === undefined) {
                p.add(
                    `${key}.secretsKmsKeyArns`,
                    kmsKeyArns,
                    "decrypts the service's secrets, and it has none",
                    `add ${key.split(".").pop()}.secrets, or remove secretsKmsKeyArns`,
                );
            }
            out.secretsKmsKeyArns = [...new Set(kmsKeyArns as string[])];
        }
    }
    return p.count === before ? out : {};
}

/** What the parser knows of the stack's config keys: every set key, fully qualified, and whether Pulumi holds it as a secret. */
export type ConfigKeys = ReadonlyMap<string, boolean>;

/** `services[].secretConfig` (local): each value a Pulumi config key that is set, and set with --secret. */
export function parseSecretConfig(p: Problems, key: string, value: unknown, keys: ConfigKeys): Record<string, string> | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!isRecord(value) || Object.keys(value).length === 0) {
        p.add(
            `${key}.secretConfig`,
            value,
            "must be a map of ENV_NAME to a Pulumi secret config key",
            "write it as secretConfig: {DB_PASSWORD: dbPassword}, after pulumi config set --secret dbPassword <value>",
        );
        return undefined;
    }
    const before = p.count;
    if (!checkEnvNames(p, `${key}.secretConfig`, value)) {
        return undefined;
    }
    for (const [env, configKey] of Object.entries(value)) {
        const k = `${key}.secretConfig.${env}`;
        if (typeof configKey !== "string" || !CONFIG_KEY.test(configKey)) {
            p.add(k, configKey, "must be a Pulumi config key: name or namespace:name", setCommand(k, "dbPassword"));
            continue;
        }
        const q = qualifiedConfigKey(configKey);
        const secret = keys.get(q);
        if (secret === undefined) {
            p.add(k, configKey, `names config key '${q}', which this stack does not set`, `pulumi config set --secret '${q}' <value>`);
        } else if (!secret) {
            p.add(
                k,
                configKey,
                `names config key '${q}', which is stored in plain text in Pulumi.<stack>.yaml; a secret must be a Pulumi secret`,
                `pulumi config set --secret '${q}' <value>`,
            );
        }
    }
    return p.count === before ? (value as Record<string, string>) : undefined;
}

/** Config keys (without namespace, project namespace only) that services' secretConfig names, read before validation. */
export function secretConfigReferences(services: unknown): Set<string> {
    const out = new Set<string>();
    for (const s of Array.isArray(services) ? services : []) {
        if (isRecord(s) && isRecord(s.secretConfig)) {
            for (const k of Object.values(s.secretConfig)) {
                if (typeof k === "string" && qualifiedConfigKey(k).startsWith(`${PROJECT_NAMESPACE}:`)) {
                    out.add(qualifiedConfigKey(k).slice(PROJECT_NAMESPACE.length + 1));
                }
            }
        }
    }
    return out;
}
