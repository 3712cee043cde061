// The aws target's feature switches (issue 20), and the config of one combination of them. Values are
// what a user writes in Pulumi.<stack>.yaml; evaluate() passes them to the program as config.
import { selfSignedPem } from "./pem";

export const SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/db-password";
export const SM_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:webstack/api-token-AbC123";
export const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab";

/** Each switch and its values, in the order the covering array indexes them. */
export const SWITCHES = {
    tls: ["none", "acm-arn", "acm-domain", "nginx-self-signed", "nginx-provided"],
    egress: ["nat", "endpoints"],
    secrets: ["none", "ssm", "secretsmanager"],
    exec: [false, true],
    capacity: ["fargate", "spot"],
    platform: ["linux/amd64", "linux/arm64"],
    autoscaling: [false, true],
} as const;

export type SwitchName = keyof typeof SWITCHES;
export type Combination = { readonly [K in SwitchName]: (typeof SWITCHES)[K][number] };
export const SWITCH_NAMES = Object.keys(SWITCHES) as SwitchName[];
export const LEVELS = SWITCH_NAMES.map((k) => SWITCHES[k].length);

/** The combination a covering-array row stands for. */
export function combinationOf(row: readonly number[]): Combination {
    return Object.fromEntries(SWITCH_NAMES.map((k, i) => [k, SWITCHES[k][row[i]]])) as unknown as Combination;
}

/** "tls=acm-arn egress=endpoints ...": a test title. */
export function describeCombination(c: Combination): string {
    return SWITCH_NAMES.map((k) => `${k}=${String(c[k])}`).join(" ");
}

let pem: { cert: string; key: string } | undefined;

/**
 * The stack config of a combination: two app services (the first carries the secret, the capacity and the
 * autoscaling, the second stays plain, so a grant leaking to a neighbour shows), in us-east-1, plus the keys
 * Pulumi holds as secrets.
 */
export function configOf(c: Combination): { config: Record<string, unknown>; secretKeys: string[] } {
    const aws: Record<string, unknown> = { egress: c.egress, exec: c.exec, platform: c.platform };
    let tls: Record<string, unknown> | undefined;
    switch (c.tls) {
        case "acm-arn":
            aws.certificateArn = CERT_ARN;
            break;
        case "acm-domain":
            aws.domain = "app.example.com";
            aws.hostedZoneId = "Z0123456789ABC";
            break;
        case "nginx-self-signed":
            tls = { mode: "self-signed" };
            break;
        case "nginx-provided":
            pem ??= selfSignedPem("app.example.test");
            tls = { mode: "provided", certificate: pem.cert, key: pem.key };
            break;
    }
    const first: Record<string, unknown> = { name: "application1", weight: 3, capacity: c.capacity };
    if (c.secrets !== "none") {
        first.secrets = { SECRET: c.secrets === "ssm" ? SSM_ARN : SM_ARN };
    }
    if (c.autoscaling) {
        first.autoscaling = { min: 1, max: 3 };
    }
    return {
        config: {
            target: "aws",
            "aws:region": "us-east-1",
            aws,
            services: [first, { name: "application2", weight: 1 }],
            ...(tls ? { tls } : {}),
        },
        secretKeys: tls ? ["tls"] : [],
    };
}
