// Validation rows of the operations keys: webstack:aws.exec / alarmEmail / serverErrorAlarmPercent and
// services[].secrets / secretsKmsKeyArns / capacity. Each bad input gives exactly one message naming the
// key, the value and the fix. (secretConfig: test/unit/secretConfig.test.ts.)
import { parseStackConfig } from "../../lib/config/config";
import { problemsOf } from "../support/problems";

const aws = (settings: unknown) => ({ target: "aws", aws: JSON.stringify(settings) });
const svc = (extra: Record<string, unknown>, target = "aws") => ({ target, services: JSON.stringify([{ name: "a", ...extra }]) });
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/db";
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Ab12Cd";
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const BAD: [string, Record<string, string>, string][] = [
    [
        "exec not a boolean",
        aws({ exec: "yes" }),
        "webstack:aws.exec: got \"yes\"; must be true or false (ECS Exec into the tasks). Fix: pulumi config set --path 'webstack:aws.exec' true",
    ],
    [
        "alarmEmail not an address",
        aws({ alarmEmail: "ops" }),
        "webstack:aws.alarmEmail: got \"ops\"; must be one email address; SNS mails it a confirmation link first. Fix: pulumi config set --path 'webstack:aws.alarmEmail' ops@example.com",
    ],
    [
        "serverErrorAlarmPercent 0",
        aws({ serverErrorAlarmPercent: 0 }),
        "webstack:aws.serverErrorAlarmPercent: got 0; must be a number above 0 and at most 100 (share of nginx answers that are 5xx over 5 minutes, percent). Fix: pulumi config set --path 'webstack:aws.serverErrorAlarmPercent' 1",
    ],
    [
        "serverErrorAlarmPercent above 100",
        aws({ serverErrorAlarmPercent: 101 }),
        "webstack:aws.serverErrorAlarmPercent: got 101; must be a number above 0 and at most 100 (share of nginx answers that are 5xx over 5 minutes, percent). Fix: pulumi config set --path 'webstack:aws.serverErrorAlarmPercent' 1",
    ],
    [
        "serverErrorAlarmPercent as text",
        aws({ serverErrorAlarmPercent: "1%" }),
        "webstack:aws.serverErrorAlarmPercent: got \"1%\"; must be a number above 0 and at most 100 (share of nginx answers that are 5xx over 5 minutes, percent). Fix: pulumi config set --path 'webstack:aws.serverErrorAlarmPercent' 1",
    ],
    [
        "secrets not a map",
        svc({ secrets: [SSM] }),
        'webstack:services[0].secrets: got ["arn:aws:ssm:us-east-1:123456789012:parameter/db"]; must be a map of ENV_NAME to the ARN of an SSM parameter or a Secrets Manager secret. Fix: write it as secrets: {DB_PASSWORD: arn:aws:ssm:us-east-1:123456789012:parameter/db-password}',
    ],
    [
        "secrets: a parameter name, not an ARN",
        svc({ secrets: { DB: "/db/password" } }),
        "webstack:services[0].secrets.DB: got \"/db/password\"; must be the full ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a Secrets Manager secret with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf); the execution role is granted exactly this ARN. Fix: pulumi config set --path 'webstack:services[0].secrets.DB' arn:aws:ssm:us-east-1:123456789012:parameter/db-password",
    ],
    [
        "secrets: a Secrets Manager ARN without its suffix",
        svc({ secrets: { DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } }),
        "webstack:services[0].secrets.DB: got \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db\"; must be the full ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a Secrets Manager secret with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf); the execution role is granted exactly this ARN. Fix: pulumi config set --path 'webstack:services[0].secrets.DB' arn:aws:ssm:us-east-1:123456789012:parameter/db-password",
    ],
    [
        "secrets: a wildcard",
        svc({ secrets: { DB: "arn:aws:ssm:us-east-1:123456789012:parameter/*" } }),
        "webstack:services[0].secrets.DB: got \"arn:aws:ssm:us-east-1:123456789012:parameter/*\"; must be the full ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a Secrets Manager secret with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf); the execution role is granted exactly this ARN. Fix: pulumi config set --path 'webstack:services[0].secrets.DB' arn:aws:ssm:us-east-1:123456789012:parameter/db-password",
    ],
    [
        "secrets: a bad name",
        svc({ secrets: { "1DB": SSM } }),
        'webstack:services[0].secrets.1DB: got "1DB"; must be an environment variable name: letters, digits and _, not starting with a digit. Fix: rename it, e.g. DB_PASSWORD',
    ],
    [
        "secretsKmsKeyArns: an alias",
        svc({ secrets: { DB: SSM }, secretsKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:alias/db"] }),
        "webstack:services[0].secretsKmsKeyArns[0]: got \"arn:aws:kms:us-east-1:123456789012:alias/db\"; must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an alias: the execution role gets kms:Decrypt on exactly this key. Fix: pulumi config set --path 'webstack:services[0].secretsKmsKeyArns[0]' arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ],
    [
        "secretsKmsKeyArns not a list",
        svc({ secrets: { DB: SSM }, secretsKmsKeyArns: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
        'webstack:services[0].secretsKmsKeyArns: got "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"; must be a list of KMS key ARNs. Fix: write it as secretsKmsKeyArns: [arn:aws:kms:us-east-1:123456789012:key/<key id>]',
    ],
    [
        "secretsKmsKeyArns without secrets",
        svc({ secretsKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"] }),
        'webstack:services[0].secretsKmsKeyArns: got ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]; decrypts the service\'s secrets, and it has none. Fix: add webstack:services[0].secrets, or remove secretsKmsKeyArns',
    ],
    [
        "secrets on a local stack",
        svc({ secrets: { DB: SSM } }, "local"),
        'webstack:services[0].secrets: got {"DB":"arn:aws:ssm:us-east-1:123456789012:parameter/db"}; is only read when webstack:target is aws (SSM / Secrets Manager ARNs for the task; locally, use secretConfig); this stack\'s target is local. Fix: remove \'secrets\' from webstack:services[0] in Pulumi.<stack>.yaml, or pulumi config set webstack:target aws',
    ],
    [
        "secretsKmsKeyArns on a local stack",
        svc({ secretsKmsKeyArns: ["k"] }, "local"),
        "webstack:services[0].secretsKmsKeyArns: got [\"k\"]; is only read when webstack:target is aws (KMS keys the execution role may decrypt the secrets with); this stack's target is local. Fix: remove 'secretsKmsKeyArns' from webstack:services[0] in Pulumi.<stack>.yaml, or pulumi config set webstack:target aws",
    ],
    [
        "capacity on a local stack",
        svc({ capacity: "spot" }, "local"),
        "webstack:services[0].capacity: got \"spot\"; is only read when webstack:target is aws (the Fargate capacity provider (fargate or spot)); this stack's target is local. Fix: remove 'capacity' from webstack:services[0] in Pulumi.<stack>.yaml, or pulumi config set webstack:target aws",
    ],
];

// Issue 20 row 7: Fargate Spot runs ARM64 tasks (platform version 1.4.0+, since October 2024; botocore's ECS
// model lists no architecture restriction on CapacityProviderStrategyItem), so the pair parses.
test("spot on arm64 parses: Fargate Spot runs Graviton tasks", () => {
    const c = parseStackConfig(
        { ...svc({ capacity: "spot" }), aws: JSON.stringify({ platform: "linux/arm64" }) },
        { awsRegion: "us-east-1" },
    );
    expect(c.target === "aws" && [c.aws.platform, c.services[0].capacity]).toEqual(["linux/arm64", "spot"]);
});

test.each(BAD)("%s: the exact message", (_label, raw, message) => {
    expect(problemsOf(raw, { awsRegion: "us-east-1" })).toEqual([message]);
});

test("good values parse: exec, an email, a fractional percent, secrets of both kinds with a KMS key, spot", () => {
    const c = parseStackConfig(
        {
            target: "aws",
            aws: JSON.stringify({ exec: true, alarmEmail: "ops@example.com", serverErrorAlarmPercent: 0.5 }),
            services: JSON.stringify([{ name: "a", capacity: "spot", secrets: { DB: SSM, TOKEN: SM }, secretsKmsKeyArns: [KMS, KMS] }]),
        },
        { awsRegion: "us-east-1" },
    );
    if (c.target !== "aws") {
        throw new Error("expected an aws stack");
    }
    expect([c.aws.exec, c.aws.alarmEmail, c.aws.serverErrorAlarmPercent]).toEqual([true, "ops@example.com", 0.5]);
    expect(c.services[0]).toMatchObject({ capacity: "spot", secrets: { DB: SSM, TOKEN: SM }, secretsKmsKeyArns: [KMS] });
});
