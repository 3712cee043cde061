// Issue 18, findings 1 and 2: no error message quotes a value read from a secret config key, anything
// under webstack:tls, or anything holding key material; and no private key rides in tls.certificate.
// Keys are real (node:crypto), certificates real (openssl).
import { problemsOf } from "../support/problems";
import { leakOf, realKeys } from "../support/leaks";
import { selfSignedPem } from "../support/pem";

const keys = realKeys();
const pem = selfSignedPem("a.test", 30);
const other = selfSignedPem("b.test", 30);
const tlsSecret = { secretKeys: new Set(["tls"]), awsRegion: "us-east-1" };
const tls = (value: unknown) => ({ tls: JSON.stringify(value) });

/** Every problem for `raw`, after checking that none quotes any of `secrets`. */
function problemsWithoutLeaks(raw: Record<string, string>, secrets: readonly string[], secretKeys = new Set(["tls"])): readonly string[] {
    const problems = problemsOf(raw, { secretKeys, awsRegion: "us-east-1" });
    for (const message of problems) {
        for (const s of secrets) {
            expect({ message, leak: leakOf(message, s) }).toEqual({ message, leak: undefined });
        }
    }
    return problems;
}

describe("finding 1: values under webstack:tls are never quoted", () => {
    test.each([
        ["EC P-256 (PKCS#8)", keys.ecPkcs8],
        ["EC P-256 (SEC1)", keys.ecSec1],
        ["RSA 2048 (PKCS#1)", keys.rsaPkcs1],
    ])("the issue's typo, privateKey for key, with an %s key: names the key and the fix, not the value", (_label, key) => {
        const problems = problemsWithoutLeaks(tls({ mode: "provided", certificate: pem.cert, privateKey: key }), [key]);
        expect(problems).toContainEqual(
            expect.stringMatching(/^webstack:tls\.privateKey: got a string \(not shown: .*\); unknown key \(did you mean 'key'\?\)/),
        );
    });

    test.each([
        ["a key pasted as the mode", { mode: keys.ecPkcs8 }],
        ["a key pasted as a hostname", { mode: "self-signed", hostnames: [keys.ecPkcs8] }],
        ["a key pasted as the hostnames", { mode: "self-signed", hostnames: keys.ecPkcs8 }],
        ["a key where a certificate goes", { mode: "provided", certificate: keys.ecPkcs8, key: keys.ecPkcs8 }],
        ["a key with mode self-signed", { mode: "self-signed", key: keys.rsaPkcs1 }],
        ["a key under a nested typo", { mode: "provided", certificate: pem.cert, key: pem.key, extra: { k: keys.ecSec1 } }],
    ])("%s: the message names the key, not the value", (_label, value) => {
        const problems = problemsWithoutLeaks(tls(value), [keys.ecPkcs8, keys.rsaPkcs1, keys.ecSec1, pem.key]);
        expect(problems.length).toBeGreaterThan(0);
        problems.forEach((m) => expect(m).toMatch(/^webstack:tls[.\w[\]]*: got /));
    });

    test("an unknown mode is refused without quoting it", () => {
        expect(problemsWithoutLeaks(tls({ mode: "letsencrypt" }), ["letsencrypt"])).toEqual([
            expect.stringMatching(/^webstack:tls\.mode: got a string \(not shown: .*\); must be 'self-signed'/),
        ]);
    });
});

