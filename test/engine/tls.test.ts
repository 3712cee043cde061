// HTTPS on the local target, against the real engine: real handshakes with openssl s_client and curl on
// 127.0.0.1, the redirect, the weighted split over https, hardening, no key in `docker inspect`, and
// TLS switched on for a running stack under load (busy core) with no failed request.
import { execFile } from "child_process";
import { X509Certificate } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as tls from "tls";
import { promisify } from "util";
import { applyPlan } from "../../replay/replay";
import { containersByLabel, inspectContainer, logs } from "../../replay/docker";
import { evaluate } from "../../evaluation/evaluate";
import { planDiff } from "../../replay/plan";
import { compareShares, sendRequests, worstDeltaPp } from "../../traffic/traffic";
import { DEFAULT_SERVICES } from "../../lib/config/defaults";
import { computeUpstreams } from "../../lib/upstreams";
import { NGINX_USER } from "../../lib/runtime";
import { ChangeStack, applyConfig, downChangeStack, upChangeStack } from "../support/changes";
import { selfSignedPem } from "../support/pem";
import { UpStack, addressBook, describeEngine, downStack, servicesFromLog, upStack } from "../support/engine";
import { LOAD, allAfter, measureChange } from "../support/zeroDowntime";

jest.setTimeout(600_000);
const run = promisify(execFile);

/** `openssl s_client` with one protocol version (and ALPN): what the server negotiated, or why not. */
async function handshake(port: number, version: string, caFile: string, alpn?: string): Promise<string> {
    // SECLEVEL=0 so this client offers TLS 1.1 at all: a refusal then comes from the server.
    // -brief prints the version and verification in one place, but not the ALPN result.
    const args = [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        `-${version}`,
        "-CAfile",
        caFile,
        "-verify_return_error",
        ...(alpn ? [] : ["-brief"]),
    ];
    args.push(...(version === "tls1_1" ? ["-cipher", "DEFAULT@SECLEVEL=0"] : []), ...(alpn ? ["-alpn", alpn] : []));
    const child = execFile("openssl", args, { timeout: 10_000 });
    child.stdin?.end("");
    let out = "";
    child.stdout?.on("data", (c: string) => (out += c));
    child.stderr?.on("data", (c: string) => (out += c));
    await new Promise((resolve) => child.on("close", resolve));
    return out;
}

