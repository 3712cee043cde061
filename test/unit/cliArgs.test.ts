// issue 18 finding 13: every CLI parses its arguments the same strict way (lib/cliArgs.ts, node:util parseArgs),
// and the rollout state file is checked field by field before --resume or --rollback acts on it.
import { spawn } from "child_process";
import { readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { main, parseRolloutArgs } from "../../rollout/cli";
import { PROJECT_ROOT } from "../../rollout/deployers";
import { Watcher } from "../../rollout/run";
import { ServiceEntry } from "../../rollout/state";
import { rolloutFilePath } from "../../rollout/stateFile";
import { parseReplayArgs } from "../../replay/cli";
import { parseTrafficArgs } from "../../traffic/cli";
import { parseSoakArgs } from "../soak";
import { parseArgs as parseBenchArgs } from "../../bench/bench";
import { recordingDeployer, saveInterruptedRollout } from "../support/interruptedRollout";

const START = ["--stack", "dev", "--from", "stable", "--to", "canary", "--steps", "5,25,50", "--bake", "60", "--max-error-rate", "1"];
/** START with `flag`'s value replaced by `value`. */
const withValue = (flag: string, value: string) => START.map((x, i) => (START[i - 1] === flag ? value : x));
/** START without `flag`'s value: the flag last, so nothing follows it. */
const missingValue = (flag: string) => [...START.filter((x, i) => x !== flag && START[i - 1] !== flag), flag];

/** Every CLI, with arguments it accepts and a string flag that is not among them. */
const CLIS = [
    { name: "rollout", script: "rollout/cli.ts", parse: parseRolloutArgs, base: START, flag: "--settle" },
    { name: "replay", script: "replay/cli.ts", parse: parseReplayArgs, base: ["up"], flag: "--stack" },
    { name: "traffic", script: "traffic/cli.ts", parse: parseTrafficArgs, base: [], flag: "--stack" },
    { name: "bench", script: "bench/run.ts", parse: parseBenchArgs, base: [], flag: "--rounds" },
    { name: "soak", script: "test/soak.ts", parse: parseSoakArgs, base: [], flag: "--rounds" },
];

describe.each(CLIS)("npm run $name: the three input mistakes are errors with the usage", ({ name, parse, base, flag }) => {
    test("its base arguments are accepted", () => {
        expect(() => parse(base)).not.toThrow();
    });

    test.each([
        ["an unknown flag", [...base, "--no-such-flag"], /unknown argument '--no-such-flag'/],
        ["a flag missing its value", [...base, flag], new RegExp(`${flag} needs a value`)],
        ["an empty value", [...base, flag, ""], new RegExp(`${flag} needs a value, got an empty one`)],
        ["an empty value after '='", [...base, `${flag}=`], new RegExp(`${flag} needs a value, got an empty one`)],
    ])("%s", (_label, argv, message) => {
        expect(() => parse(argv)).toThrow(message);
        expect(() => parse(argv)).toThrow(new RegExp(`\nusage: npm run ${name}`));
    });
});

describe("each CLI's process: a mistake prints the message and the usage (no stack trace) and exits 2", () => {
    const ROOT = path.resolve(__dirname, "../..");
    const run = (script: string, argv: readonly string[]) =>
        new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...argv], { cwd: ROOT, stdio: "pipe" });
            let stderr = "";
            child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, stderr }));
        });

    // One test, the five processes at once: each loads its whole program through ts-node (seconds apiece).
    test("rollout, replay, traffic, bench and soak", async () => {
        const results = await Promise.all(CLIS.map((c) => run(c.script, [...c.base, "--no-such-flag"])));
        const seen = CLIS.map(({ name }, i) => ({
            name,
            code: results[i].code,
            usage: new RegExp(`^${name}: unknown argument '--no-such-flag'\nusage: npm run ${name}`).test(results[i].stderr),
            stackTrace: /\n\s+at /.test(results[i].stderr),
        }));
        expect(seen).toEqual(CLIS.map(({ name }) => ({ name, code: 2, usage: true, stackTrace: false })));
    }, 120_000);
});

