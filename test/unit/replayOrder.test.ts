// The replay runs a plan's steps in the order the Pulumi engine does (pulumi/pulumi pkg/resource/deploy):
// each test names the file the rule comes from. Runs without Docker: the steps are recorded.
import type { DeclaredResource } from "../../evaluation/evaluate";
import type { Plan, PlanStep } from "../../replay/plan";
import { deleteRounds, runPlan } from "../../replay/stepOrder";

const T = "docker:index/container:Container";
const res = (name: string, dependencies: string[] = [], extra: Partial<DeclaredResource> = {}): DeclaredResource => ({
    type: T,
    name,
    custom: true,
    inputs: { name },
    state: {},
    id: name,
    parent: "",
    dependencies: dependencies.map((d) => `urn:${d}`),
    deleteBeforeReplace: false,
    urn: `urn:${name}`,
    ...extra,
});
const step = (op: PlanStep["op"], name: string, extra: Partial<PlanStep> = {}): PlanStep => ({
    op,
    type: T,
    name,
    changedKeys: [],
    ...extra,
});
const plan = (...steps: PlanStep[]): Plan => ({ steps, counts: { create: 0, delete: 0, update: 0, replace: 0, same: 0 } });

/** Records "start X"/"end X" events; each step takes `ms` (default 20). */
function recorder(ms: Record<string, number> = {}, fail?: string) {
    const events: string[] = [];
    const act = (what: string) => async (r: DeclaredResource) => {
        events.push(`start ${what} ${r.name}`);
        await new Promise((ok) => setTimeout(ok, ms[r.name] ?? 20));
        if (fail === `${what} ${r.name}`) {
            throw new Error(`boom ${r.name}`);
        }
        events.push(`end ${what} ${r.name}`);
    };
    return {
        events,
        actions: {
            create: act("create"),
            update: (_p: DeclaredResource, n: DeclaredResource) => act("update")(n),
            delete: (r: DeclaredResource) => act("delete")(r),
        },
    };
}
const at = (events: string[], e: string) => {
    const i = events.indexOf(e);
    if (i < 0) throw new Error(`no event ${e} in ${events.join(", ")}`);
    return i;
};

describe("step order (step_executor.go, step_generator.go, deployment_executor.go)", () => {
    test("independent creates run in parallel (step_executor.go: chains on parallel workers)", async () => {
        const rec = recorder();
        await runPlan(plan(step("create", "a"), step("create", "b")), [], [res("a"), res("b")], rec.actions, 8);
        expect(at(rec.events, "start create b")).toBeLessThan(at(rec.events, "end create a"));
    });

    test("a resource waits for what it depends on (the SDK registers it once its inputs resolve)", async () => {
        const rec = recorder();
        await runPlan(plan(step("create", "net"), step("create", "app")), [], [res("net"), res("app", ["net"])], rec.actions, 8);
        expect(at(rec.events, "start create app")).toBeGreaterThan(at(rec.events, "end create net"));
    });

    test("a component dependency waits for the component's custom children", async () => {
        const rec = recorder();
        const component = res("comp", [], { custom: false });
        const child = res("child", [], { parent: "urn:comp" });
        await runPlan(plan(step("create", "child"), step("create", "user")), [], [component, child, res("user", ["comp"])], rec.actions, 8);
        expect(at(rec.events, "start create user")).toBeGreaterThan(at(rec.events, "end create child"));
    });

    test("no more than --parallel steps at once (up.go defaultParallel)", async () => {
        const rec = recorder();
        const names = ["a", "b", "c"];
        await runPlan(
            plan(...names.map((n) => step("create", n))),
            [],
            names.map((n) => res(n)),
            rec.actions,
            1,
        );
        expect(rec.events).toEqual(["start create a", "end create a", "start create b", "end create b", "start create c", "end create c"]);
    });

    test("deletes wait until every create and update has finished (performPostSteps)", async () => {
        const rec = recorder({ slow: 80 });
        await runPlan(plan(step("create", "slow"), step("delete", "old")), [res("old")], [res("slow")], rec.actions, 8);
        expect(at(rec.events, "start delete old")).toBeGreaterThan(at(rec.events, "end create slow"));
    });

    test("create-before-delete replacement: the new one first, the old one deleted at the end", async () => {
        const rec = recorder();
        await runPlan(plan(step("replace", "x", { deleteBeforeReplace: false })), [res("x")], [res("x")], rec.actions, 8);
        expect(rec.events).toEqual(["start create x", "end create x", "start delete x", "end delete x"]);
    });

    test("delete-before-replace: the old one deleted first, in the resource's own turn", async () => {
        const rec = recorder({ other: 80 });
        await runPlan(
            plan(step("replace", "x", { deleteBeforeReplace: true }), step("create", "other")),
            [res("x")],
            [res("x"), res("other")],
            rec.actions,
            8,
        );
        expect(at(rec.events, "end delete x")).toBeLessThan(at(rec.events, "start create x"));
        expect(at(rec.events, "end create x")).toBeLessThan(at(rec.events, "end create other"));
    });

    test("independent replacements run in parallel (a multi-service code deploy)", async () => {
        const rec = recorder();
        const names = ["app1-1", "app2-1"];
        await runPlan(
            plan(...names.map((n) => step("replace", n, { deleteBeforeReplace: true }))),
            names.map((n) => res(n)),
            names.map((n) => res(n)),
            rec.actions,
            8,
        );
        expect(at(rec.events, "start delete app2-1")).toBeLessThan(at(rec.events, "end create app1-1"));
    });

    test("deletes go in reverse dependency order, independent ones together (ScheduleDeletes)", () => {
        const net = res("net");
        const a = res("a", ["net"]);
        const b = res("b", ["net"]);
        expect(deleteRounds([net, a, b], [net, a, b]).map((round) => round.map((r) => r.name).sort())).toEqual([["a", "b"], ["net"]]);
    });

    test("a failed step stops the update: nothing later starts and nothing is deleted", async () => {
        const rec = recorder({}, "create net");
        await expect(
            runPlan(
                plan(step("create", "net"), step("create", "app"), step("delete", "old")),
                [res("old")],
                [res("net"), res("app", ["net"])],
                rec.actions,
                8,
            ),
        ).rejects.toThrow("boom net");
        expect(rec.events.filter((e) => e.includes("app") || e.includes("old"))).toEqual([]);
    });

    test("refine can drop a step once the dependencies are built (same image ID: no replace)", async () => {
        const rec = recorder();
        await runPlan(
            plan(step("replace", "x", { deleteBeforeReplace: true })),
            [res("x")],
            [res("x")],
            { ...rec.actions, refine: () => undefined },
            8,
        );
        expect(rec.events).toEqual([]);
    });
});