describeEngine("HTTPS on the local target (self-signed)", () => {
    let s: UpStack;
    let dir: string;
    let caFile: string;
    let cert: string;
    let key: string;
    const ports = { http: 18280, https: 18643 };

    beforeAll(async () => {
        s = await upStack("e2e-tls", { httpPort: ports.http, httpsPort: ports.https, tls: { mode: "self-signed" } });
        // The real PEMs the replay made for the mocked tls:* outputs (Pulumi would hold them in state).
        cert = s.state.refs.get(String(s.ev.outputs!.certificatePem))!;
        const keyRes = s.ev.resources.find((r) => r.type === "tls:index/privateKey:PrivateKey")!;
        key = s.state.refs.get(String(keyRes.state.privateKeyPem))!;
        dir = mkdtempSync(path.join(tmpdir(), "webstack-tls-"));
        caFile = path.join(dir, "ca.pem");
        writeFileSync(caFile, cert);
    });
    afterAll(async () => {
        await downStack("e2e-tls");
        rmSync(dir, { recursive: true, force: true });
    });

    test("the url output is the https one", () => {
        expect(s.url).toBe(`https://127.0.0.1:${ports.https}/`);
        expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
        expect(key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    });

    test.each([
        ["tls1_3", /Protocol version: TLSv1\.3/],
        ["tls1_2", /Protocol version: TLSv1\.2/],
    ])("%s handshakes and the certificate verifies against the self-signed one", async (version, pattern) => {
        const out = await handshake(ports.https, version, caFile);
        expect(out).toMatch(pattern);
        expect(out).toMatch(/Verification: OK/);
    });

    test("TLS 1.1 is refused by the server", async () => {
        const out = await handshake(ports.https, "tls1_1", caFile);
        expect(out).toMatch(/alert protocol version/);
        expect(out).not.toMatch(/Protocol version: TLSv1\.1/);
    });

    test("ALPN negotiates h2, and curl gets HTTP/2 from the app, told it came over https", async () => {
        expect(await handshake(ports.https, "tls1_3", caFile, "h2,http/1.1")).toMatch(/ALPN protocol: h2/);
        const { stdout } = await run("curl", [
            "-sS",
            "--http2",
            "--cacert",
            caFile,
            "-w",
            "\n%{http_version}",
            `https://localhost:${ports.https}/`,
        ]);
        expect(stdout).toMatch(/via https/);
        expect(stdout.trim().split("\n").pop()).toBe("2");
    });

    test("http:// answers 301 to the https URL, path and query kept; nginx's health path stays on http", async () => {
        const { stdout } = await run("curl", [
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
            `http://127.0.0.1:${ports.http}/a/b?c=1`,
        ]);
        expect(stdout).toBe(`301 https://127.0.0.1:${ports.https}/a/b?c=1`);
        const health = await run("curl", ["-sS", "-w", " %{http_code}", `http://127.0.0.1:${ports.http}/nginx-healthz`]);
        expect(health.stdout).toBe("ok\n 200");
    });

    test("the weighted split over https holds within 2 pp over 1,200 requests", async () => {
        const since = Math.floor(Date.now() / 1000) - 1;
        const replies = await sendRequests(s.url, 1200, 4, cert);
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        // nginx flushes its buffered access log within accessLogFlushSec.
        await new Promise((r) => setTimeout(r, 2500));
        const apps = s.ev.resources.filter(
            (r) => r.type === "docker:index/container:Container" && /application\d-/.test(String(r.inputs.name)),
        );
        const served = await servicesFromLog(s.nginx, since, await addressBook(apps.map((r) => String(r.inputs.name))));
        const rows = compareShares(computeUpstreams(DEFAULT_SERVICES), served);
        console.log(rows.map((x) => `${x.service} expected ${x.expected} observed ${x.observed.toFixed(4)} (${x.count})`).join("\n"));
        expect(served.length).toBeGreaterThanOrEqual(1200);
        expect(worstDeltaPp(rows)).toBeLessThanOrEqual(2);
    });

    test("nginx runs as its non-root user, on a read-only root, with no capabilities", async () => {
        const info = await inspectContainer(s.nginx);
        const host = (info as unknown as { HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[] } }).HostConfig;
        expect([info.Config.User, host.ReadonlyRootfs, host.CapDrop]).toEqual([NGINX_USER, true, ["ALL"]]);
        const { stdout } = await run("docker", [
            "exec",
            s.nginx,
            "sh",
            "-c",
            "id -u; touch /etc/nginx/x 2>&1 || true; stat -c '%a %u' /run/webstack/tls/key.pem",
        ]);
        const [uid, touch, keyMode] = stdout.trim().split("\n");
        expect(uid).toBe(NGINX_USER.split(":")[0]);
        expect(touch).toMatch(/Read-only file system/);
        expect(keyMode).toBe(`600 ${uid}`);
    });

    test("the private key appears nowhere in docker inspect (env, labels, config) or in any container's log", async () => {
        const keyBody = key.split("\n")[1];
        const containers = await containersByLabel({ "webstack.stack": "e2e-tls" });
        expect(containers.length).toBeGreaterThanOrEqual(4);
        for (const c of containers) {
            const inspect = JSON.stringify(await inspectContainer(c.Id));
            expect(inspect).not.toContain(keyBody);
            expect(inspect).not.toContain("PRIVATE KEY");
            expect(await logs(c.Id, 0)).not.toContain(keyBody);
        }
    });

    test("a new certificate under the same config (a renewal, a replaced provided one) reloads nginx", async () => {
        const served = () =>
            new Promise<string>((resolve, reject) => {
                const c = tls.connect({ host: "127.0.0.1", port: ports.https, rejectUnauthorized: false }, () => {
                    resolve(c.getPeerCertificate().fingerprint256);
                    c.end();
                });
                c.on("error", reject);
            });
        const next = selfSignedPem("localhost");
        // hstsMaxAgeSec 0 as with self-signed: the rendered config, and so its id, stay the same.
        const after = await evaluate(
            { ...s.config, tls: { mode: "provided", certificate: next.cert, key: next.key }, hstsMaxAgeSec: 0 },
            { stack: s.stack, secretKeys: ["tls"] },
        );
        const plan = planDiff(s.ev, after);
        const config = (r: { name: string }) => /nginx-config-/.test(r.name);
        expect(plan.steps.filter(config).map((x) => `${x.op} ${x.name}`)).toEqual([
            expect.stringMatching(/^replace webstack-nginx-config-[0-9a-f]{8}$/),
        ]);
        await applyPlan(s.state, plan, after);
        const want = new X509Certificate(next.cert).fingerprint256;
        let got = await served();
        for (let i = 0; i < 40 && got !== want; i++) {
            await new Promise((r) => setTimeout(r, 250));
            got = await served();
        }
        expect(got).toBe(want);
    });
});

describeEngine("switching TLS on for a running stack (busy core)", () => {
    let s: ChangeStack;
    const ports = { http: 18281, https: 18644 };
    beforeAll(async () => {
        s = await upChangeStack("e2e-tls-on", { httpPort: ports.http, httpsPort: ports.https, services: [...DEFAULT_SERVICES], nginx: {} });
    });
    afterAll(() => downChangeStack(s));

    test("no request fails: plain http answers 200, then 301, and https serves", async () => {
        expect(s.url).toBe(`http://127.0.0.1:${ports.http}/`);
        let httpsUrl = "";
        const r = await measureChange(s.url, {
            kind: "TLS on",
            apply: async () => {
                httpsUrl = String((await applyConfig(s, { ...s.config, tls: { mode: "self-signed" } })).outputs!.url);
            },
            // Served: the page (before) or the redirect (after); anything else, or no answer, failed.
            ok: (x) => x.status === 200 || x.status === 301,
            servingAt: (replies, appliedAt) => allAfter(replies, appliedAt, (x) => x.status === 301),
        });
        console.log(
            `TLS on: ${r.requests} requests, ${r.failed.length} failed; worst ${r.worstMs.toFixed(0)} ms; apply ${r.applyMs} ms; redirecting ${r.servingMs} ms`,
        );
        expect(r.failed).toEqual([]);
        expect(r.requests).toBeGreaterThanOrEqual(LOAD.minRequests);
        expect(r.servingMs).toBeDefined();
        expect(httpsUrl).toBe(`https://127.0.0.1:${ports.https}/`);
        // nginx was reloaded, not replaced: the same container serves https now.
        const cert = s.state.refs.get(String(s.ev.outputs!.certificatePem))!;
        const replies = await sendRequests(httpsUrl, 200, 2, cert);
        expect(replies.filter((x) => x.status !== 200)).toEqual([]);
    });
});
