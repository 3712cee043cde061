import { parseRolloutArgs } from "../../rollout/cli";

const START = ["--stack", "dev", "--from", "stable", "--to", "canary", "--steps", "5,25,50,100", "--bake", "60", "--max-error-rate", "1"];

describe("npm run rollout arguments", () => {
    test("the issue's command line, with the defaults it leaves out", () => {
        expect(parseRolloutArgs(START)).toEqual({
            stack: "dev",
            from: "stable",
            to: "canary",
            steps: [5, 25, 50, 100],
            bakeSec: 60,
            settleSec: 5,
            maxErrorRatePercent: 1,
            minRequests: 20,
            promote: false,
            replay: false,
            mode: "start",
        });
    });

    test("options and flags", () => {
        expect(parseRolloutArgs([...START, "--max-p99-ms", "250", "--min-requests", "0", "--promote", "--replay"])).toMatchObject({
            maxP99Ms: 250,
            minRequests: 0,
            promote: true,
            replay: true,
        });
    });

    test("--resume and --rollback need only the stack", () => {
        expect(parseRolloutArgs(["--stack", "dev", "--resume"]).mode).toBe("resume");
        expect(parseRolloutArgs(["--stack", "dev", "--rollback", "--replay"])).toMatchObject({ mode: "rollback", replay: true });
    });

    test.each([
        ["no stack", START.slice(2), /--stack is required/],
        ["no steps", START.filter((_, i) => i !== 6 && i !== 7), /--steps is required/],
        ["resume and rollback", ["--stack", "s", "--resume", "--rollback"], /exclude each other/],
        ["a negative bake", [...START.slice(0, 9), "-1", ...START.slice(10)], /--bake: expected a number ≥ 1/],
        ["an unknown flag", [...START, "--fast"], /unknown argument '--fast'/],
        ["decreasing steps", [...START.slice(0, 7), "50,10", ...START.slice(8)], /--steps must increase/],
    ])("refuses %s", (_label, argv, message) => {
        expect(() => parseRolloutArgs(argv)).toThrow(message);
    });
});
