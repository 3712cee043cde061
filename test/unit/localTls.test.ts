// HTTPS on the local target under the mock runtime: what TLS adds, what it leaves alone, and where the
// key may appear (only inside Pulumi's secret wrapper).
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { isSecretValue } from "../../evaluation/hash";
import { planDiff } from "../../replay/plan";
import { DOCKER, TLS } from "../../evaluation/resourceTypes";
import { NGINX_TLS_UPLOAD_DIR, NGINX_USER } from "../../lib/runtime";
import { labelMap } from "../support/graph";

const role = (ev: Evaluation, r: string) => ev.resources.filter((x) => x.type === DOCKER.container && labelMap(x)["webstack.role"] === r);
/** Inputs as JSON with every secret replaced by a marker: what would be readable without the secret. */
const plainInputs = (ev: Evaluation) =>
    JSON.stringify(
        ev.resources.map((r) => r.inputs),
        (_k, v: unknown) => (isSecretValue(v) ? "[secret]" : v),
    );

let off: Evaluation;
let on: Evaluation;
beforeAll(async () => {
    off = await evaluate({});
    on = await evaluate({ tls: { mode: "self-signed", hostnames: ["app.example.test"] } });
});

test("self-signed: a key and a certificate for localhost, 127.0.0.1 and the extra names", () => {
    const cert = on.resources.find((r) => r.type === TLS.selfSignedCert)!;
    expect(on.resources.find((r) => r.type === TLS.privateKey)!.inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    expect([cert.inputs.dnsNames, cert.inputs.ipAddresses]).toEqual([["localhost", "app.example.test"], ["127.0.0.1"]]);
    expect(on.outputs!.url).toBe("https://127.0.0.1:8443/");
    expect(on.outputs!.certificatePem).toBe(cert.state.certPem);
});

test("turning TLS on replaces only the config container: nginx, the apps and the network stay", () => {
    const plan = planDiff(off, on);
    const changed = plan.steps.filter((s) => s.op !== "create" || s.type === DOCKER.container).map((s) => `${s.op} ${s.name}`);
    expect(changed.sort()).toEqual([
        expect.stringMatching(/^create webstack-nginx-config-[0-9a-f]{8}$/),
        expect.stringMatching(/^delete webstack-nginx-config-[0-9a-f]{8}$/),
    ]);
    expect(
        plan.steps
            .filter((s) => s.op === "create" && s.type !== DOCKER.container)
            .map((s) => s.type)
            .sort(),
    ).toEqual([TLS.privateKey, TLS.selfSignedCert]);
});

test("the certificate and key reach only the config container, as uploads inside a secret", () => {
    const [publisher] = role(on, "nginx-config");
    expect(isSecretValue(publisher.inputs.uploads)).toBe(true);
    const files = (publisher.inputs.uploads as { value: { file: string }[] }).value.map((u) => u.file);
    expect(files).toEqual([`${NGINX_TLS_UPLOAD_DIR}/cert.pem`, `${NGINX_TLS_UPLOAD_DIR}/key.pem`]);
    expect(role(on, "nginx")[0].inputs.uploads).toBeUndefined();
});

test("nginx: non-root, read-only root, no capabilities, tmpfs; the config container read-only unless it carries uploads", () => {
    const [nginx] = role(on, "nginx");
    expect([nginx.inputs.user, nginx.inputs.readOnly, nginx.inputs.capabilities]).toEqual([NGINX_USER, true, { drops: ["ALL"] }]);
    expect(Object.keys(nginx.inputs.tmpfs as object).sort()).toEqual(["/run/webstack", "/var/cache/webstack-nginx"]);
    expect(role(off, "nginx-config")[0].inputs.readOnly).toBe(true);
    expect(role(on, "nginx-config")[0].inputs.readOnly).toBe(false);
    expect(role(on, "nginx-config")[0].inputs.user).toBe(NGINX_USER);
});

describe("provided certificate", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-localtls-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("the key appears nowhere in the declared inputs outside Pulumi's secret wrapper", async () => {
        const key = path.join(dir, "k.pem");
        execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
        const cert = execFileSync("openssl", ["req", "-x509", "-new", "-key", key, "-subj", "/CN=localhost", "-days", "2"], {
            encoding: "utf8",
        });
        const keyPem = readFileSync(key, "utf8");
        const ev = await evaluate({ tls: { mode: "provided", certificate: cert, key: keyPem } }, { secretKeys: ["tls"] });
        expect(ev.error).toBeUndefined();
        expect(ev.resources.some((r) => r.type === TLS.privateKey)).toBe(false);
        const body = keyPem.split("\n")[1];
        expect(JSON.stringify(ev.resources.map((r) => r.inputs))).toContain(body.slice(0, 20));
        expect(plainInputs(ev)).not.toContain(body.slice(0, 20));
    });
});
