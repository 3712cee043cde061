// HTTPS on aws, under the mock runtime: the three ways TLS can be on (an ACM certificate by ARN, one the
// program requests for a Route 53 domain, nginx terminating webstack:tls), one evaluation each, and the
// plain stack for comparison. One decision per test: listeners and ports, certificate and validation,
// alias record, security groups, secret wiring and its IAM grant, and that the key stays secret.
import { isSecretValue } from "../../evaluation/hash";
import { selfSignedPem } from "../support/pem";
import { createHash } from "crypto";
import { DeclaredResource, Evaluation, evaluate } from "../../evaluation/evaluate";
import { AWS, TLS } from "../../evaluation/resourceTypes";
import { NGINX_CONTAINER } from "../../components/aws/containers";
import { NLB_ALPN_POLICY, NLB_SSL_POLICY } from "../../lib/aws/listeners";
import { HSTS_DEFAULT_MAX_AGE_SEC } from "../../lib/config/defaults";
import {
    NGINX_CONF_ENV,
    NGINX_PORT,
    NGINX_PROXY_PROTOCOL_PORT,
    NGINX_PROXY_TLS_PORT,
    NGINX_PROXY_TLS_TERMINATED_PORT,
    NGINX_TLS_CERT_ENV,
    NGINX_TLS_KEY_ENV,
} from "../../lib/runtime";
import { one } from "../support/graph";

const REGION = { target: "aws", "aws:region": "us-east-1" };
const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab";
const DOMAIN = { domain: "app.example.com", hostedZoneId: "Z0123456789ABC" };
/** The signature key Pulumi puts on a secret value in resource inputs ({<sig>: ..., value}). */

let plain: Evaluation;
let byArn: Evaluation;
let byArnNamed: Evaluation;
let byDomain: Evaluation;
let atNginx: Evaluation;
let selfSigned: Evaluation;
let pem: { cert: string; key: string };

beforeAll(async () => {
    // A real certificate and key: webstack:tls provided is checked (parse, pair, validity) before any resource.
    pem = selfSignedPem("app.example.test");
    plain = await evaluate(REGION);
    byArn = await evaluate({ ...REGION, aws: { certificateArn: CERT_ARN } });
    byArnNamed = await evaluate({ ...REGION, aws: { certificateArn: CERT_ARN, hostnames: ["app.example.com"] } });
    byDomain = await evaluate({ ...REGION, aws: DOMAIN });
    atNginx = await evaluate({ ...REGION, tls: { mode: "provided", certificate: pem.cert, key: pem.key } }, { secretKeys: ["tls"] });
    selfSigned = await evaluate({ ...REGION, tls: { mode: "self-signed" } });
}, 120_000);

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const byArnOf = (ev: Evaluation, type: string, arn: unknown) => ofType(ev, type).find((r) => r.state.arn === arn)!;
const nlb = (ev: Evaluation) => one(ev, AWS.loadBalancer, "webstack-lb");
/** Listeners as "port/protocol -> target group port", in port order. */
const listeners = (ev: Evaluation) =>
    ofType(ev, AWS.listener)
        .map((l) => {
            const actions = l.inputs.defaultActions as { type: string; targetGroupArn: string }[];
            const tg = byArnOf(ev, AWS.targetGroup, actions[0].targetGroupArn);
            return { port: l.inputs.port as number, text: `${l.inputs.port}/${l.inputs.protocol} -> ${tg.inputs.port}` };
        })
        .sort((a, b) => a.port - b.port)
        .map((x) => x.text);
const listenerOn = (ev: Evaluation, port: number) => ofType(ev, AWS.listener).find((l) => l.inputs.port === port)!;
const nginxService = (ev: Evaluation) => one(ev, AWS.service, "webstack-nginx");
const taskDefinitionJson = (ev: Evaluation) => one(ev, AWS.taskDefinition, "webstack-nginx").inputs.containerDefinitions as string;
const nginxDef = (ev: Evaluation) => (JSON.parse(taskDefinitionJson(ev)) as Record<string, unknown>[])[0];
const nginxConf = (ev: Evaluation) =>
    (nginxDef(ev).environment as { name: string; value: string }[]).find((e) => e.name === NGINX_CONF_ENV)!.value;