describe("npm run rollout: bad arguments are errors with the usage, never a default", () => {
    test.each([
        ["no stack", START.slice(2), /--stack is required/],
        ["no steps", START.filter((_, i) => i !== 6 && i !== 7), /--steps is required/],
        ["resume and rollback", ["--stack", "s", "--resume", "--rollback"], /exclude each other/],
        [
            "a negative bake",
            [...START.slice(0, 8), "--bake=-1", ...START.slice(10)],
            /--bake must be a number from 1 to 86400 seconds, got '-1'/,
        ],
        ["decreasing steps", [...START.slice(0, 7), "50,10", ...START.slice(8)], /--steps must increase/],
        ["--max-error-rate ''", withValue("--max-error-rate", ""), /--max-error-rate needs a value, got an empty one/],
        ["--min-requests ''", [...START, "--min-requests", ""], /--min-requests needs a value, got an empty one/],
        ["--min-requests ' '", [...START, "--min-requests", " "], /--min-requests needs a value/],
        [
            "--max-error-rate 1000",
            withValue("--max-error-rate", "1000"),
            /--max-error-rate must be a number from 0 to 100 percent, got '1000'/,
        ],
        ["--max-error-rate 1e3", withValue("--max-error-rate", "1e3"), /--max-error-rate must be a number from 0 to 100/],
        ["--max-error-rate -1", withValue("--max-error-rate", "-1"), /--max-error-rate needs a value, and the next argument is a flag/],
        [
            "--max-error-rate=-1",
            [...START.slice(0, 10), "--max-error-rate=-1"],
            /--max-error-rate must be a number from 0 to 100 percent, got '-1'/,
        ],
        ["--min-requests 2.5", [...START, "--min-requests", "2.5"], /--min-requests must be a whole number from 0 to 1000000, got '2.5'/],
        ["--bake 0x10", withValue("--bake", "0x10"), /--bake must be a number from 1 to 86400 seconds, got '0x10'/],
        ["--stack --replay", ["--stack", "--replay", ...START.slice(2)], /--stack needs a value, and the next argument is a flag/],
        ["--stack with no value", missingValue("--stack"), /--stack needs a value/],
        ["--bake with no value", missingValue("--bake"), /--bake needs a value/],
        ["--stack ../etc", withValue("--stack", "../etc"), /--stack '..\/etc' is not a stack name/],
        ["--stack a/b", withValue("--stack", "a/b"), /is not a stack name/],
        ["--stack -x (inline)", ["--stack=-x", ...START.slice(2)], /--stack '-x' is not a stack name/],
        ["a 101-character stack", withValue("--stack", "s".repeat(101)), /is not a stack name: 1-100/],
        ["an unknown flag", [...START, "--fast"], /unknown argument '--fast'/],
        ["a bare word", [...START, "now"], /unexpected argument 'now'/],
        ["a value on a switch", [...START, "--promote=yes"], /'--promote' does not take an argument/],
        ["a flag given twice", [...START, "--bake", "5"], /--bake is given twice/],
    ])("%s", (_label, argv, message) => {
        expect(() => parseRolloutArgs(argv)).toThrow(message);
        expect(() => parseRolloutArgs(argv)).toThrow(/\nusage: npm run rollout/);
    });

    test("the edges of the ranges are accepted", () => {
        expect(parseRolloutArgs([...withValue("--max-error-rate", "100"), "--min-requests", "0"])).toMatchObject({
            maxErrorRatePercent: 100,
            minRequests: 0,
        });
        expect(parseRolloutArgs(withValue("--max-error-rate", "0.5")).maxErrorRatePercent).toBe(0.5);
        expect(parseRolloutArgs(withValue("--stack", "prod.eu_1-a")).stack).toBe("prod.eu_1-a");
    });
});

describe("npm run replay", () => {
    test("the commands with their flags", () => {
        expect(parseReplayArgs(["up", "--stack", "s1", "--offline", "--set", "httpPort=18080", "--set", 'nginx={"a":1}'])).toEqual({
            command: "up",
            stack: "s1",
            offline: true,
            sets: { httpPort: 18080, nginx: { a: 1 } },
        });
        expect(parseReplayArgs(["down"])).toEqual({ command: "down", stack: "dev", offline: false, sets: {} });
        expect(parseReplayArgs(["apply", "--set", "bindAddress=127.0.0.1"]).sets).toEqual({ bindAddress: "127.0.0.1" });
    });

    test.each([
        ["apply --stack (no value)", ["apply", "--stack"], /--stack needs a value/],
        ["--stack --offline", ["up", "--stack", "--offline"], /--stack needs a value, and the next argument is a flag/],
        ["--set (no value)", ["up", "--set"], /--set needs a value/],
        ["--set ''", ["up", "--set", ""], /--set needs a value, got an empty one/],
        ["--set with no '='", ["up", "--set", "httpPort"], /--set 'httpPort' must be KEY=VALUE/],
        ["--set with no key", ["up", "--set", "=3"], /--set '=3' must be KEY=VALUE/],
        ["--set with no value after '='", ["up", "--set", "httpPort="], /--set 'httpPort=' must be KEY=VALUE/],
        ["--stack ../x", ["up", "--stack", "../x"], /--stack '..\/x' is not a stack name/],
        ["no command", [], /a command is required: up, apply or down/],
        ["an unknown command", ["deploy"], /unknown command 'deploy'/],
        ["a second command", ["up", "down"], /unexpected argument 'down'/],
        ["an unknown flag", ["up", "--force"], /unknown argument '--force'/],
    ])("refuses %s, with the usage", (_label, argv, message) => {
        expect(() => parseReplayArgs(argv)).toThrow(message);
        expect(() => parseReplayArgs(argv)).toThrow(/\nusage: npm run replay/);
    });
});

