import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { replicaGeneration } from "../../components/local/appService";
import { contextDigest, ignored } from "../../components/sourceDigest";

describe("ignored: the .dockerignore patterns the digest honours", () => {
    test.each([
        ["__pycache__/app.cpython-313.pyc", ["__pycache__/"], true],
        ["pkg/__pycache__/x.pyc", ["__pycache__/"], true],
        ["app.py", ["*.pyc"], false],
        ["app.pyc", ["*.pyc"], true],
        ["render.ts", ["*.ts"], true],
        ["sub/render.ts", ["*.ts"], true],
        ["webstack-entrypoint.sh", ["*.ts"], false],
        ["docs/a.md", ["docs"], true],
        ["docs/a.md", ["docs/a.md"], true],
        ["docs/b.md", ["docs/a.md"], false],
    ])("%s with %j -> %s", (file, patterns, expected) => {
        expect(ignored(file, patterns)).toBe(expected);
    });
});

describe("contextDigest", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "webstack-digest-"));
        writeFileSync(path.join(dir, "app.py"), "print('v1')\n");
        writeFileSync(path.join(dir, ".dockerignore"), "__pycache__/\n");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test("changes with a file's content, not with an ignored file", () => {
        const before = contextDigest(dir);
        mkdirSync(path.join(dir, "__pycache__"));
        writeFileSync(path.join(dir, "__pycache__", "app.pyc"), "bytecode");
        expect(contextDigest(dir)).toBe(before);
        writeFileSync(path.join(dir, "app.py"), "print('v2')\n");
        expect(contextDigest(dir)).not.toBe(before);
    });

    test("changes when a file is renamed", () => {
        const before = contextDigest(dir);
        rmSync(path.join(dir, "app.py"));
        writeFileSync(path.join(dir, "main.py"), "print('v1')\n");
        expect(contextDigest(dir)).not.toBe(before);
    });
});

describe("replicaGeneration", () => {
    const env = ["WEBSTACK_SERVICE=a", "GUNICORN_WORKERS=2"];
    test.each([
        ["same source and environment", "src1", env, true],
        ["new code", "src2", env, false],
        ["new Gunicorn settings", "src1", ["WEBSTACK_SERVICE=a", "GUNICORN_WORKERS=3"], false],
    ])("%s -> same generation: %s", (_label, source, e, same) => {
        expect(replicaGeneration(source, e) === replicaGeneration("src1", env)).toBe(same);
        expect(replicaGeneration(source, e)).toMatch(/^[0-9a-f]{6}$/);
    });
});
