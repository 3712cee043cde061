// Replays the docker:* resources a mock evaluation declared on the real Docker engine, the way the
// Pulumi Docker provider would create them. Every declared input is either applied or refused: an
// input this file does not know fails the replay loudly instead of being silently dropped.
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import type { DeclaredResource, Evaluation } from "./evaluate";
import { ContainerInfo, api, cli, containersByLabel, inspectContainer, networksByLabel, removeContainer, sleep } from "./docker";
import { Plan } from "./plan";

export class ReplayError extends Error {
    constructor(resource: Pick<DeclaredResource, "type" | "name">, message: string) {
        super(`${resource.type} ${resource.name}: ${message}`);
        this.name = "ReplayError";
    }
}

const IMAGE = "docker:index/image:Image";
const NETWORK = "docker:index/network:Network";
const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
/** Creation order: what containers refer to comes first. */
const ORDER = [IMAGE, NETWORK, VOLUME, CONTAINER];

export interface ReplayOptions {
    /** Folder the program runs in; build contexts are relative to it. */
    readonly root: string;
    /** Progress lines. Default: none. */
    readonly log?: (line: string) => void;
}

/** What a replay created, and how mocked outputs map to real values. */
export class ReplayState {
    /** Mocked output value -> real value (e.g. the mocked repoDigest -> the built image ID). */
    readonly refs = new Map<string, string>();
    /** Resource URN -> real Docker ID. */
    readonly ids = new Map<string, string>();
    /** Last applied declaration per URN. */
    readonly declared = new Map<string, DeclaredResource>();
    constructor(readonly options: ReplayOptions) {}
    log(line: string): void {
        this.options.log?.(line);
    }
}

/** Creates every declared docker resource of an evaluation, in dependency order. */
export async function replay(ev: Evaluation, options: ReplayOptions): Promise<ReplayState> {
    if (ev.error) {
        throw new Error(`the program failed, nothing to replay: ${ev.error.message}`);
    }
    const state = new ReplayState(options);
    const custom = ev.resources.filter((r) => r.custom);
    const foreign = custom.filter((r) => !ORDER.includes(r.type));
    if (foreign.length > 0) {
        throw new ReplayError(foreign[0], "the replay applies docker images, networks and containers only");
    }
    for (const type of ORDER) {
        // Containers start in parallel, as the engine would create them.
        await Promise.all(custom.filter((r) => r.type === type).map((r) => create(state, r)));
    }
    return state;
}

/** Applies a plan (from planDiff) between the evaluation last replayed and `after`. */
export async function applyPlan(state: ReplayState, plan: Plan, after: Evaluation): Promise<void> {
    const byName = new Map(after.resources.map((r) => [`${r.type}::${r.name}`, r]));
    const declaredByName = new Map([...state.declared.values()].map((r) => [`${r.type}::${r.name}`, r]));
    for (const step of plan.steps) {
        const next = byName.get(`${step.type}::${step.name}`);
        const prev = declaredByName.get(`${step.type}::${step.name}`);
        if (step.op === "create") {
            await create(state, next!);
        } else if (step.op === "delete") {
            await destroy(state, prev!);
        } else if (step.op === "replace" && step.type === CONTAINER) {
            // Fixed names and ports force delete-before-replace, as the program declares.
            if (!next!.deleteBeforeReplace) {
                throw new ReplayError(next!, "replacing a container without deleteBeforeReplace would collide on its name");
            }
            await destroy(state, prev!);
            await create(state, next!);
        } else if (step.op === "update" && step.type === IMAGE) {
            await create(state, next!);
        } else {
            throw new ReplayError(next ?? prev!, `the replay cannot ${step.op} this resource (changed: ${step.changedKeys.join(", ")})`);
        }
    }
}

async function create(state: ReplayState, r: DeclaredResource): Promise<void> {
    const inputs = substitute(state, r.inputs) as Record<string, unknown>;
    if (r.type === IMAGE) {
        await buildImage(state, r, inputs);
    } else if (r.type === NETWORK) {
        await createNetwork(state, r, inputs);
    } else if (r.type === VOLUME) {
        await createVolume(state, r, inputs);
    } else {
        await createContainer(state, r, inputs);
    }
    state.declared.set(r.urn, r);
}

async function destroy(state: ReplayState, r: DeclaredResource): Promise<void> {
    const id = state.ids.get(r.urn);
    if (r.type === CONTAINER && id) {
        // The provider stops with destroyGraceSeconds (stop signal, then SIGKILL) before removing.
        const grace = r.inputs.destroyGraceSeconds as number | undefined;
        state.log(`stop ${r.inputs.name} (grace ${grace ?? 0}s) and remove`);
        await removeContainer(id, grace ?? 0);
    } else if (r.type === NETWORK && id) {
        await api("DELETE", `/networks/${id}`);
    } else if (r.type === VOLUME && id) {
        await api("DELETE", `/volumes/${encodeURIComponent(id)}`);
    }
    state.ids.delete(r.urn);
    state.declared.delete(r.urn);
}