/** Security group rules as "<group> in from|out to <peer> <port>". */
function rules(ev: Evaluation): string[] {
    const sg = new Map(ofType(ev, AWS.securityGroup).map((x) => [x.id, x.name.replace("webstack-sg-", "")]));
    const peer = (i: DeclaredResource["inputs"]) =>
        i.referencedSecurityGroupId ? `sg:${sg.get(i.referencedSecurityGroupId as string)}` : `cidr:${i.cidrIpv4 as string}`;
    return [...ofType(ev, AWS.securityGroupIngress), ...ofType(ev, AWS.securityGroupEgress)]
        .map(
            (x) =>
                `${sg.get(x.inputs.securityGroupId as string)} ${x.type === AWS.securityGroupIngress ? "in from" : "out to"} ${peer(x.inputs)} ${x.inputs.fromPort}`,
        )
        .sort();
}
// nginx's own execution role (one per ECS service): the only one that may read its TLS secret.
const policy = (ev: Evaluation, role = "webstack-nginx-execution") =>
    JSON.parse(one(ev, AWS.rolePolicy, role).inputs.policy as string) as {
        Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    };

test("every evaluation succeeds", () => {
    expect([plain, byArn, byDomain, atNginx, selfSigned].map((e) => e.error?.message)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
    ]);
});

describe("listeners and ports", () => {
    test("without TLS: port 80 only, to nginx's PROXY port", () => {
        expect(listeners(plain)).toEqual([`80/TCP -> ${NGINX_PROXY_PROTOCOL_PORT}`]);
    });

    test("ACM certificate: 80 to nginx's PROXY port (which redirects), 443 TLS to nginx's TLS-terminated port", () => {
        for (const ev of [byArn, byDomain]) {
            expect(listeners(ev)).toEqual([`80/TCP -> ${NGINX_PROXY_PROTOCOL_PORT}`, `443/TLS -> ${NGINX_PROXY_TLS_TERMINATED_PORT}`]);
        }
    });

    test("the TLS listener uses the certificate, the TLS 1.3 policy and h2-first ALPN", () => {
        expect(listenerOn(byArn, 443).inputs).toMatchObject({
            certificateArn: CERT_ARN,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            alpnPolicy: "HTTP2Preferred",
        });
        expect([NLB_SSL_POLICY, NLB_ALPN_POLICY]).toEqual(["ELBSecurityPolicy-TLS13-1-2-2021-06", "HTTP2Preferred"]);
    });

    test("webstack:tls: 443 passes TCP through to nginx's PROXY+TLS port, with no certificate at the load balancer", () => {
        expect(listeners(atNginx)).toEqual([`80/TCP -> ${NGINX_PROXY_PROTOCOL_PORT}`, `443/TCP -> ${NGINX_PROXY_TLS_PORT}`]);
        const https = listenerOn(atNginx, 443).inputs;
        expect([https.certificateArn, https.sslPolicy, https.alpnPolicy]).toEqual([undefined, undefined, undefined]);
    });

    test("every target group sends PROXY v2; nginx's TLS port is health-checked over HTTPS, the others over HTTP", () => {
        const checks = (ev: Evaluation) =>
            ofType(ev, AWS.targetGroup).map((tg) => [
                tg.inputs.port,
                tg.inputs.proxyProtocolV2,
                (tg.inputs.healthCheck as { protocol: string }).protocol,
            ]);
        expect(checks(byArn)).toEqual([
            [NGINX_PROXY_PROTOCOL_PORT, true, "HTTP"],
            [NGINX_PROXY_TLS_TERMINATED_PORT, true, "HTTP"],
        ]);
        expect(checks(atNginx)).toEqual([
            [NGINX_PROXY_PROTOCOL_PORT, true, "HTTP"],
            [NGINX_PROXY_TLS_PORT, true, "HTTPS"],
        ]);
    });

    test("the nginx service registers in every target group, on the group's port, and starts after every listener", () => {
        for (const ev of [plain, byArn, atNginx]) {
            const lbs = nginxService(ev).inputs.loadBalancers as { targetGroupArn: string; containerName: string; containerPort: number }[];
            expect(lbs.map((l) => [byArnOf(ev, AWS.targetGroup, l.targetGroupArn).inputs.port, l.containerName, l.containerPort])).toEqual(
                ofType(ev, AWS.targetGroup).map((tg) => [tg.inputs.port, NGINX_CONTAINER, tg.inputs.port]),
            );
            expect(nginxService(ev).dependencies).toEqual(expect.arrayContaining(ofType(ev, AWS.listener).map((l) => l.urn)));
        }
    });

    test("nginx's container ports are exactly its health port and its target groups' ports", () => {
        const ports = (ev: Evaluation) => (nginxDef(ev).portMappings as { containerPort: number }[]).map((p) => p.containerPort);
        expect(ports(plain)).toEqual([NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT]);
        expect(ports(byArn)).toEqual([NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT, NGINX_PROXY_TLS_TERMINATED_PORT]);
        expect(ports(atNginx)).toEqual([NGINX_PORT, NGINX_PROXY_PROTOCOL_PORT, NGINX_PROXY_TLS_PORT]);
    });

    test("turning TLS on keeps the port-80 listener, target group and NLB as they were (same names, same inputs)", () => {
        for (const type of [AWS.loadBalancer, AWS.targetGroup, AWS.listener]) {
            expect(one(byArn, type, "webstack-lb").inputs).toEqual(one(plain, type, "webstack-lb").inputs);
            expect(one(atNginx, type, "webstack-lb").inputs).toEqual(one(plain, type, "webstack-lb").inputs);
        }
    });
});

