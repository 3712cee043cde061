// Issue 18, finding 12: under Pulumi's real Node language runtime, a config error shows its message once,
// with no stack trace (the runtime hides the stack of a RunError: @pulumi/pulumi cmd/run/run.js).
import * as pulumi from "@pulumi/pulumi";
import { evaluate, PROGRAM_ROOT } from "../../evaluation/evaluate";
import { runUnderNodeRuntime } from "../support/fakeMonitor";

const PROBLEM = "webstack:services[0].weight: got 0; must be an integer from 1 to 100";

test("the program's config error is a RunError", async () => {
    const ev = await evaluate({ services: [{ name: "a", weight: 0 }] });
    expect(pulumi.RunError.isInstance(ev.error)).toBe(true);
    expect(ev.resources).toHaveLength(0);
});

test("the real Node runtime prints the problem list once, without a stack trace", async () => {
    const run = await runUnderNodeRuntime(PROGRAM_ROOT, {
        "webstack:services": JSON.stringify([{ name: "a", weight: 0 }]),
        "webstack:httpPort": "0",
    });
    const out = `${run.stdout}\n${run.stderr}`;
    // The runtime's exit code for "failed after logging a message the user can act on".
    expect(run.code).toBe(32);
    expect(out.split(PROBLEM).length - 1).toBe(1);
    expect(out.split("webstack:httpPort: got").length - 1).toBe(1);
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain("unhandled exception");
    // Nothing but the root Stack was registered.
    expect(run.registered).toEqual(["pulumi:pulumi:Stack"]);
}, 240_000);
