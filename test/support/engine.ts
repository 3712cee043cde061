// Shared fixtures of the real-engine suites: bring a stack config up through the replay, tear it
// down by label, and skip (outside CI only) when globalSetup found no engine.
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { cli, inspectContainer, logs } from "../../replay/docker";
import { LABEL } from "../../components/labels";
import { ReplayState, replay, teardown } from "../../replay/replay";
import { saveReplayConfig } from "../../replay/state";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { parseUpstreamLog } from "../../traffic/traffic";

export const ROOT = path.resolve(__dirname, "../..");
export const SKIP_FILE = path.join(ROOT, ".webstack", "engine-skip");

/** `describe`, or a skip that says why when globalSetup found no engine. */
export function describeEngine(name: string, fn: () => void): void {
    if (existsSync(SKIP_FILE)) {
        const reason = readFileSync(SKIP_FILE, "utf8");
        describe.skip(`${name} (skipped: ${reason})`, fn);
    } else {
        describe(name, fn);
    }
}

export interface UpStack {
    readonly stack: string;
    readonly config: Record<string, unknown>;
    readonly ev: Evaluation;
    readonly state: ReplayState;
    readonly url: string;
    readonly nginx: string;
}

/** Evaluates `config` (on the offline bases) as stack `stack` and replays it on the engine. */
export async function upStack(stack: string, config: Record<string, unknown>): Promise<UpStack> {
    const full = { ...OFFLINE_BASES, ...testPorts(config), ...config };
    const ev = await evaluate(full, { stack });
    if (ev.error) {
        throw ev.error;
    }
    await teardown("webstack", stack);
    const state = await replay(ev, { root: ROOT, log: () => undefined });
    saveReplayConfig(stack, full);
    return { stack, config: full, ev, state, url: String(ev.outputs!.url), nginx: `webstack-${stack}-nginx` };
}

/** The https port a test stack reserves: its http port + 1000, so stacks of one run never share the default 8443. */
export function testPorts(config: Record<string, unknown>): { httpsPort?: number } {
    return config.httpPort !== undefined && config.httpsPort === undefined ? { httpsPort: Number(config.httpPort) + 1000 } : {};
}

export function downStack(stack: string): Promise<number> {
    return teardown("webstack", stack);
}

/** IP address -> container name, for the app containers of a stack network. */
export async function addressBook(names: readonly string[]): Promise<Map<string, { container: string; service: string }>> {
    const book = new Map<string, { container: string; service: string }>();
    for (const name of names) {
        const info = await inspectContainer(name);
        for (const net of Object.values(info.NetworkSettings.Networks)) {
            book.set(`${net.IPAddress}:8000`, { container: name, service: info.Config.Labels["webstack.service"] });
        }
    }
    return book;
}

/** Services that answered, per nginx upstreamlog line since `sinceSec`, mapped through `book`. */
export async function servicesFromLog(nginx: string, sinceSec: number, book: Map<string, { service: string }>): Promise<string[]> {
    const lines = parseUpstreamLog(await logs(nginx, sinceSec));
    return lines.map((l) => {
        const hit = book.get(l.answeredBy);
        if (!hit) {
            throw new Error(`nginx log names ${l.answeredBy}, which is no app container of the stack`);
        }
        return hit.service;
    });
}

/** Builds one of our build contexts (relative to ROOT) on an offline base: the classic builder (no buildx here), no network. */
export async function buildOffline(tag: string, context: string, base: string): Promise<void> {
    await cli(["build", "--tag", tag, "--network", "none", "--build-arg", `BASE_IMAGE=${base}`, path.join(ROOT, context)], {
        env: { DOCKER_BUILDKIT: "0" },
    });
}

/** Removes a hand-run test stack: every container labelled with the stack, then its network. */
export async function removeTestStack(stack: string, network: string): Promise<void> {
    const ids = (await cli(["ps", "-aq", "--filter", `label=${LABEL.stack}=${stack}`])).split("\n").filter(Boolean);
    if (ids.length > 0) {
        await cli(["rm", "-f", ...ids]);
    }
    await cli(["network", "rm", network]).catch(() => undefined);
}
