import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { replicaGeneration } from "../../components/local/appService";
import { contextDigest } from "../../lib/contextDigest";

describe("contextDigest", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "webstack-digest-"));
        writeFileSync(path.join(dir, "app.py"), "print('v1')\n");
        writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
        writeFileSync(path.join(dir, ".dockerignore"), "__pycache__/\n");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test("changes with a file's content, not with an ignored file", () => {
        const before = contextDigest(dir, ".", "Dockerfile");
        mkdirSync(path.join(dir, "__pycache__"));
        writeFileSync(path.join(dir, "__pycache__", "app.pyc"), "bytecode");
        expect(contextDigest(dir, ".", "Dockerfile")).toBe(before);
        writeFileSync(path.join(dir, "app.py"), "print('v2')\n");
        expect(contextDigest(dir, ".", "Dockerfile")).not.toBe(before);
    });

    test("changes when a file is renamed", () => {
        const before = contextDigest(dir, ".", "Dockerfile");
        rmSync(path.join(dir, "app.py"));
        writeFileSync(path.join(dir, "main.py"), "print('v1')\n");
        expect(contextDigest(dir, ".", "Dockerfile")).not.toBe(before);
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
