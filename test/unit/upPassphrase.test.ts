// issue 18 finding 3: `npm run up` never runs a stack that holds a secret with an empty passphrase. scripts/up.sh
// runs for real here, with stand-ins for the two programs this machine cannot run (the Pulumi CLI) or that a unit
// test must not touch (docker): each records the environment it was started with.
import { execFileSync, spawnSync } from "child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/** A copy of the project's scripts and stack file in a temp folder, with a fake HOME and fake pulumi/docker. */
function sandbox(stackFile: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-up-"));
    const project = path.join(dir, "project");
    const bin = path.join(dir, "bin");
    const home = path.join(dir, "home");
    for (const d of [path.join(project, "scripts"), bin, home]) {
        mkdirSync(d, { recursive: true });
    }
    for (const f of ["up.sh", "passphrase.sh"]) {
        copyFileSync(path.join(ROOT, "scripts", f), path.join(project, "scripts", f));
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    writeFileSync(path.join(project, "Pulumi.dev.yaml"), stackFile);
    const record = path.join(dir, "pulumi-env");
    // `pulumi up` writes down how it would decrypt: the passphrase variables and the file's content.
    writeFileSync(
        path.join(bin, "pulumi"),
        [
            "#!/bin/sh",
            'if [ "$1" = up ]; then',
            `  { echo "PASSPHRASE=\${PULUMI_CONFIG_PASSPHRASE-<unset>}"; echo "FILE=\${PULUMI_CONFIG_PASSPHRASE_FILE-<unset>}";`,
            `    [ -n "\${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && echo "CONTENT=$(cat "$PULUMI_CONFIG_PASSPHRASE_FILE")"; } > '${record}'`,
            "fi",
            'if [ "$1" = stack ] && [ "$2" = output ]; then echo http://127.0.0.1:8080/; fi',
            "exit 0",
        ].join("\n"),
    );
    writeFileSync(path.join(bin, "docker"), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(bin, "pulumi"), 0o755);
    chmodSync(path.join(bin, "docker"), 0o755);
    const run = (env: Record<string, string> = {}) => {
        rmSync(record, { force: true });
        const r = spawnSync("bash", [path.join(project, "scripts/up.sh")], {
            encoding: "utf8",
            env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, ...env },
        });
        let recorded: Record<string, string> | undefined;
        try {
            recorded = Object.fromEntries(
                readFileSync(record, "utf8")
                    .trim()
                    .split("\n")
                    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
            );
        } catch {
            recorded = undefined;
        }
        return { status: r.status, stderr: r.stderr, recorded };
    };
    return { dir, home, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const PLAIN = "config:\n  webstack:target: local\n";
const WITH_TLS = "config:\n  webstack:target: local\n  webstack:tls:\n    mode: self-signed\n";
const WITH_SECURE = "config:\n  webstack:target: local\n  webstack:appToken:\n    secure: v1:abc\n";

describe("scripts/up.sh: the stack's passphrase", () => {
    test("with nothing set, a random passphrase goes into a 0600 file under ~/.config (0700), used through PULUMI_CONFIG_PASSPHRASE_FILE, and the second run reuses it", () => {
        const s = sandbox(WITH_TLS);
        try {
            const first = s.run();
            expect(first.status).toBe(0);
            const file = path.join(s.home, ".config/webstack/passphrase-dev");
            expect(first.recorded).toEqual({ PASSPHRASE: "<unset>", FILE: file, CONTENT: expect.stringMatching(/^[A-Za-z0-9+/=]{40,}$/) });
            expect(statSync(file).mode & 0o777).toBe(0o600);
            expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
            const second = s.run();
            expect(second.status).toBe(0);
            expect(second.recorded).toEqual(first.recorded);
            // Another machine's HOME would get another passphrase: it is random, not derived.
            const other = sandbox(WITH_TLS);
            try {
                expect(other.run().recorded!.CONTENT).not.toBe(first.recorded!.CONTENT);
            } finally {
                other.cleanup();
            }
        } finally {
            s.cleanup();
        }
    });

    test("XDG_CONFIG_HOME decides where the file goes", () => {
        const s = sandbox(PLAIN);
        try {
            const xdg = path.join(s.dir, "xdg");
            expect(s.run({ XDG_CONFIG_HOME: xdg }).recorded!.FILE).toBe(path.join(xdg, "webstack/passphrase-dev"));
        } finally {
            s.cleanup();
        }
    });

    test.each([
        ["a self-signed TLS key", WITH_TLS],
        ["a secure config value", WITH_SECURE],
    ])("an explicitly empty PULUMI_CONFIG_PASSPHRASE is refused when the stack holds %s, before pulumi runs", (_label, stackFile) => {
        const s = sandbox(stackFile);
        try {
            const r = s.run({ PULUMI_CONFIG_PASSPHRASE: "" });
            expect(r.status).not.toBe(0);
            expect(r.recorded).toBeUndefined();
            expect(r.stderr).toMatch(/PULUMI_CONFIG_PASSPHRASE is empty and stack dev holds secrets/);
            expect(r.stderr).toMatch(/docs\/passphrase\.md/);
        } finally {
            s.cleanup();
        }
    });

    test("an empty passphrase is refused when the checkpoint already holds a secret", () => {
        const s = sandbox(PLAIN);
        try {
            const state = path.join(s.home, ".pulumi/stacks/webstack/dev.json");
            mkdirSync(path.dirname(state), { recursive: true });
            writeFileSync(
                state,
                JSON.stringify({
                    outputs: { k: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" } },
                }),
            );
            expect(s.run({ PULUMI_CONFIG_PASSPHRASE: "" }).status).not.toBe(0);
        } finally {
            s.cleanup();
        }
    });

    test("an empty passphrase on a stack with no secret is allowed, with a warning", () => {
        const s = sandbox(PLAIN);
        try {
            const r = s.run({ PULUMI_CONFIG_PASSPHRASE: "" });
            expect(r.status).toBe(0);
            expect(r.recorded).toMatchObject({ PASSPHRASE: "", FILE: "<unset>" });
            expect(r.stderr).toMatch(/warning: empty PULUMI_CONFIG_PASSPHRASE/);
        } finally {
            s.cleanup();
        }
    });

    test("a passphrase the user sets is used as it is, and no file is generated", () => {
        const s = sandbox(WITH_TLS);
        try {
            expect(s.run({ PULUMI_CONFIG_PASSPHRASE: "correct horse" }).recorded).toMatchObject({
                PASSPHRASE: "correct horse",
                FILE: "<unset>",
            });
            expect(() => statSync(path.join(s.home, ".config/webstack"))).toThrow();
        } finally {
            s.cleanup();
        }
    });

    test.each([
        ["empty", "", 0o600, /missing or empty/],
        ["readable by others", "secret", 0o644, /mode 644, readable by others; run: chmod 600/],
    ])("a PULUMI_CONFIG_PASSPHRASE_FILE that is %s is refused", (_label, content, mode, message) => {
        const s = sandbox(WITH_TLS);
        try {
            const f = path.join(s.dir, "pass");
            writeFileSync(f, content);
            chmodSync(f, mode);
            const r = s.run({ PULUMI_CONFIG_PASSPHRASE_FILE: f });
            expect(r.status).not.toBe(0);
            expect(r.recorded).toBeUndefined();
            expect(r.stderr).toMatch(message);
        } finally {
            s.cleanup();
        }
    });

    test("a generated file someone loosened to 0644 is refused on the next run, not used", () => {
        const s = sandbox(WITH_TLS);
        try {
            expect(s.run().status).toBe(0);
            chmodSync(path.join(s.home, ".config/webstack/passphrase-dev"), 0o644);
            const r = s.run();
            expect(r.status).not.toBe(0);
            expect(r.stderr).toMatch(/chmod 600/);
        } finally {
            s.cleanup();
        }
    });

    test("up.sh is valid bash", () => {
        expect(() => execFileSync("bash", ["-n", path.join(ROOT, "scripts/up.sh")])).not.toThrow();
    });
});
