// webstack:tls, httpsPort and hstsMaxAgeSec: refused before any resource, every message naming key,
// value and fix, and none quoting key material. Certificates are real ones made by openssl.
import { parseStackConfig } from "../../lib/config/config";
import { parseTls } from "../../lib/config/tls";
import { Problems } from "../../lib/config/validate";
import { problemsOf } from "../support/problems";
import { selfSignedPem } from "../support/pem";

/** A key and a certificate for it, valid from now for 30 days. */
const pair = (name: string) => selfSignedPem(`${name}.test`, 30);
const a = pair("a");
const b = pair("b");

const provided = (cert: unknown, key: unknown) => JSON.stringify({ mode: "provided", certificate: cert, key });
const secret = new Set(["tls"]);
const keyBody = (k: string) => k.split("\n")[1];

/** Problems of parseTls at a given time (the clock is the only way to test validity windows with real certs). */
function tlsProblems(value: string, now = new Date(), isSecret = true): string[] {
    const p = new Problems();
    parseTls(p, value, isSecret, now);
    try {
        p.throwIfAny();
        return [];
    } catch (e) {
        return [...(e as { problems: string[] }).problems];
    }
}

describe("good TLS config", () => {
    test("self-signed: localhost and 127.0.0.1 always, extra hostnames deduplicated", () => {
        const c = parseStackConfig({
            tls: JSON.stringify({ mode: "self-signed", hostnames: ["app.example.test", "localhost", "app.example.test"] }),
        });
        expect(c.tls).toEqual({ mode: "self-signed", hostnames: ["app.example.test"] });
    });

    test("self-signed: no HSTS by default (a browser would remember it for a certificate it cannot trust)", () => {
        expect(parseStackConfig({ tls: '{"mode":"self-signed"}' }).hstsMaxAgeSec).toBe(0);
    });

    test("provided: the PEMs pass through, HSTS two years by default", () => {
        const c = parseStackConfig({ tls: provided(a.cert, a.key) }, { secretKeys: secret });
        expect(c.tls).toEqual({ mode: "provided", certificatePem: a.cert, keyPem: a.key });
        expect(c.hstsMaxAgeSec).toBe(63072000);
    });

    test("TLS off: HTTP only, the https port still reserved", () => {
        const c = parseStackConfig({});
        expect([c.tls, c.hstsMaxAgeSec, c.target === "local" && c.httpsPort]).toEqual([undefined, 0, 8443]);
    });
});

describe("bad TLS config is refused before any resource", () => {
    test.each([
        [
            "a certificate without a key",
            provided(a.cert, undefined),
            /^webstack:tls\.key: got nothing; mode provided needs the certificate's PEM private key\. Fix: pulumi config set --path --secret/,
        ],
        [
            "a key that does not match its certificate",
            provided(a.cert, b.key),
            /^webstack:tls\.key: got a string \(not shown: webstack:tls holds key material\); does not match the certificate \(CN=a\.test\)\./,
        ],
        [
            "a certificate that does not parse",
            provided("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", a.key),
            /^webstack:tls\.certificate: got a string \(not shown: webstack:tls holds key material\); block 1 of the chain does not parse as a PEM certificate/,
        ],
        [
            "a key that does not parse",
            provided(a.cert, "-----BEGIN EC PRIVATE KEY-----\nnope\n-----END EC PRIVATE KEY-----\n"),
            /^webstack:tls\.key: got a string \(not shown: webstack:tls holds key material\); does not parse as a PEM private key/,
        ],
        [
            "an unknown mode",
            JSON.stringify({ mode: "letsencrypt" }),
            /^webstack:tls\.mode: got a string \(not shown: webstack:tls holds key material\); must be 'self-signed' \(the program makes one\) or 'provided'/,
        ],
        [
            "a PEM with mode self-signed",
            JSON.stringify({ mode: "self-signed", key: a.key }),
            /^webstack:tls\.key: got a string \(not shown: webstack:tls holds key material\); is only read with mode provided/,
        ],
        [
            "a hostname that is no DNS name",
            JSON.stringify({ mode: "self-signed", hostnames: ["Bad_Name"] }),
            /^webstack:tls\.hostnames\[0\]: got a string \(not shown: webstack:tls holds key material\); must be a lowercase DNS name/,
        ],
    ])("%s", (_label, value, message) => {
        const problems = tlsProblems(value);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(message);
        expect(problems[0]).not.toContain(keyBody(a.key));
        expect(problems[0]).not.toContain(keyBody(b.key));
    });

    test("an expired certificate", () => {
        const later = new Date(Date.now() + 31 * 86_400_000);
        expect(tlsProblems(provided(a.cert, a.key), later)).toEqual([
            expect.stringMatching(
                /^webstack:tls\.certificate: got a string \(not shown: webstack:tls holds key material\); expired on \d{4}-\d\d-\d\dT.* \(CN=a\.test\)\. Fix: renew it and set the new PEMs$/,
            ),
        ]);
    });

    test("a certificate not valid yet", () => {
        const earlier = new Date(Date.now() - 86_400_000);
        expect(tlsProblems(provided(a.cert, a.key), earlier)).toEqual([
            expect.stringMatching(
                /^webstack:tls\.certificate: got a string \(not shown: webstack:tls holds key material\); is not valid yet \(CN=a\.test\)/,
            ),
        ]);
    });

    test("a key kept in plain text in the stack file", () => {
        expect(tlsProblems(provided(a.cert, a.key), new Date(), false)).toEqual([
            expect.stringMatching(
                /^webstack:tls\.key: got a string \(not shown: webstack:tls holds key material\); is stored in plain text .* Fix: pulumi config set --path --secret 'webstack:tls\.key'/,
            ),
        ]);
    });

    test.each([
        ["httpsPort equal to httpPort", { httpPort: "9000", httpsPort: "9000" }, /^webstack:httpsPort: got 9000; equals webstack:httpPort/],
        ["HSTS without TLS", { hstsMaxAgeSec: "600" }, /^webstack:hstsMaxAgeSec: got 600; needs TLS/],
        [
            "HSTS beyond two years",
            { tls: '{"mode":"self-signed"}', hstsMaxAgeSec: "99999999" },
            /^webstack:hstsMaxAgeSec: got "99999999"; must be an integer from 0 to 63072000/,
        ],
        [
            "httpsPort on aws",
            { target: "aws", httpsPort: "443" },
            /^webstack:httpsPort: got 443; is only read when webstack:target is local/,
        ],
        ["httpPort on aws", { target: "aws", httpPort: "80" }, /^webstack:httpPort: got 80; is only read when webstack:target is local/],
    ])("%s", (_label, raw, message) => {
        expect(problemsOf(raw, { awsRegion: "us-east-1" })).toEqual([expect.stringMatching(message)]);
    });
});
