// build.contextDigest as pulumi-docker computes it (provider/provider.go hashContext, getIgnorePatterns).
// The fixtures and expectations are those of pulumi-docker provider/provider_test.go (TestHash*), built
// in a temp folder; then what it means for this project's two build contexts.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { execFileSync } from "child_process";
import { tmpdir } from "os";
import * as path from "path";
import { compilePattern, contextDigest, goFileMode, readIgnoreFile, walkContext } from "../../e2e/contextDigest";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;
beforeEach(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "webstack-ctx-"));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `files` (path -> content) under tmp/dir; returns the folder. */
function tree(dir: string, files: Record<string, string>): string {
    const base = path.join(tmp, dir);
    for (const [rel, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
        writeFileSync(path.join(base, rel), content);
    }
    return base;
}
const hash = (dir: string, dockerfile = path.join(dir, "Dockerfile")) => contextDigest(tmp, dir, dockerfile);

describe("ported from pulumi-docker provider/provider_test.go", () => {
    test("TestHashIgnoresFile: files listed in .dockerignore (and the ignore file itself) do not count", () => {
        const base = tree("base", { Dockerfile: "FROM x", "foo.txt": "f", "bar/app.js": "a" });
        const withIgnored = tree("ignored", {
            Dockerfile: "FROM x",
            "foo.txt": "f",
            "bar/app.js": "a",
            ".dockerignore": ".dockerignore\nignored.txt\nbar/ignored.js\n",
            "ignored.txt": "i",
            "bar/ignored.js": "i",
        });
        expect(hash(withIgnored)).toBe(hash(base));
    });

    test("TestHashIgnoresWildcards: '*' then '!projects/*/src' (BuildKit semantics)", () => {
        const ignore = "# Ignore everything!\n*\n\n!projects/*/src\n";
        const base = tree("b", { Dockerfile: "FROM x", ".dockerignore": ignore, "projects/foo/src/app.js": "1" });
        const modIgnored = tree("mi", {
            Dockerfile: "FROM x",
            ".dockerignore": ignore,
            "projects/foo/src/app.js": "1",
            "projects/foo/dist/out.js": "2",
        });
        const modIncluded = tree("mc", { Dockerfile: "FROM x", ".dockerignore": ignore, "projects/foo/src/app.js": "changed" });
        expect(hash(modIgnored)).toBe(hash(base));
        expect(hash(modIncluded)).not.toBe(hash(base));
    });

    test("TestHashIgnoresDockerfileOutsideDirMove: the Dockerfile's name and place do not count, its content does", () => {
        const app = tree("loc/app", { "foo.sh": "echo" });
        writeFileSync(path.join(tmp, "loc/step1.Dockerfile"), "FROM x");
        writeFileSync(path.join(tmp, "loc/step2.Dockerfile"), "FROM x");
        writeFileSync(path.join(tmp, "loc/step3.Dockerfile"), "FROM y");
        expect(hash(app, path.join(tmp, "loc/step2.Dockerfile"))).toBe(hash(app, path.join(tmp, "loc/step1.Dockerfile")));
        expect(hash(app, path.join(tmp, "loc/step3.Dockerfile"))).not.toBe(hash(app, path.join(tmp, "loc/step1.Dockerfile")));
    });

    test("TestHashRenamingMatters", () => {
        expect(hash(tree("s2", { Dockerfile: "FROM x", "foo.b.txt": "t" }))).not.toBe(
            hash(tree("s1", { Dockerfile: "FROM x", "foo.a.txt": "t" })),
        );
    });

    test("TestHashFilemodeMatters: chmod +x changes the digest", () => {
        const a = tree("m1", { Dockerfile: "FROM x", "foo.sh": "echo" });
        const b = tree("m2", { Dockerfile: "FROM x", "foo.sh": "echo" });
        chmodSync(path.join(a, "foo.sh"), 0o644);
        chmodSync(path.join(b, "foo.sh"), 0o755);
        expect(hash(b)).not.toBe(hash(a));
    });

    test("TestHashDeepSymlinks: links (also to folders) hash without error, by their target path", () => {
        const dir = tree("links", { Dockerfile: "FROM x", "sub/dir/linkedToTop.txt": "t" });
        symlinkSync(path.join(dir, "sub"), path.join(dir, "proxy-for-sub"));
        symlinkSync(path.join(dir, "sub/dir/linkedToTop.txt"), path.join(dir, "linkedFromDeep.txt"));
        expect(hash(dir)).toMatch(/^[0-9a-f]{64}$/);
    });

    test("TestIgnoreIrregularFiles: a FIFO is not read (the walk would hang)", () => {
        const dir = tree("fifo", { Dockerfile: "" });
        execFileSync("mkfifo", [path.join(dir, "pipe")]);
        expect(hash(dir)).toMatch(/^[0-9a-f]{64}$/);
    });

    test("TestHashUnignoredDirs: '*', '!Dockerfile', '!top-dir' hash as if nothing were ignored", () => {
        const files = { Dockerfile: "FROM x", "top-dir/subdir/app.js": "a", "top-dir/subdir/ignored.js": "i" };
        const base = tree("u1", files);
        const unignored = tree("u2", {
            ...files,
            ".dockerignore": "# Ignore everything\n*\n\n#Unignore everything\n!Dockerfile\n!top-dir\n",
        });
        expect(hash(unignored)).toBe(hash(base));
    });

    test("getIgnorePatterns: <Dockerfile>.dockerignore wins over the context's .dockerignore", () => {
        const dir = tree("pref", { Dockerfile: "FROM x", "a.txt": "1", ".dockerignore": "", "Dockerfile.dockerignore": "a.txt\n" });
        expect(walkContext(dir, ["a.txt"]).map((f) => f.rel)).not.toContain("a.txt");
        const edited = tree("pref2", { Dockerfile: "FROM x", "a.txt": "2", ".dockerignore": "", "Dockerfile.dockerignore": "a.txt\n" });
        expect(hash(edited)).toBe(hash(dir));
    });
});

describe("pattern and mode details (moby/patternmatcher, Go io/fs)", () => {
    test.each([
        ["*.ts", "render.ts", true],
        ["*.ts", "sub/render.ts", false],
        ["**/*.ts", "sub/render.ts", true],
        ["sub/**", "sub/a/b", true],
        ["a?c", "abc", true],
        ["/lead", "lead", true],
    ])("%s matches %s: %s", (pattern, file, expected) => {
        expect(compilePattern(readIgnoreFile(pattern)[0]).match(file)).toBe(expected);
    });

    test("ignore file: comments, blanks and a BOM are skipped; '!' kept", () => {
        expect(readIgnoreFile("\uFEFF# c\n\n  a/  \n!b\n")).toEqual(["a", "!b"]);
    });

    test.each([
        [0o100644, "-rw-r--r--"],
        [0o100755, "-rwxr-xr-x"],
        [0o104755, "urwxr-xr-x"], // Go writes "-" only when no type or mode letter is set
    ])("Go FileMode string of mode %s is %s", (mode, text) => {
        const no = () => false;
        expect(
            goFileMode({ mode, isDirectory: no, isSymbolicLink: no, isFIFO: no, isSocket: no, isCharacterDevice: no, isBlockDevice: no }),
        ).toBe(text);
    });
});

describe("this project's build contexts", () => {
    const copy = () => {
        for (const dir of ["app", "nginx"]) {
            cpSync(path.join(ROOT, dir), path.join(tmp, dir), { recursive: true });
        }
    };

    test("editing app/app.py changes the app image's digest", () => {
        copy();
        const before = contextDigest(tmp, "app", "app/Dockerfile");
        writeFileSync(path.join(tmp, "app/app.py"), "# edited\n", { flag: "a" });
        expect(contextDigest(tmp, "app", "app/Dockerfile")).not.toBe(before);
    });

    test("nginx/render.ts (program code) is outside nginx's build context: editing it rebuilds nothing", () => {
        copy();
        const before = contextDigest(tmp, "nginx", "nginx/Dockerfile");
        writeFileSync(path.join(tmp, "nginx/render.ts"), "// edited\n", { flag: "a" });
        expect(contextDigest(tmp, "nginx", "nginx/Dockerfile")).toBe(before);
    });

    test("nginx's entrypoint is inside it: editing it rebuilds nginx", () => {
        copy();
        const before = contextDigest(tmp, "nginx", "nginx/Dockerfile");
        writeFileSync(path.join(tmp, "nginx/webstack-entrypoint.sh"), "# edited\n", { flag: "a" });
        expect(contextDigest(tmp, "nginx", "nginx/Dockerfile")).not.toBe(before);
    });
});