/** Removes every container and network labelled with this project and stack, even after a failure. */
export async function teardown(project: string, stack: string, log?: (line: string) => void): Promise<number> {
    const labels = { "webstack.project": project, "webstack.stack": stack };
    const containers = await containersByLabel(labels);
    await Promise.all(containers.map((c) => removeContainer(c.Id, undefined)));
    const networks = await networksByLabel(labels);
    for (const n of networks) {
        await api("DELETE", `/networks/${n.Id}`);
    }
    const volumes = await removeVolumesByLabel(labels);
    log?.(`removed ${containers.length} containers, ${networks.length} networks and ${volumes} volumes of ${project}/${stack}`);
    return containers.length + networks.length + volumes;
}

// ---- inputs -> Docker ----------------------------------------------------------------------------

/** Throws for any key of `obj` outside `known`: the replay never drops what was declared. */
function only(r: DeclaredResource, where: string, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
        if (obj[key] !== undefined && !known.includes(key)) {
            throw new ReplayError(
                r,
                `declared input ${where}${key} = ${JSON.stringify(obj[key])} is not applied by the replay; teach e2e/replay.ts to apply it`,
            );
        }
    }
}

function substitute(state: ReplayState, value: unknown): unknown {
    if (typeof value === "string") {
        return state.refs.get(value) ?? value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => substitute(state, v));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(state, v)]));
    }
    return value;
}