describe("nginx config behind each listener", () => {
    test("ACM: the app hears https on 8082; port 80's nginx port answers 301 to https (no port), with HSTS on https", () => {
        const conf = nginxConf(byArn);
        expect(conf).toMatch(new RegExp(`listen ${NGINX_PROXY_TLS_TERMINATED_PORT} proxy_protocol deferred;`));
        expect(conf).toContain("proxy_set_header X-Forwarded-Proto https;");
        expect(conf).toContain("return 301 https://$webstack_server_name$request_uri;");
        expect(conf).toContain(`add_header Strict-Transport-Security "max-age=${HSTS_DEFAULT_MAX_AGE_SEC}" always;`);
    });

    test("webstack:tls: nginx terminates on 8444 after the PROXY header, and the config names the certificate's digest", () => {
        const conf = nginxConf(atNginx);
        expect(conf).toMatch(new RegExp(`listen ${NGINX_PROXY_TLS_PORT} ssl proxy_protocol deferred;`));
        expect(conf).toContain(`# certificate sha256 ${createHash("sha256").update(pem.cert).digest("hex")}`);
    });

    test("without TLS nothing redirects", () => {
        expect(nginxConf(plain)).not.toContain("return 301");
    });

    // issue 18, finding 7: the load balancer's DNS name reaches the rendered config (an output known at deploy).
    test.each([
        ["no TLS", () => plain, []],
        ["ACM by ARN", () => byArn, []],
        ["ACM by ARN with aws.hostnames", () => byArnNamed, ["app.example.com"]],
        ["aws.domain", () => byDomain, [DOMAIN.domain]],
        ["webstack:tls provided: the certificate's names", () => atNginx, ["app.example.test"]],
    ])("%s: nginx answers the NLB's DNS name, the stack's names and loopback, nothing else", (_l, ev, names) => {
        const map = /map \$host \$webstack_server_name \{\n {8}hostnames;\n {8}default "";\n((?: {8}\S+ \S+;\n)+) {4}\}/.exec(
            nginxConf(ev()),
        );
        expect(map).not.toBeNull();
        const served = map![1]
            .trim()
            .split("\n")
            .map((l) => l.trim().split(" ")[0]);
        expect(served).toEqual([nlb(ev()).state.dnsName, ...names, "localhost", "127.0.0.1"]);
    });
});

