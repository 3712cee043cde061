// `webstack:aws.certificateArn`, or `webstack:aws.domain` + `webstack:aws.hostedZoneId`: TLS at the load
// balancer with an ACM certificate. Either an existing certificate (by ARN), or one the program requests
// for a Route 53 domain (DNS-validated), which also gets an alias record for the load balancer.
// certificateArn together with domain is refused rather than read as "alias record only": one way to
// name the certificate, so a stack file never says two things about where the certificate comes from.
import type { AwsCertificate } from "../config/types";
import { Problems, setCommand } from "../config/validate";

/** ACM certificate ARN: partition (aws, aws-cn, aws-us-gov, ...), region, 12-digit account, certificate/<uuid>. */
const ACM_ARN = /^arn:(aws[-a-z]*):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A lowercase DNS name with at least two labels; no wildcard (the alias record and the URL name one host). */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Route 53 hosted zone ID as the API and console show it, without the /hostedzone/ prefix. */
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/** A lowercase DNS name; a leading "*." is allowed (nginx answers every name under it). */
const HOSTNAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Most extra names webstack:aws.hostnames takes. */
export const MAX_AWS_HOSTNAMES = 20;

/**
 * `webstack:aws.hostnames`: names besides the load balancer's DNS name and aws.domain that nginx answers,
 * e.g. the names of a certificateArn's certificate, or a CNAME pointed at the load balancer. Default [].
 */
export function parseAwsHostnames(p: Problems, value: unknown): string[] | undefined {
    const key = "webstack:aws.hostnames";
    if (value === undefined) {
        return [];
    }
    const fix = "write it as hostnames: [app.example.com], the names your DNS points at the load balancer";
    if (!Array.isArray(value) || value.length > MAX_AWS_HOSTNAMES) {
        p.add(key, value, `must be a list of at most ${MAX_AWS_HOSTNAMES} DNS names`, fix);
        return undefined;
    }
    const bad = value.filter((h) => typeof h !== "string" || !HOSTNAME.test(h));
    if (bad.length > 0) {
        p.add(key, bad, "must be lowercase DNS names (a leading *. is allowed)", fix);
        return undefined;
    }
    return [...new Set(value as string[])];
}

const EXAMPLE_ARN = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab`;

/** The certificate settings of webstack:aws; undefined (and no problem) when none is set. */
export function parseAwsCertificate(p: Problems, obj: Record<string, unknown>, region: string | undefined): AwsCertificate | undefined {
    const k = (name: string) => `webstack:aws.${name}`;
    const { certificateArn: arn, domain, hostedZoneId: zone } = obj;
    if (arn !== undefined && domain !== undefined) {
        p.add(
            k("domain"),
            domain,
            "and webstack:aws.certificateArn both name the load balancer's certificate (domain requests a new one)",
            "remove 'domain' and 'hostedZoneId' to use the existing certificate, or remove 'certificateArn' to have one requested for the domain",
        );
        return undefined;
    }
    if (arn !== undefined) {
        return checkArn(p, arn, region);
    }
    if (domain === undefined && zone === undefined) {
        return undefined;
    }
    const before = p.count;
    if (domain === undefined) {
        p.add(
            k("domain"),
            undefined,
            "hostedZoneId needs the domain the certificate and the alias record are for",
            setCommand(k("domain"), "app.example.com"),
        );
    } else if (typeof domain !== "string" || !DOMAIN.test(domain)) {
        p.add(
            k("domain"),
            domain,
            "must be a lowercase DNS name like app.example.com (no wildcard: the alias record points one name at the load balancer)",
            setCommand(k("domain"), "app.example.com"),
        );
    }
    if (zone === undefined) {
        p.add(
            k("hostedZoneId"),
            undefined,
            "domain needs the Route 53 hosted zone that serves it, for the DNS validation and alias records",
            `${setCommand(k("hostedZoneId"), "Z0123456789ABCDEFGHIJ")} (aws route53 list-hosted-zones-by-name --dns-name <zone>)`,
        );
    } else if (typeof zone !== "string" || !HOSTED_ZONE_ID.test(zone)) {
        p.add(
            k("hostedZoneId"),
            zone,
            "must be a Route 53 hosted zone ID: Z and up to 31 uppercase letters or digits, without /hostedzone/",
            setCommand(k("hostedZoneId"), "Z0123456789ABCDEFGHIJ"),
        );
    }
    return p.count === before ? { kind: "dns", domain: domain as string, hostedZoneId: zone as string } : undefined;
}

function checkArn(p: Problems, arn: unknown, region: string | undefined): AwsCertificate | undefined {
    const key = "webstack:aws.certificateArn";
    const m = typeof arn === "string" ? ACM_ARN.exec(arn) : null;
    if (!m) {
        p.add(
            key,
            arn,
            "must be the ARN of an ACM certificate: arn:aws:acm:<region>:<account>:certificate/<id> (IAM server certificates are not used)",
            `aws acm list-certificates --region ${region ?? "<region>"}, then ${setCommand(key, EXAMPLE_ARN(region ?? "us-east-1"))}`,
        );
        return undefined;
    }
    // A load balancer only takes a certificate from ACM in its own region.
    if (region !== undefined && m[2] !== region) {
        p.add(
            key,
            arn,
            `is in ${m[2]}, but the stack deploys to ${region}; a load balancer takes ACM certificates of its own region only`,
            `import or request the certificate in ${region} (aws acm list-certificates --region ${region}) and set its ARN`,
        );
        return undefined;
    }
    return { kind: "arn", arn: arn as string };
}
