import { readFileSync } from "fs";
import * as path from "path";
import { FULL, QUICK, parseArgs } from "../../bench/args";
import { changeOneLine, dockerfileInstructions, metadataFirst } from "../../bench/rebuild";

describe("changeOneLine", () => {
    test("the first return line gets a comment; exactly one line differs", () => {
        const src = "def f():\n    x = 1\n    return x\n\ndef g():\n    return 2\n";
        const out = changeOneLine(src, 7);
        expect(out).toBe("def f():\n    x = 1\n    return x  # bench rebuild 7\n\ndef g():\n    return 2\n");
        const diff = src.split("\n").filter((l, i) => l !== out.split("\n")[i]);
        expect(diff).toHaveLength(1);
    });
    test("a file without return gets one comment line at the end", () => {
        expect(changeOneLine("x = 1", 2)).toBe("x = 1\n# bench rebuild 2\n");
    });
    test("different n, different content (each rebuild misses the cache at the code layer)", () => {
        const app = readFileSync(path.join(__dirname, "../../app/app.py"), "utf8");
        expect(changeOneLine(app, 1)).not.toBe(changeOneLine(app, 2));
        expect(changeOneLine(app, 1)).not.toBe(app);
    });
});

describe("dockerfileInstructions", () => {
    test("comments stay with the instruction below; continuations are one instruction", () => {
        const text = "# c\nFROM x\nRUN a \\\n    && b\n\nUSER 1\n";
        expect(dockerfileInstructions(text)).toEqual([
            ["# c", "FROM x"],
            ["RUN a \\", "    && b"],
            ["", "USER 1"],
        ]);
    });
});

describe("metadataFirst", () => {
    test.each([
        [
            "metadata after the code COPY moves before it",
            'FROM b\nCOPY req .\nRUN pip\nCOPY app.py ./\nUSER 1\nEXPOSE 8000\nCMD ["x"]\n',
            'FROM b\nCOPY req .\nRUN pip\nUSER 1\nEXPOSE 8000\nCMD ["x"]\nCOPY app.py ./\n',
        ],
        [
            "a RUN after the COPY: unchanged (it would run as the moved USER)",
            "FROM b\nCOPY a .\nRUN x\nUSER 1\n",
            "FROM b\nCOPY a .\nRUN x\nUSER 1\n",
        ],
        ["nothing to move", "FROM b\nUSER 1\nCOPY a .\n", "FROM b\nUSER 1\nCOPY a .\n"],
        ["no COPY at all", "FROM b\nCMD x\n", "FROM b\nCMD x\n"],
    ])("%s", (_label, input, output) => {
        expect(metadataFirst(input)).toBe(output);
    });

    test("on app/Dockerfile: the code COPY becomes the last instruction, nothing is lost", () => {
        const text = readFileSync(path.join(__dirname, "../../app/Dockerfile"), "utf8");
        const out = metadataFirst(text);
        const heads = (t: string) =>
            dockerfileInstructions(t).map((b) => b.filter((l) => l.trim() && !l.trim().startsWith("#")).join("\n"));
        expect(heads(out).at(-1)).toMatch(/^COPY .*app\.py/);
        expect([...heads(out)].sort()).toEqual([...heads(text)].sort());
    });
});

describe("parseArgs", () => {
    test("no arguments: the full run into bench/results", () => {
        expect(parseArgs([])).toEqual(FULL);
        expect(FULL.load).toMatchObject({ sustainedSec: 30, rounds: 3, connections: 16, threads: 1 });
        expect(FULL.outDir).toMatch(/bench[/\\]results$/);
    });
    test("--quick: seconds per configuration, one round, outside the committed results", () => {
        expect(parseArgs(["--quick"])).toEqual(QUICK);
        expect(QUICK.load).toMatchObject({ sustainedSec: 3, shortSec: 1, rounds: 1 });
        expect(QUICK.outDir).toMatch(/\.webstack[/\\]bench$/);
    });
    test("overrides", () => {
        const o = parseArgs([
            "--quick",
            "--out",
            "/tmp/x",
            "--rounds",
            "2",
            "--port-base",
            "18120",
            "--stack",
            "benchsmoke",
            "--sustained",
            "4",
        ]);
        expect(o).toMatchObject({
            mode: "quick",
            outDir: "/tmp/x",
            portBase: 18120,
            stack: "benchsmoke",
            load: { rounds: 2, sustainedSec: 4 },
        });
    });
    test.each([
        [["--rounds", "0"], /--rounds must be an integer 1..20/],
        [["--port-base", "18081"], /--port-base must be an integer 18100..18190/],
        [["--stack", "Bad Name"], /--stack must be/],
        [["--fast"], /unknown argument "--fast"/],
    ])("%j is refused", (argv, message) => {
        expect(() => parseArgs(argv)).toThrow(message);
    });
});
