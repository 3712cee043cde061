// When each step of a plan runs, the way the Pulumi engine orders an update (pulumi/pulumi
// pkg/resource/deploy: step_generator.go, step_executor.go, deployment_executor.go):
// - a resource's step starts once the resources it depends on have finished theirs (the SDK registers a
//   resource only when its inputs resolve); independent steps run in parallel, at most `parallel` at
//   once (`--parallel`, default 4 x CPUs: pkg/cmd/pulumi/operations/up.go defaultParallel);
// - delete-before-replace: the old resource is deleted, then the new one created, in that resource's turn;
// - create-before-delete replacement: the new one is created in its turn; the old one is deleted at the end;
// - deletes (resources no longer declared, and old halves of replacements) run after every other step has
//   finished (performPostSteps), in reverse dependency order: antichains, each run in parallel
//   (ScheduleDeletes);
// - a failed step stops the update: steps not yet started never start, and nothing is deleted.
import { cpus } from "os";
import type { DeclaredResource } from "../evaluation/evaluate";
import type { Plan, PlanStep } from "./plan";

/** What the steps do; the replay implements it against the Docker engine, tests with a recorder. */
export interface StepActions {
    create(next: DeclaredResource): Promise<void>;
    update(prev: DeclaredResource, next: DeclaredResource, step: PlanStep): Promise<void>;
    /** Deletes `old`; `replacing` when it is the old half of a replacement. */
    delete(old: DeclaredResource, replacing: boolean): Promise<void>;
    /**
     * The step as `pulumi up` finds it once the resource's dependencies are done: the program then sees
     * real outputs (e.g. an image rebuilt to the same ID), which preview only knew as unknown.
     * Undefined: nothing left to do. Default: the planned step.
     */
    refine?(prev: DeclaredResource, next: DeclaredResource, planned: PlanStep): PlanStep | undefined;
}

/** The engine's default --parallel: 4 x CPUs, or PULUMI_PARALLEL. */
export function defaultParallel(): number {
    const env = Number(process.env.PULUMI_PARALLEL);
    return Number.isInteger(env) && env > 0 ? env : 4 * cpus().length;
}

const key = (r: Pick<DeclaredResource, "type" | "name">) => `${r.type}::${r.name}`;

/** URNs of the custom resources `r` waits for: its dependencies, components expanded to their custom descendants. */
export function customDependencies(r: DeclaredResource, all: readonly DeclaredResource[]): string[] {
    const byUrn = new Map(all.map((x) => [x.urn, x]));
    const out = new Set<string>();
    const descendants = (urn: string): DeclaredResource[] => all.filter((x) => x.parent === urn).flatMap((x) => [x, ...descendants(x.urn)]);
    for (const dep of r.dependencies) {
        const d = byUrn.get(dep);
        if (!d) {
            continue;
        }
        if (d.custom) {
            out.add(dep);
        } else {
            descendants(dep)
                .filter((x) => x.custom)
                .forEach((x) => out.add(x.urn));
        }
    }
    out.delete(r.urn);
    return [...out];
}

/** Deletion rounds: each round may run in parallel; a resource goes only after everything that depends on it. */
export function deleteRounds(condemned: readonly DeclaredResource[], all: readonly DeclaredResource[]): DeclaredResource[][] {
    const left = new Set(condemned);
    const rounds: DeclaredResource[][] = [];
    while (left.size > 0) {
        // Forward: a resource is ready once none of its (condemned) dependencies remain; reversed below.
        const round = [...left].filter((r) => !customDependencies(r, all).some((u) => [...left].some((x) => x.urn === u && x !== r)));
        if (round.length === 0) {
            throw new Error(`dependency cycle among ${[...left].map((r) => r.name).join(", ")}`);
        }
        round.forEach((r) => left.delete(r));
        rounds.push(round);
    }
    return rounds.reverse();
}

/** A counting semaphore: at most `n` steps run at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
    let running = 0;
    const waiting: (() => void)[] = [];
    return async (fn) => {
        while (running >= n) {
            await new Promise<void>((r) => waiting.push(r));
        }
        running++;
        try {
            return await fn();
        } finally {
            running--;
            waiting.shift()?.();
        }
    };
}

/** Runs `plan` (from `before` to `after`) with `actions`, in the engine's order. */
export async function runPlan(
    plan: Plan,
    before: readonly DeclaredResource[],
    after: readonly DeclaredResource[],
    actions: StepActions,
    parallel = defaultParallel(),
): Promise<void> {
    const steps = new Map(plan.steps.map((s) => [key(s), s]));
    const old = new Map(before.filter((r) => r.custom).map((r) => [key(r), r]));
    const limit = limiter(parallel);
    const done = new Map<string, Promise<void>>();
    const pendingDeletes: DeclaredResource[] = [];
    let failed: unknown;

    const turn = async (r: DeclaredResource): Promise<void> => {
        await Promise.all(customDependencies(r, after).map((u) => done.get(u)));
        const planned = steps.get(key(r));
        const prev = old.get(key(r));
        const step = planned && prev && actions.refine ? actions.refine(prev, r, planned) : planned;
        if (!step || failed !== undefined) {
            return;
        }
        await limit(async () => {
            if (failed !== undefined) {
                return;
            }
            try {
                if (step.op === "create") {
                    await actions.create(r);
                } else if (step.op === "update") {
                    await actions.update(prev!, r, step);
                } else if (step.op === "replace" && step.deleteBeforeReplace) {
                    await actions.delete(prev!, true);
                    await actions.create(r);
                } else if (step.op === "replace") {
                    await actions.create(r);
                    pendingDeletes.push(prev!);
                }
            } catch (e) {
                failed ??= e;
                throw e;
            }
        });
    };
    // Register every declared resource; each waits for its own dependencies.
    for (const r of after.filter((x) => x.custom)) {
        done.set(
            r.urn,
            turn(r).catch(() => undefined),
        );
    }
    await Promise.all(done.values());
    if (failed !== undefined) {
        throw failed;
    }
    const gone = plan.steps.filter((s) => s.op === "delete").map((s) => old.get(key(s))!);
    for (const round of deleteRounds([...gone, ...pendingDeletes], before)) {
        await Promise.all(round.map((r) => limit(() => actions.delete(r, pendingDeletes.includes(r)))));
    }
}