describe("security groups: only 80 and 443 are open to the internet", () => {
    const internet = (ev: Evaluation) => rules(ev).filter((r) => r.includes("cidr:0.0.0.0/0") && r.includes(" in from "));

    test("without TLS: 80 only", () => {
        expect(internet(plain)).toEqual(["nlb in from cidr:0.0.0.0/0 80"]);
    });

    test("with TLS (either mode): 80 and 443", () => {
        for (const ev of [byArn, byDomain, atNginx]) {
            expect(internet(ev)).toEqual(["nlb in from cidr:0.0.0.0/0 443", "nlb in from cidr:0.0.0.0/0 80"]);
        }
    });

    test("NLB -> nginx on exactly the target ports, by group reference both ways", () => {
        const hop = (ev: Evaluation) => rules(ev).filter((r) => /^(nlb out to sg:nginx|nginx in from sg:nlb) /.test(r));
        expect(hop(byArn)).toEqual([
            `nginx in from sg:nlb ${NGINX_PROXY_PROTOCOL_PORT}`,
            `nginx in from sg:nlb ${NGINX_PROXY_TLS_TERMINATED_PORT}`,
            `nlb out to sg:nginx ${NGINX_PROXY_PROTOCOL_PORT}`,
            `nlb out to sg:nginx ${NGINX_PROXY_TLS_TERMINATED_PORT}`,
        ]);
        expect(hop(atNginx)).toEqual([
            `nginx in from sg:nlb ${NGINX_PROXY_PROTOCOL_PORT}`,
            `nginx in from sg:nlb ${NGINX_PROXY_TLS_PORT}`,
            `nlb out to sg:nginx ${NGINX_PROXY_PROTOCOL_PORT}`,
            `nlb out to sg:nginx ${NGINX_PROXY_TLS_PORT}`,
        ]);
    });

    test("the port-80 rules keep their names when TLS is turned on", () => {
        const names = (ev: Evaluation) =>
            [...ofType(ev, AWS.securityGroupIngress), ...ofType(ev, AWS.securityGroupEgress)].map((r) => r.name);
        expect(names(byArn)).toEqual(expect.arrayContaining(names(plain)));
    });
});

describe("a certificate requested for a domain", () => {
    test("ACM is asked for the domain, validated by DNS", () => {
        expect(ofType(byDomain, AWS.certificate).map((c) => [c.inputs.domainName, c.inputs.validationMethod])).toEqual([
            [DOMAIN.domain, "DNS"],
        ]);
    });

    test("the validation record is the one ACM named, in the hosted zone", () => {
        const option = (
            one(byDomain, AWS.certificate, "webstack-certificate").state.domainValidationOptions as Record<string, string>[]
        )[0];
        expect(one(byDomain, AWS.dnsRecord, "webstack-certificate-validation").inputs).toMatchObject({
            zoneId: DOMAIN.hostedZoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
        });
    });

    test("the validation waits for that record, and the TLS listener for the validation", () => {
        const validation = one(byDomain, AWS.certificateValidation, "webstack-certificate");
        const record = one(byDomain, AWS.dnsRecord, "webstack-certificate-validation");
        expect(validation.inputs).toEqual({
            certificateArn: one(byDomain, AWS.certificate, "webstack-certificate").state.arn,
            validationRecordFqdns: [record.state.fqdn],
        });
        const https = listenerOn(byDomain, 443);
        expect(https.dependencies).toContain(validation.urn);
        expect(https.inputs.certificateArn).toBe(validation.state.certificateArn);
    });

    test("one alias A record points the domain at the NLB (no AAAA: the NLB is IPv4 only)", () => {
        const records = ofType(byDomain, AWS.dnsRecord).filter((r) => r.name !== "webstack-certificate-validation");
        expect(records.map((r) => r.inputs)).toEqual([
            {
                zoneId: DOMAIN.hostedZoneId,
                name: DOMAIN.domain,
                type: "A",
                aliases: [{ name: nlb(byDomain).state.dnsName, zoneId: nlb(byDomain).state.zoneId, evaluateTargetHealth: true }],
            },
        ]);
    });

    test("with certificateArn, no certificate, validation or DNS record is declared", () => {
        expect([AWS.certificate, AWS.certificateValidation, AWS.dnsRecord].map((t) => ofType(byArn, t).length)).toEqual([0, 0, 0]);
    });
});

describe("the stack's URL", () => {
    test("http://<NLB>/ without TLS; https://<NLB>/ with certificateArn or webstack:tls; https://<domain>/ with a domain", () => {
        expect(plain.outputs!.url).toBe(`http://${nlb(plain).state.dnsName as string}/`);
        expect(byArn.outputs!.url).toBe(`https://${nlb(byArn).state.dnsName as string}/`);
        expect(atNginx.outputs!.url).toBe(`https://${nlb(atNginx).state.dnsName as string}/`);
        expect(byDomain.outputs!.url).toBe(`https://${DOMAIN.domain}/`);
    });

    test("with webstack:tls the certificate nginx serves is an output (to trust a self-signed one); never the key", () => {
        expect(atNginx.outputs!.certificatePem).toBe(pem.cert);
        expect(byArn.outputs!.certificatePem).toBeUndefined();
        expect(plain.outputs!.certificatePem).toBeUndefined();
    });
});