async function buildImage(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    // buildOnPreview only matters to `pulumi preview`; a replay is an apply.
    only(r, "", i, ["imageName", "build", "skipPush", "buildOnPreview"]);
    if (i.skipPush !== true) {
        throw new ReplayError(r, "the replay cannot push to a registry (skipPush must be true)");
    }
    const b = (i.build ?? {}) as Record<string, unknown>;
    only(r, "build.", b, ["context", "dockerfile", "args", "platform", "target"]);
    const context = path.resolve(state.options.root, (b.context as string | undefined) ?? ".");
    // v4+ resolves a relative dockerfile against the program's folder, not the context.
    const dockerfile = path.resolve(state.options.root, (b.dockerfile as string | undefined) ?? path.join(context, "Dockerfile"));
    const args = ["build", "--tag", i.imageName as string, "--file", dockerfile];
    for (const [k, v] of Object.entries((b.args ?? {}) as Record<string, string>)) {
        args.push("--build-arg", `${k}=${v}`);
    }
    if (b.platform) {
        args.push("--platform", b.platform as string);
    }
    if (b.target) {
        args.push("--target", b.target as string);
    }
    // No network for RUN steps: proves the build needs nothing from outside this machine.
    args.push("--network", "none", context);
    const started = Date.now();
    await cli(args);
    const id = (await cli(["image", "inspect", "--format", "{{.Id}}", i.imageName as string])).trim();
    state.log(`built ${i.imageName} (${id.slice(0, 19)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    state.refs.set(r.state.repoDigest as string, id);
    state.ids.set(r.urn, id);
}

async function createNetwork(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    only(r, "", i, ["name", "driver", "labels", "internal", "attachable", "options"]);
    const res = await api<{ Id: string }>("POST", "/networks/create", {
        Name: i.name,
        Driver: i.driver ?? "bridge",
        Internal: i.internal ?? false,
        Attachable: i.attachable ?? false,
        Options: i.options ?? {},
        Labels: labelsOf(i.labels),
        CheckDuplicate: true,
    });
    state.ids.set(r.urn, res.Id);
    state.log(`network ${i.name}`);
}

// ---- volumes (the local nginx config volume) ------------------------------------------------------

async function createVolume(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    only(r, "", i, ["name", "labels", "driver", "driverOpts"]);
    const res = await api<{ Name: string }>("POST", "/volumes/create", {
        Name: i.name,
        Driver: i.driver ?? "local",
        DriverOpts: i.driverOpts ?? {},
        Labels: labelsOf(i.labels),
    });
    state.ids.set(r.urn, res.Name);
    state.log(`volume ${res.Name}`);
}

/** Removes the volumes carrying every given label; returns how many. */
async function removeVolumesByLabel(labels: Readonly<Record<string, string>>): Promise<number> {
    const filters = JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    const found = await api<{ Volumes: { Name: string }[] | null }>("GET", `/volumes?filters=${encodeURIComponent(filters)}`);
    const volumes = found.Volumes ?? [];
    for (const v of volumes) {
        await api("DELETE", `/volumes/${encodeURIComponent(v.Name)}`);
    }
    return volumes.length;
}

const CONTAINER_KEYS = [
    "name",
    "image",
    "command",
    "entrypoints",
    "envs",
    "user",
    "hostname",
    "workingDir",
    "labels",
    "ports",
    "networksAdvanced",
    "healthcheck",
    "restart",
    "maxRetryCount",
    "readOnly",
    "tmpfs",
    "capabilities",
    "securityOpts",
    "logDriver",
    "logOpts",
    "stopSignal",
    "stopTimeout",
    "memory",
    "memorySwap",
    "cpuShares",
    "init",
    "mounts",
    "uploads",
    "dns",
    "hosts",
    "shmSize",
    // Provider-side behaviour, applied by this file: waiting, start, teardown grace.
    "wait",
    "waitTimeout",
    "mustRun",
    "start",
    "destroyGraceSeconds",
    "removeVolumes",
] as const;

async function createContainer(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    only(r, "", i, CONTAINER_KEYS);
    const ports = (i.ports ?? []) as Record<string, unknown>[];
    const networks = (i.networksAdvanced ?? []) as Record<string, unknown>[];
    ports.forEach((p) => only(r, "ports[].", p, ["internal", "external", "ip", "protocol"]));
    networks.forEach((n) => only(r, "networksAdvanced[].", n, ["name", "aliases"]));
    const hc = i.healthcheck as Record<string, unknown> | undefined;
    if (hc) {
        only(r, "healthcheck.", hc, ["tests", "interval", "timeout", "retries", "startPeriod"]);
    }
    const caps = (i.capabilities ?? {}) as Record<string, unknown>;
    only(r, "capabilities.", caps, ["adds", "drops"]);
    const mounts = (i.mounts ?? []) as Record<string, unknown>[];
    mounts.forEach((m) => only(r, "mounts[].", m, ["target", "type", "source", "readOnly"]));
    const hosts = (i.hosts ?? []) as { host: string; ip: string }[];
    const portKey = (p: Record<string, unknown>) => `${p.internal}/${(p.protocol as string | undefined) ?? "tcp"}`;
    const restart = (i.restart as string | undefined) ?? "no";

    const body = {
        Hostname: i.hostname,
        User: i.user,
        Env: i.envs ?? [],
        Cmd: i.command,
        Entrypoint: i.entrypoints,
        Image: i.image,
        WorkingDir: i.workingDir,
        Labels: labelsOf(i.labels),
        StopSignal: i.stopSignal,
        StopTimeout: i.stopTimeout,
        ExposedPorts: Object.fromEntries(ports.map((p) => [portKey(p), {}])),
        Healthcheck: hc
            ? {
                  Test: hc.tests,
                  Interval: durationNs(r, hc.interval),
                  Timeout: durationNs(r, hc.timeout),
                  Retries: hc.retries ?? 0,
                  StartPeriod: durationNs(r, hc.startPeriod),
              }
            : undefined,
        HostConfig: {
            PortBindings: Object.fromEntries(
                ports.map((p) => [
                    portKey(p),
                    [{ HostIp: (p.ip as string | undefined) ?? "0.0.0.0", HostPort: p.external === undefined ? "" : String(p.external) }],
                ]),
            ),
            RestartPolicy: {
                Name: restart,
                MaximumRetryCount: restart === "on-failure" ? ((i.maxRetryCount as number | undefined) ?? 0) : 0,
            },
            ReadonlyRootfs: i.readOnly ?? false,
            Tmpfs: i.tmpfs,
            CapAdd: caps.adds,
            CapDrop: caps.drops,
            SecurityOpt: i.securityOpts,
            LogConfig: { Type: (i.logDriver as string | undefined) ?? "json-file", Config: i.logOpts ?? {} },
            // The provider takes memory and shm sizes in MB.
            Memory: i.memory !== undefined ? (i.memory as number) * 1024 * 1024 : undefined,
            MemorySwap: i.memorySwap !== undefined ? (i.memorySwap as number) * 1024 * 1024 : undefined,
            ShmSize: i.shmSize !== undefined ? (i.shmSize as number) * 1024 * 1024 : undefined,
            CpuShares: i.cpuShares,
            Init: i.init,
            Dns: i.dns,
            ExtraHosts: hosts.map((h) => `${h.host}:${h.ip}`),
            Mounts: mounts.map((m) => ({ Target: m.target, Source: m.source, Type: m.type ?? "volume", ReadOnly: m.readOnly ?? false })),
            NetworkMode: networks[0]?.name ?? "bridge",
        },
        NetworkingConfig: networks[0]
            ? { EndpointsConfig: { [networks[0].name as string]: { Aliases: networks[0].aliases ?? [] } } }
            : undefined,
    };
    const name = i.name as string;
    const res = await api<{ Id: string }>("POST", `/containers/create?name=${encodeURIComponent(name)}`, body);
    state.ids.set(r.urn, res.Id);
    for (const n of networks.slice(1)) {
        await api("POST", `/networks/${encodeURIComponent(n.name as string)}/connect`, {
            Container: res.Id,
            EndpointConfig: { Aliases: n.aliases ?? [] },
        });
    }
    await upload(r, res.Id, (i.uploads ?? []) as Record<string, unknown>[]);
    if (i.start === false) {
        state.log(`created ${name} (not started)`);
        return;
    }
    await api("POST", `/containers/${res.Id}/start`);
    if (i.mustRun !== false) {
        const info = await inspectContainer(res.Id);
        if (!info.State.Running) {
            throw new ReplayError(r, `container exited at start (code ${info.State.ExitCode})`);
        }
    }
    if (i.wait === true) {
        await waitHealthy(r, res.Id, ((i.waitTimeout as number | undefined) ?? 60) * 1000);
    }
    state.log(`started ${name}${i.wait === true ? " (healthy)" : ""}`);
}

async function upload(r: DeclaredResource, id: string, uploads: Record<string, unknown>[]): Promise<void> {
    for (const u of uploads) {
        only(r, "uploads[].", u, ["file", "content", "contentBase64", "executable", "permissions"]);
        const dir = mkdtempSync(path.join(tmpdir(), "webstack-upload-"));
        try {
            const local = path.join(dir, path.basename(u.file as string));
            const data =
                u.contentBase64 !== undefined
                    ? Buffer.from(u.contentBase64 as string, "base64")
                    : Buffer.from((u.content as string | undefined) ?? "");
            const mode = u.permissions !== undefined ? parseInt(u.permissions as string, 8) : u.executable ? 0o755 : 0o644;
            writeFileSync(local, data, { mode });
            await cli(["cp", local, `${id}:${u.file as string}`]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
}

/** Waits for the container's health check to pass, as the provider does with `wait: true`. */
export async function waitHealthy(r: Pick<DeclaredResource, "type" | "name">, id: string, timeoutMs: number): Promise<ContainerInfo> {
    const deadline = Date.now() + timeoutMs;
    let info = await inspectContainer(id);
    while (Date.now() < deadline) {
        info = await inspectContainer(id);
        if (info.State.Health?.Status === "healthy" || (!info.State.Health && info.State.Running)) {
            return info;
        }
        if (!info.State.Running && info.State.Status !== "created") {
            // The provider's wait gives up when the container stops (e.g. a config check failed).
            throw new ReplayError(r, `exited (code ${info.State.ExitCode}) before it was healthy`);
        }
        await sleep(250);
    }
    throw new ReplayError(r, `not healthy after ${timeoutMs / 1000}s (state ${info.State.Status}, health ${info.State.Health?.Status})`);
}

function labelsOf(labels: unknown): Record<string, string> {
    return Object.fromEntries(((labels ?? []) as { label: string; value: string }[]).map((l) => [l.label, l.value]));
}

/** Go duration text ("5s", "1m30s", "500ms") to nanoseconds, as the provider parses it. */
export function durationNs(r: Pick<DeclaredResource, "type" | "name">, text: unknown): number {
    if (text === undefined) {
        return 0;
    }
    const unit: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    const parts = String(text).match(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g);
    if (!parts || parts.join("") !== String(text)) {
        throw new ReplayError(r, `cannot read duration ${JSON.stringify(text)}`);
    }
    return parts.reduce((sum, p) => {
        const [, n, u] = /(\d+(?:\.\d+)?)(\w+)/.exec(p)!;
        return sum + Number(n) * unit[u];
    }, 0);
}

/**
 * A ReplayState for a stack that is already running (replayed by an earlier process): real IDs are
 * looked up by the declared names, so a plan can be applied to it.
 */
export async function adopt(ev: Evaluation, options: ReplayOptions): Promise<ReplayState> {
    const state = new ReplayState(options);
    for (const r of ev.resources.filter((x) => x.custom)) {
        if (r.type === IMAGE) {
            const id = (await cli(["image", "inspect", "--format", "{{.Id}}", r.inputs.imageName as string])).trim();
            state.refs.set(r.state.repoDigest as string, id);
            state.ids.set(r.urn, id);
        } else if (r.type === NETWORK) {
            state.ids.set(r.urn, (await api<{ Id: string }>("GET", `/networks/${encodeURIComponent(r.inputs.name as string)}`)).Id);
        } else if (r.type === CONTAINER) {
            state.ids.set(r.urn, (await inspectContainer(r.inputs.name as string)).Id);
        } else if (r.type === VOLUME) {
            state.ids.set(r.urn, r.inputs.name as string);
        }
        state.declared.set(r.urn, r);
    }
    return state;
}
