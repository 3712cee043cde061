// Scale-up on the real engine: one more replica of the last service, planned (e2e/plan) and applied
// (applyPlan) under load; measures the new container's start to the first request it serves.
import { inspectContainer, sleep } from "../e2e/docker";
import { planDiff } from "../e2e/plan";
import { applyPlan } from "../e2e/replay";
import { LoadLoop } from "../e2e/traffic";
import { DEFAULT_SERVICES } from "../lib/defaults";
import type { ServiceSpec } from "../lib/types";
import { OursUp, appContainers, evaluateOurs } from "./ours";
import type { ScaleResult } from "./result";

/** The services with one more replica of the last one. */
export function plusOneReplica(services: readonly Partial<ServiceSpec>[]): Partial<ServiceSpec>[] {
    return services.map((s, i) => (i === services.length - 1 ? { ...s, replicas: (s.replicas ?? 1) + 1 } : { ...s }));
}

export async function measureScaleUp(s: OursUp, waitMs = 20_000): Promise<{ result: ScaleResult; up: OursUp }> {
    const services = plusOneReplica((s.config.services as Partial<ServiceSpec>[] | undefined) ?? DEFAULT_SERVICES);
    const config = { ...s.config, services };
    const after = await evaluateOurs(s.stack, config);
    const plan = planDiff(s.ev, after);
    const c = plan.counts;
    if (c.create !== 1 || c.update + c.replace + c.delete !== 0) {
        throw new Error(`scale-up plan is not exactly one create: ${JSON.stringify(c)}`);
    }
    const before = new Set(s.apps);
    const added = appContainers(after)
        .map((r) => String(r.inputs.name))
        .find((n) => !before.has(n))!;
    const loop = new LoadLoop(s.url, 4, 60);
    try {
        await sleep(500);
        await applyPlan(s.state, plan, after);
        const started = Date.parse((await inspectContainer(added)).State.StartedAt);
        const deadline = Date.now() + waitMs;
        while (Date.now() < deadline && !loop.replies.some((r) => r.container === added)) {
            await sleep(100);
        }
        const replies = await loop.stop();
        const first = replies.find((r) => r.container === added);
        if (!first) {
            throw new Error(`the new replica ${added} served nothing within ${waitMs / 1000}s of the apply`);
        }
        const result = {
            firstServedMs: first.at - started,
            requests: replies.length,
            failures: replies.filter((r) => r.status !== 200).length,
        };
        return { result, up: { ...s, config, ev: after, apps: [...s.apps, added] } };
    } finally {
        await loop.stop();
    }
}