describe("webstack:tls on aws: certificate and key reach nginx through one Secrets Manager secret", () => {
    const secret = () => one(atNginx, AWS.secret, "webstack-nginx-tls");

    test("one secret, whose value is JSON {cert, key}, held as a Pulumi secret", () => {
        expect(ofType(atNginx, AWS.secret)).toHaveLength(1);
        const value = one(atNginx, AWS.secretVersion, "webstack-nginx-tls").inputs.secretString as Record<string, string>;
        expect(isSecretValue(value)).toBe(true);
        expect(JSON.parse(value.value)).toEqual({ cert: pem.cert, key: pem.key });
    });

    test("the nginx container reads both from it by JSON key, and starts after the value exists", () => {
        const arn = secret().state.arn as string;
        expect(nginxDef(atNginx).secrets).toEqual([
            { name: NGINX_TLS_CERT_ENV, valueFrom: `${arn}:cert::` },
            { name: NGINX_TLS_KEY_ENV, valueFrom: `${arn}:key::` },
        ]);
        expect(nginxService(atNginx).dependencies).toContain(one(atNginx, AWS.secretVersion, "webstack-nginx-tls").urn);
    });

    test("the execution role may read exactly that secret, and only with GetSecretValue", () => {
        const reads = policy(atNginx).Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("secretsmanager:")));
        expect(reads.map((s) => [s.Action, s.Resource])).toEqual([["secretsmanager:GetSecretValue", [secret().state.arn]]]);
    });

    test("no app service's execution role may read nginx's key (issue 18 finding 5)", () => {
        for (const r of ofType(atNginx, AWS.rolePolicy).filter((x) => x.name !== "webstack-nginx-execution")) {
            expect([r.name, JSON.stringify(policy(atNginx, r.name))]).not.toEqual([r.name, expect.stringContaining("secretsmanager")]);
        }
    });

    test("without webstack:tls there is no secret, no `secrets` and no Secrets Manager permission", () => {
        for (const ev of [plain, byArn]) {
            expect(ofType(ev, AWS.secret)).toEqual([]);
            expect(nginxDef(ev).secrets).toBeUndefined();
            expect(JSON.stringify(policy(ev))).not.toContain("secretsmanager");
        }
    });

    test("the private key is in no task definition, and in no declared input or output outside Pulumi's secret wrapper", () => {
        // The key's base64 body, so a re-wrapped or re-indented copy is found too.
        const body = pem.key.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
        const lines = pem.key.split("\n").filter((l) => l.length > 0 && !l.startsWith("-----"));
        const leaks: string[] = [];
        const walk = (where: string, v: unknown): void => {
            if (typeof v === "string") {
                if (v.replace(/\\n|\s/g, "").includes(body) || lines.some((l) => v.includes(l))) {
                    leaks.push(where);
                }
            } else if (Array.isArray(v)) {
                v.forEach((x, i) => walk(`${where}[${i}]`, x));
            } else if (v && typeof v === "object") {
                if (isSecretValue(v)) {
                    return;
                }
                for (const [k, x] of Object.entries(v)) {
                    walk(`${where}.${k}`, x);
                }
            }
        };
        for (const td of ofType(atNginx, AWS.taskDefinition)) {
            expect(td.inputs.containerDefinitions as string).not.toContain(lines[0]);
        }
        for (const r of atNginx.resources) {
            walk(`${r.type}::${r.name}`, r.inputs);
        }
        walk("outputs", atNginx.outputs);
        expect(leaks).toEqual([]);
        // The walk does find the key where it is: inside the wrapper of the secret's value.
        const wrapped = one(atNginx, AWS.secretVersion, "webstack-nginx-tls").inputs.secretString as Record<string, string>;
        expect(wrapped.value).toContain(lines[0]);
    });

    test("self-signed: the program makes an ECDSA P-256 key and a certificate, and they are what the secret holds", () => {
        const key = ofType(selfSigned, TLS.privateKey);
        const cert = ofType(selfSigned, TLS.selfSignedCert);
        expect(key.map((k) => [k.inputs.algorithm, k.inputs.ecdsaCurve])).toEqual([["ECDSA", "P256"]]);
        expect(cert).toHaveLength(1);
        const value = one(selfSigned, AWS.secretVersion, "webstack-nginx-tls").inputs.secretString as Record<string, string>;
        expect(JSON.parse(value.value)).toEqual({ cert: cert[0].state.certPem, key: key[0].state.privateKeyPem });
        expect(listeners(selfSigned)).toEqual(listeners(atNginx));
    });
});