describe("finding 1: a secret key's value is never quoted, wherever the problem is found", () => {
    const secretText = "s3cr3t value, nobody may see it";
    test.each([
        ["an unknown top-level secret", { dbPasword: secretText }, new Set(["dbPasword"])],
        [
            "a secret services list with a bad weight",
            { services: JSON.stringify([{ name: "a", weight: secretText }]) },
            new Set(["services"]),
        ],
        ["a secret services list with a bad name", { services: JSON.stringify([{ name: secretText }]) }, new Set(["services"])],
        [
            "a duplicate name in a secret services list",
            { services: JSON.stringify([{ name: "abcdefgh" }, { name: "abcdefgh" }]) },
            new Set(["services"]),
        ],
        ["a secret nginx tuning", { nginx: JSON.stringify({ workerProcesses: secretText }) }, new Set(["nginx"])],
        ["a secret aws setting", { target: "aws", aws: JSON.stringify({ alarmEmail: secretText }) }, new Set(["aws"])],
        ["a secret image", { appBaseImage: secretText }, new Set(["appBaseImage"])],
    ])("%s", (_label, raw: Record<string, string>, secretKeys) => {
        const secretValues = [secretText, ...(JSON.stringify(raw).includes("abcdefgh") ? ["abcdefgh"] : [])];
        const problems = problemsWithoutLeaks(raw, secretValues, secretKeys);
        expect(problems.length).toBeGreaterThan(0);
    });

    test.each([
        ["an unknown top-level key", { tlsKey: keys.ecPkcs8 }],
        ["an image", { appBaseImage: keys.ecPkcs8 }],
        ["a service field", { services: JSON.stringify([{ name: "a", image: keys.rsaPkcs8 }]) }],
        ["a service name", { services: JSON.stringify([{ name: keys.ecSec1 }]) }],
        ["an aws setting", { target: "aws", aws: JSON.stringify({ domain: keys.encrypted }) }],
    ])("key material in %s that is not marked secret is not quoted either", (_label, raw) => {
        const problems = problemsWithoutLeaks(raw, Object.values(keys), new Set());
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.join("\n")).toMatch(/got a PEM block \(not shown/);
    });

    test("a key's base64 body pasted without its PEM lines is not quoted", () => {
        const body = keys.ecPkcs8.split("\n").slice(1, -2).join("");
        const problems = problemsWithoutLeaks(
            { appBaseImage: body, services: JSON.stringify([{ name: "a", image: body.slice(0, 60) }]) },
            [body],
            new Set(),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^webstack:services\[0\]\.image: got a base64 string \(not shown: it may be key material\);/),
            expect.stringMatching(/^webstack:appBaseImage: got a base64 string \(not shown: it may be key material\);/),
        ]);
    });

    test("an image digest is still quoted (hex, not base64)", () => {
        const ref = `Web/app@sha256:${"ab12".repeat(16)}`;
        expect(problemsOf({ appBaseImage: ref })[0]).toContain(`got "Web/app@sha256:ab12ab12`);
    });
});

describe("finding 2: tls.certificate carries certificates only", () => {
    const provided = (certificate: string) => tls({ mode: "provided", certificate, key: pem.key });
    test.each([
        ["a PKCS#8 key after the certificate", `${pem.cert}${pem.key}`],
        ["the matching key before the certificate", `${pem.key}${pem.cert}`],
        ["an RSA key at the end of a chain", `${pem.cert}${other.cert}${keys.rsaPkcs1}`],
        ["an EC key in the middle of a chain", `${pem.cert}${keys.ecSec1}${other.cert}`],
        ["an encrypted key", `${pem.cert}${keys.encrypted}`],
        ["an RSA PKCS#8 key", `${pem.cert}${keys.rsaPkcs8}`],
    ])("%s is refused, naming the key and quoting nothing", (_label, certificate) => {
        const problems = problemsOf(provided(certificate), tlsSecret);
        expect(problems).toContainEqual(
            expect.stringMatching(/^webstack:tls\.certificate: got a string \(not shown: .*\); holds a PRIVATE KEY block/),
        );
        for (const m of problems) {
            for (const k of [pem.key, ...Object.values(keys)]) {
                expect(leakOf(m, k)).toBeUndefined();
            }
        }
    });

    test("every certificate of a chain must parse, not only the first", () => {
        const broken = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
        expect(problemsOf(provided(`${pem.cert}${broken}`), tlsSecret)).toEqual([
            expect.stringMatching(/^webstack:tls\.certificate: got a string \(not shown: .*\); block 2 of the chain does not parse/),
        ]);
    });

    test("a block of another kind in the chain is refused", () => {
        const params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        expect(problemsOf(provided(`${params}${pem.cert}`), tlsSecret)).toEqual([
            expect.stringMatching(/^webstack:tls\.certificate: got a string \(not shown: .*\); block 1 of the chain is EC PARAMETERS/),
        ]);
    });

    test("a leaf and an intermediate pass, the leaf paired with the key", () => {
        expect(problemsOf(provided(`${pem.cert}${other.cert}`), tlsSecret)).toEqual([]);
    });
});