describe("npm run traffic", () => {
    test("defaults and flags", () => {
        expect(parseTrafficArgs([])).toEqual({ stack: "dev", count: 1000, concurrency: 4, fromLog: false, replay: false });
        expect(parseTrafficArgs(["--stack", "s", "-n", "20", "-c", "2", "--from-log", "--replay"])).toEqual({
            stack: "s",
            count: 20,
            concurrency: 2,
            fromLog: true,
            replay: true,
        });
    });

    test.each([
        ["-n ''", ["-n", ""], /-n needs a value, got an empty one/],
        ["-n 0", ["-n", "0"], /-n must be a whole number from 1 to 1000000, got '0'/],
        ["-c ''", ["-c", ""], /-c needs a value/],
        ["-c 0", ["-c", "0"], /-c must be a whole number from 1 to 256, got '0'/],
        ["-c 1.5", ["-c", "1.5"], /-c must be a whole number/],
        ["--stack --replay", ["--stack", "--replay"], /--stack needs a value, and the next argument is a flag/],
        ["--stack (no value)", ["--stack"], /--stack needs a value/],
        ["-n (no value)", ["-n"], /-n needs a value\n/],
        ["-n=5 (a short flag's value follows it directly)", ["-n=5"], /-n must be a whole number from 1 to 1000000, got '=5'/],
        ["--stack ../x", ["--stack", "../x"], /is not a stack name/],
        ["an unknown flag", ["--json"], /unknown argument '--json'/],
    ])("refuses %s, with the usage", (_label, argv, message) => {
        expect(() => parseTrafficArgs(argv)).toThrow(message);
        expect(() => parseTrafficArgs(argv)).toThrow(/\nusage: npm run traffic/);
    });
});

describe("npm run soak", () => {
    test("defaults and flags", () => {
        expect(parseSoakArgs([])).toEqual({ rounds: 20, out: undefined });
        expect(parseSoakArgs(["--rounds", "3", "--out", "t.md"])).toEqual({ rounds: 3, out: "t.md" });
    });

    test.each([
        ["--rounds ''", ["--rounds", ""], /--rounds needs a value, got an empty one/],
        ["--rounds 0", ["--rounds", "0"], /--rounds must be a whole number from 1 to 1000, got '0'/],
        ["--rounds (no value)", ["--rounds"], /--rounds needs a value/],
        ["--out --rounds", ["--out", "--rounds", "2"], /--out needs a value, and the next argument is a flag/],
        ["an unknown flag", ["--round", "2"], /unknown argument '--round'/],
    ])("refuses %s, with the usage", (_label, argv, message) => {
        expect(() => parseSoakArgs(argv)).toThrow(message);
        expect(() => parseSoakArgs(argv)).toThrow(/\nusage: npm run soak/);
    });
});

describe("npm run bench", () => {
    test.each([
        ["--rounds ''", ["--rounds", ""], /--rounds needs a value, got an empty one/],
        ["--stack --quick", ["--stack", "--quick"], /--stack needs a value, and the next argument is a flag/],
        ["--out (no value)", ["--out"], /--out needs a value/],
        ["--stack ../x", ["--stack", "../x"], /--stack '..\/x'/],
        ["an unknown flag", ["--fast"], /unknown argument '--fast'/],
    ])("refuses %s, with the usage", (_label, argv, message) => {
        expect(() => parseBenchArgs(argv)).toThrow(message);
        expect(() => parseBenchArgs(argv)).toThrow(/\nusage: npm run bench/);
    });
});

