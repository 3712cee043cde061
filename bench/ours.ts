// Our stack, exactly as the program declares it: mock evaluation, then the real-engine replay, on
// the offline bases. Overrides are stack config (services, nginx tuning), so sweeps need no code.
import * as path from "path";
import { DeclaredResource, Evaluation, evaluate } from "../e2e/evaluate";
import { ReplayState, replay, teardown } from "../e2e/replay";
import { OFFLINE_BASES } from "../e2e/stackFile";
import { waitServing } from "./host";
import { DeclarationPatch, patchEvaluation, roleOf } from "./patch";

export const ROOT = path.resolve(__dirname, "..");
const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/image:Image";

export interface OursUp {
    readonly stack: string;
    readonly config: Record<string, unknown>;
    readonly ev: Evaluation;
    readonly state: ReplayState;
    readonly url: string;
    readonly nginx: string;
    /** Docker names of the app containers. */
    readonly apps: readonly string[];
    /** Built app image ID. */
    readonly appImage: string;
}

/** The declared app containers (role label "app"; not nginx nor its config container). */
export function appContainers(ev: Evaluation): DeclaredResource[] {
    return ev.resources.filter((r) => r.type === CONTAINER && roleOf(r) === "app");
}

/** The declared app image. */
export function appImageResource(ev: Evaluation): DeclaredResource {
    const r = ev.resources.find((x) => x.type === IMAGE && String(x.inputs.imageName).startsWith("webstack-app:"));
    if (!r) {
        throw new Error("the program declares no app image");
    }
    return r;
}

export async function evaluateOurs(stack: string, config: Record<string, unknown>): Promise<Evaluation> {
    const ev = await evaluate({ ...OFFLINE_BASES, ...config }, { stack });
    if (ev.error) {
        throw ev.error;
    }
    return ev;
}

/**
 * Brings stack `stack` up with `config` (replacing whatever of it was running) and waits until it
 * serves. `patch` (sweeps only) changes what the program declared before the replay.
 */
export async function upOurs(stack: string, config: Record<string, unknown>, patch?: DeclarationPatch): Promise<OursUp> {
    const full = { ...OFFLINE_BASES, ...config };
    const declared = await evaluateOurs(stack, full);
    const ev = patch ? patchEvaluation(declared, patch) : declared;
    await teardown("webstack", stack);
    const state = await replay(ev, { root: ROOT });
    const url = String(ev.outputs!.url);
    await waitServing(url);
    return {
        stack,
        config: full,
        ev,
        state,
        url,
        nginx: `webstack-${stack}-nginx`,
        apps: appContainers(ev).map((r) => String(r.inputs.name)),
        appImage: state.ids.get(appImageResource(ev).urn)!,
    };
}

export function downOurs(stack: string): Promise<number> {
    return teardown("webstack", stack);
}