describe("the rollout state file is checked field by field before --resume or --rollback uses it", () => {
    const STACK = "unit-statecheck";
    const file = rolloutFilePath(PROJECT_ROOT, STACK);
    const applied: ServiceEntry[][] = [];
    const deployer = recordingDeployer(applied);
    const watcher: Watcher = { lines: async () => [] };

    /** A state file as Ctrl-C leaves it while applying the second step, as JSON. */
    function interrupted(): Record<string, unknown> {
        saveInterruptedRollout(file, STACK, "applying");
        return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    }
    /** `data` with the value at `path` (dots and [i]) set to `value`. */
    function edit(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
        const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "");
        let at = data as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) {
            at = at[k] as Record<string, unknown>;
        }
        at[keys[keys.length - 1]] = value;
        return data;
    }

    beforeEach(() => {
        applied.length = 0;
    });
    afterAll(() => rmSync(file, { force: true }));

    const FIELD_CASES: [string, unknown, RegExp][] = [
        ["bakeSec", -100, /bakeSec is -100: must be a number from 1 to 86400 seconds/],
        ["bakeSec", "60", /bakeSec is "60": must be a number/],
        ["state.status", "bogus", /state\.status is "bogus": must be one of running, restoring/],
        ["state.stack", "other", /state\.stack is "other": this is stack unit-statecheck's file/],
        ["state.from", "", /state\.from is "": must be a non-empty string/],
        ["state.promote", "yes", /state\.promote is "yes": must be true or false/],
        ["state.original", [], /state\.original is \[\]: must be the non-empty list/],
        ["state.steps", "x", /state\.steps is "x": must be a non-empty list/],
        ["state.steps[1].status", "done", /state\.steps\[1\]\.status is "done": must be one of pending, applying/],
        ["state.steps[1].targetPercent", 5, /state\.steps\[1\]\.targetPercent is 5: must be above the step before \(10\)/],
        ["state.steps[1].targetPercent", 150, /state\.steps\[1\]\.targetPercent is 150: must be a number from .* to 100 percent/],
        ["state.steps[0].expectedShare", 2, /state\.steps\[0\]\.expectedShare is 2: must be a number from 0 to 1/],
        ["state.steps[1].services[0].weight", 0, /state\.steps\[1\]\.services\[0\]\.weight is 0: must be a whole number from 1 to 100/],
        ["state.steps[1].services[1].replicas", -1, /services\[1\]\.replicas is -1/],
        ["state.steps[1].bakeStartedAt", "yesterday", /state\.steps\[1\]\.bakeStartedAt is "yesterday": must be an ISO time/],
        ["limits.maxErrorRatePercent", 1000, /limits\.maxErrorRatePercent is 1000: must be a number from 0 to 100 percent/],
        ["limits.minRequests", -5, /limits\.minRequests is -5: must be a whole number from 0/],
        ["limits.maxP99Ms", 0, /limits\.maxP99Ms is 0: must be a number from 1/],
        ["limits", null, /limits is null: must be an object/],
    ];

    test.each(FIELD_CASES)(
        "%s = %j is refused on --resume, naming the file, the field, the value and the fix; nothing is applied",
        async (path, value, message) => {
            writeFileSync(file, JSON.stringify(edit(interrupted(), path, value)));
            const before = readFileSync(file, "utf8");
            const run = main(["--stack", STACK, "--resume", "--settle", "0"], () => undefined, { deployer, watcher });
            await expect(run).rejects.toThrow(message);
            await expect(main(["--stack", STACK, "--resume"], () => undefined, { deployer, watcher })).rejects.toThrow(
                new RegExp(`rollout state file ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not usable[^]*fix: edit the field back`),
            );
            expect(applied).toEqual([]);
            expect(readFileSync(file, "utf8")).toBe(before);
        },
    );

    test("--rollback checks the file too", async () => {
        writeFileSync(file, JSON.stringify(edit(interrupted(), "state.status", "bogus")));
        await expect(main(["--stack", STACK, "--rollback"], () => undefined, { deployer, watcher })).rejects.toThrow(
            /state\.status is "bogus"/,
        );
        expect(applied).toEqual([]);
    });

    test("every bad field is reported at once", async () => {
        writeFileSync(file, JSON.stringify(edit(edit(interrupted(), "bakeSec", -100), "state.status", "bogus")));
        await expect(main(["--stack", STACK, "--resume"], () => undefined, { deployer, watcher })).rejects.toThrow(
            /state\.status is "bogus"[^]*bakeSec is -100/,
        );
    });

    test.each([
        ["cut short", (t: string) => t.slice(0, t.length / 2)],
        ["empty", () => ""],
        ["not an object", () => "[1, 2]"],
    ])("a file that is %s is an error naming the file and the fix, not a SyntaxError or TypeError", async (_label, mangle) => {
        interrupted();
        writeFileSync(file, mangle(readFileSync(file, "utf8")));
        const err = await main(["--stack", STACK, "--resume"], () => undefined, { deployer, watcher }).catch((e: Error) => e);
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).constructor).toBe(Error);
        expect((err as Error).message).toContain(`rollout state file ${file}`);
        expect((err as Error).message).toMatch(/fix: edit the field back .* or move the file away/);
        expect(applied).toEqual([]);
    });

    test("an untouched file still resumes", async () => {
        interrupted();
        const ok: Watcher = {
            lines: async () => [
                { host: "h", addrs: ["a:8000"], answeredBy: "a:8000", request: "GET /", status: 200, service: "canary", requestMs: 3 },
            ],
        };
        expect(await main(["--stack", STACK, "--resume", "--settle", "0"], () => undefined, { deployer, watcher: ok })).toBe(0);
        expect(applied).toHaveLength(1);
    });
});
