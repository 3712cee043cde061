// Applies the docker:* resources a mock evaluation declared to the real Docker engine, the way
// `pulumi up` with pulumi-docker would: the engine's step order (replay/stepOrder.ts), and per resource
// what the provider's Create, Update and Delete do (pulumi-docker provider/image.go and provider.go for
// Image; kreuzwerker resource_docker_{container,network,volume}*.go for the rest, see
// evaluation/dockerSchema.ts). Every declared input is either applied or refused: an input this file does not
// know fails the replay before anything changes.
import { readFileSync } from "fs";
import * as path from "path";
import type Docker from "dockerode";
import { NGINX_CONF_DIR } from "../lib/runtime";
import type { DeclaredResource, Evaluation } from "../evaluation/evaluate";
import {
    ContainerInfo,
    DockerApiError,
    call,
    containersByLabel,
    createContainer as createEngineContainer,
    docker,
    inspectContainer,
    networksByLabel,
    removeVolume,
    sleep,
    volumesByLabel,
    within,
} from "./docker";
import { buildImage, imageId } from "./build";
import { Plan, PlanStep, diffResource, planDiff } from "./plan";
import { DOCKER, TLS } from "../evaluation/resourceTypes";
import { runPlan } from "./stepOrder";
import { tarFile, untarFirstFile } from "./tar";
import { isSecretValue, unwrapSecrets } from "../evaluation/hash";
import { TLS_PLACEHOLDER_PREFIX } from "../evaluation/tlsMocks";
import { TLS_INPUTS, generatePrivateKey, generateSelfSignedCert } from "./tls";

export class ReplayError extends Error {
    constructor(resource: Pick<DeclaredResource, "type" | "name">, message: string) {
        super(`${resource.type} ${resource.name}: ${message}`);
        this.name = "ReplayError";
    }
}

const APPLIED = [DOCKER.image, DOCKER.network, DOCKER.volume, DOCKER.container, TLS.privateKey, TLS.selfSignedCert] as readonly string[];

export interface ReplayOptions {
    /** Folder the program runs in; build contexts are relative to it. */
    readonly root: string;
    /** Progress lines. Default: none. */
    readonly log?: (line: string) => void;
    /** Steps at most in flight at once. Default: the engine's (4 x CPUs, or PULUMI_PARALLEL). */
    readonly parallel?: number;
}

/** What a replay created, and how mocked outputs map to real values. */
export class ReplayState {
    /** Mocked output value -> real value (e.g. the mocked repoDigest -> the built image ID). */
    readonly refs = new Map<string, string>();
    /** Resource URN -> real Docker ID. */
    readonly ids = new Map<string, string>();
    /** Last applied declaration per URN (the provider's state: an update without effect is recorded here). */
    readonly declared = new Map<string, DeclaredResource>();
    /** What happened, in order: "create <name>", "update <name> (no effect: healthcheck)", "delete <name>"... */
    readonly journal: string[] = [];
    constructor(readonly options: ReplayOptions) {}
    log(line: string): void {
        this.journal.push(line);
        this.options.log?.(line);
    }
}

/** Creates every declared docker resource of an evaluation, in the engine's order. */
export async function replay(ev: Evaluation, options: ReplayOptions): Promise<ReplayState> {
    if (ev.error) {
        throw new Error(`the program failed, nothing to replay: ${ev.error.message}`);
    }
    const state = new ReplayState(options);
    await applyPlan(state, planDiff({ resources: [] }, ev), ev);
    return state;
}

/** Applies a plan (from planDiff) between the declarations in `state` and `after`. */
export async function applyPlan(state: ReplayState, plan: Plan, after: Evaluation): Promise<void> {
    if (after.error) {
        throw new Error(`the program failed, nothing to apply: ${after.error.message}`);
    }
    const before = [...state.declared.values()];
    refuseUnknown(plan, after);
    const ids = new Map(state.ids);
    await runPlan(
        plan,
        before,
        after.resources,
        {
            create: (r) => create(state, r),
            update: (prev, next, step) => update(state, prev, next, step),
            delete: (r, replacing) => destroy(state, r, ids.get(r.urn), replacing),
            refine: (prev, next, planned) => {
                // Compare with real values: a rebuild that gives the same image ID changes no container.
                const step = diffResource(realize(state, prev), realize(state, next));
                if (!step) {
                    state.log(`same ${next.name}: planned ${planned.op} [${planned.changedKeys.join(", ")}], nothing changed once built`);
                }
                return step;
            },
        },
        state.options.parallel,
    );
}

/** Checks every resource a plan creates or changes before any step runs. */
function refuseUnknown(plan: Plan, after: Evaluation): void {
    const byName = new Map(after.resources.map((r) => [`${r.type}::${r.name}`, r]));
    for (const step of plan.steps) {
        if (!APPLIED.includes(step.type) && !isProvider(step.type)) {
            throw new ReplayError(
                step,
                "the replay applies docker images, networks, volumes, containers and tls keys and certificates only",
            );
        }
        const r = byName.get(`${step.type}::${step.name}`);
        if (r && step.op !== "delete") {
            validate(r);
        }
    }
}

/** An explicit provider resource (`new docker.Provider(...)`): configuration only, nothing on the engine. */
const isProvider = (type: string) => type === "pulumi:providers:docker";

async function create(state: ReplayState, r: DeclaredResource): Promise<void> {
    const inputs = substitute(state, r.inputs) as Record<string, unknown>;
    if (isProvider(r.type)) {
        only(r, "", inputs, ["host", "version"]);
    } else if (r.type === DOCKER.image) {
        await build(state, r, inputs);
    } else if (r.type === DOCKER.network) {
        await createNetwork(state, r, inputs);
    } else if (r.type === DOCKER.volume) {
        await createVolume(state, r, inputs);
    } else if (r.type === TLS.privateKey) {
        state.refs.set(r.state.privateKeyPem as string, generatePrivateKey(inputs));
        state.log(`create ${r.name}: a new ${String(inputs.algorithm)} key`);
    } else if (r.type === TLS.selfSignedCert) {
        state.refs.set(r.state.certPem as string, generateSelfSignedCert(inputs, inputs.privateKeyPem as string));
        state.log(
            `create ${r.name}: a certificate for ${[...((inputs.dnsNames as string[]) ?? []), ...((inputs.ipAddresses as string[]) ?? [])].join(", ")}`,
        );
    } else {
        await createContainer(state, r, inputs);
    }
    state.declared.set(r.urn, r);
}

async function update(state: ReplayState, prev: DeclaredResource, next: DeclaredResource, step: PlanStep): Promise<void> {
    if (isProvider(next.type)) {
        state.log(`update provider ${next.name}: ${step.changedKeys.join(", ")}`);
    } else if (next.type === DOCKER.image) {
        // provider.go Update: build (and push) again.
        await build(state, next, substitute(state, next.inputs) as Record<string, unknown>);
    } else if (next.type === DOCKER.container) {
        const id = state.ids.get(next.urn)!;
        if (step.inPlaceKeys?.length) {
            await updateContainer(state, prev, next, id, step.inPlaceKeys);
        }
        if (step.noEffectKeys?.length) {
            // Saved in the provider's state only: the running container keeps what it was created with.
            state.log(`update ${next.inputs.name} recorded, no effect on the running container: ${step.noEffectKeys.join(", ")}`);
        }
    } else if (next.type === DOCKER.volume) {
        state.log(`update ${next.name} recorded (cluster volumes only): ${step.changedKeys.join(", ")}`);
    } else if (next.type === TLS.selfSignedCert) {
        // common_cert.go: early_renewal_hours only changes the state; the certificate stays.
        state.log(`update ${next.name} recorded: ${step.changedKeys.join(", ")}`);
    } else {
        throw new ReplayError(next, `the provider cannot update this resource in place (changed: ${step.changedKeys.join(", ")})`);
    }
    state.declared.set(next.urn, next);
}

async function destroy(state: ReplayState, r: DeclaredResource, oldId: string | undefined, replacing: boolean): Promise<void> {
    const id = replacing ? oldId : state.ids.get(r.urn);
    const what = replacing ? "replaced" : "deleted";
    if (r.type === DOCKER.container && id) {
        await deleteContainer(state, r, id);
    } else if (r.type === DOCKER.network && id) {
        await call(`remove network ${id}`, docker.getNetwork(id).remove());
        state.log(`delete network ${r.inputs.name} (${what})`);
    } else if (r.type === DOCKER.volume && id) {
        await deleteVolume(r, id);
        state.log(`delete volume ${id} (${what})`);
    } else if (r.type === TLS.privateKey || r.type === TLS.selfSignedCert) {
        // The tls provider's Delete is a no-op: the PEMs only ever existed in the state.
        state.log(`delete ${r.name} (${what}): state only`);
    } else if (r.type === DOCKER.image) {
        // provider.go Delete does nothing: the built image stays in the local store.
        state.log(`delete image ${r.inputs.imageName}: kept in the image store, as the provider does`);
    }
    if (!replacing || state.ids.get(r.urn) === id) {
        state.ids.delete(r.urn);
        state.declared.delete(r.urn);
    }
}

/** Removes every container, network and volume labelled with this project and stack, even after a failure. */
export async function teardown(project: string, stack: string, log?: (line: string) => void): Promise<number> {
    const labels = { "webstack.project": project, "webstack.stack": stack };
    const containers = await containersByLabel(labels);
    await Promise.all(
        containers.map((c) =>
            call(`remove container ${c.Id}`, docker.getContainer(c.Id).remove({ force: true, v: true })).catch(ignoreMissing),
        ),
    );
    const networks = await networksByLabel(labels);
    for (const n of networks) {
        await call(`remove network ${n.Id}`, docker.getNetwork(n.Id).remove()).catch(ignoreMissing);
    }
    const volumes = await volumesByLabel(labels);
    for (const v of volumes) {
        await removeVolume(v.Name).catch(ignoreMissing);
    }
    log?.(`removed ${containers.length} containers, ${networks.length} networks and ${volumes.length} volumes of ${project}/${stack}`);
    return containers.length + networks.length + volumes.length;
}

function ignoreMissing(e: unknown): void {
    if (!(e instanceof DockerApiError && e.status === 404)) {
        throw e;
    }
}

// ---- inputs ------------------------------------------------------------------------------------

/** Throws for any key of `obj` outside `known`: the replay never drops what was declared. */
function only(r: DeclaredResource, where: string, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
        if (obj[key] !== undefined && !known.includes(key)) {
            throw new ReplayError(
                r,
                `declared input ${where}${key} = ${JSON.stringify(obj[key])} is not applied by the replay; teach replay/replay.ts to apply it`,
            );
        }
    }
}

const IMAGE_KEYS = ["imageName", "build", "skipPush", "buildOnPreview", "registry"];
const BUILD_KEYS = ["context", "dockerfile", "args", "platform", "target", "builderVersion", "network", "addHosts"];
const NETWORK_KEYS = [
    "name",
    "driver",
    "labels",
    "internal",
    "attachable",
    "options",
    "ipv6",
    "ingress",
    "ipamDriver",
    "ipamOptions",
    "ipamConfigs",
];
const VOLUME_KEYS = ["name", "driver", "driverOpts", "labels"];
// prettier-ignore
const CONTAINER_KEYS = [
    "name", "image", "command", "entrypoints", "envs", "user", "hostname", "domainname", "workingDir", "labels",
    "ports", "networkMode", "networksAdvanced", "healthcheck", "restart", "maxRetryCount", "readOnly", "tmpfs",
    "capabilities", "securityOpts", "logDriver", "logOpts", "stopSignal", "stopTimeout", "memory",
    "memoryReservation", "memorySwap", "cpuShares", "cpuSet", "cpus", "cpuPeriod", "cpuQuota", "init", "mounts",
    "volumes", "uploads", "dns", "dnsOpts", "dnsSearches", "hosts", "shmSize", "ulimits", "sysctls", "groupAdds",
    "privileged", "publishAllPorts", "tty", "stdinOpen", "ipcMode", "pidMode", "usernsMode",
    // Provider-side behaviour, applied by this file.
    "wait", "waitTimeout", "mustRun", "start", "rm", "attach", "logs", "destroyGraceSeconds", "removeVolumes",
    "containerReadRefreshTimeoutMilliseconds",
];

/** Refuses anything the replay would not apply, before a single step runs. */
function validate(r: DeclaredResource): void {
    const i = unwrapSecrets(r.inputs) as Record<string, unknown>;
    if (r.type === DOCKER.image) {
        only(r, "", i, IMAGE_KEYS);
        if (i.skipPush !== true) {
            throw new ReplayError(r, "the replay cannot push to a registry (skipPush must be true)");
        }
        only(r, "build.", (i.build ?? {}) as Record<string, unknown>, BUILD_KEYS);
    } else if (r.type === DOCKER.network) {
        only(r, "", i, NETWORK_KEYS);
    } else if (r.type === DOCKER.volume) {
        only(r, "", i, VOLUME_KEYS);
    } else if (r.type === DOCKER.container) {
        only(r, "", i, CONTAINER_KEYS);
        const list = (k: string) => (i[k] ?? []) as Record<string, unknown>[];
        list("ports").forEach((p) => only(r, "ports[].", p, ["internal", "external", "ip", "protocol"]));
        list("networksAdvanced").forEach((n) => only(r, "networksAdvanced[].", n, ["name", "aliases", "ipv4Address", "ipv6Address"]));
        list("mounts").forEach((m) => only(r, "mounts[].", m, ["target", "type", "source", "readOnly", "tmpfsOptions", "bindOptions"]));
        list("volumes").forEach((v) => only(r, "volumes[].", v, ["containerPath", "hostPath", "volumeName", "readOnly", "fromContainer"]));
        list("uploads").forEach((u) =>
            only(r, "uploads[].", u, ["file", "content", "contentBase64", "source", "executable", "permissions", "owner", "group"]),
        );
        list("hosts").forEach((h) => only(r, "hosts[].", h, ["host", "ip"]));
        list("ulimits").forEach((u) => only(r, "ulimits[].", u, ["name", "soft", "hard"]));
        if (i.healthcheck) {
            const hc = i.healthcheck as Record<string, unknown>;
            only(r, "healthcheck.", hc, ["tests", "interval", "timeout", "retries", "startPeriod", "startInterval"]);
            ["interval", "timeout", "startPeriod", "startInterval"].forEach((k) => durationNs(r, hc[k]));
        }
        only(r, "capabilities.", (i.capabilities ?? {}) as Record<string, unknown>, ["adds", "drops"]);
    } else if (TLS_INPUTS[r.type]) {
        only(r, "", i, TLS_INPUTS[r.type]);
    }
}

/** A declaration with mocked outputs replaced by the real values they stand for. */
function realize(state: ReplayState, r: DeclaredResource): DeclaredResource {
    const inputs = substitute(state, r.inputs) as Record<string, unknown>;
    return { ...r, inputs, ...(r.checked ? { checked: substitute(state, r.checked) as Record<string, unknown> } : {}) };
}

function substitute(state: ReplayState, value: unknown): unknown {
    if (isSecretValue(value)) {
        // The provider receives secrets decrypted.
        return substitute(state, value.value);
    }
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

// ---- images, networks, volumes -----------------------------------------------------------------

async function build(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    const started = Date.now();
    const b = ((r.checked ?? r.inputs).build ?? {}) as Record<string, unknown>;
    const id = await buildImage(state.options.root, i.imageName as string, {
        ...((i.build ?? {}) as Record<string, unknown>),
        platform: b.platform,
    });
    state.log(`built ${i.imageName} (${id.slice(0, 19)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    state.refs.set(r.state.repoDigest as string, id);
    state.ids.set(r.urn, id);
}

async function createNetwork(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    const network = await call(
        `create network ${String(i.name)}`,
        docker.createNetwork({
            Name: i.name,
            Driver: i.driver ?? "bridge",
            Internal: i.internal ?? false,
            Attachable: i.attachable ?? false,
            Ingress: i.ingress ?? false,
            EnableIPv6: i.ipv6 ?? false,
            Options: i.options ?? {},
            Labels: labelsOf(i.labels),
            IPAM: {
                Driver: i.ipamDriver ?? "default",
                Options: i.ipamOptions ?? {},
                Config: ((i.ipamConfigs ?? []) as Record<string, unknown>[]).map((c) => ({
                    Subnet: c.subnet,
                    IPRange: c.ipRange,
                    Gateway: c.gateway,
                    AuxAddress: c.auxAddress,
                })),
            },
            CheckDuplicate: true,
        } as unknown as Docker.NetworkCreateOptions),
    );
    state.ids.set(r.urn, network.id);
    state.log(`create network ${i.name}`);
}

async function createVolume(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    const res = await call(
        `create volume ${String(i.name ?? "")}`,
        docker.createVolume({
            Name: (i.name as string | undefined) ?? "",
            Driver: (i.driver as string | undefined) ?? "local",
            DriverOpts: (i.driverOpts as Record<string, string> | undefined) ?? {},
            Labels: labelsOf(i.labels),
        }),
    );
    state.ids.set(r.urn, res.name);
    state.log(`create volume ${res.name}`);
}

/** resource_docker_volume.go Delete: force-remove, retried while the volume is in use, for up to 30 s. */
async function deleteVolume(r: DeclaredResource, name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
        try {
            await removeVolume(name);
            return;
        } catch (e) {
            if (e instanceof DockerApiError && e.status === 404) {
                return;
            }
            if (!(e instanceof DockerApiError && /in use/.test(e.message)) || Date.now() > deadline) {
                throw new ReplayError(r, (e as Error).message);
            }
            await sleep(2000);
        }
    }
}

// ---- containers ---------------------------------------------------------------------------------

/** resource_docker_container_funcs.go Create: create, join networks, upload, start, wait for healthy. */
async function createContainer(state: ReplayState, r: DeclaredResource, i: Record<string, unknown>): Promise<void> {
    const list = (k: string) => (i[k] ?? []) as Record<string, unknown>[];
    const ports = list("ports");
    const portKey = (p: Record<string, unknown>) => `${p.internal}/${(p.protocol as string | undefined) ?? "tcp"}`;
    const hc = i.healthcheck as Record<string, unknown> | undefined;
    const caps = (i.capabilities ?? {}) as Record<string, unknown>;
    const mb = (v: unknown) => (v === undefined ? undefined : (v as number) * 1024 * 1024);
    const volumes = list("volumes");
    const config = {
        Image: i.image,
        Hostname: i.hostname,
        Domainname: i.domainname,
        Tty: i.tty ?? false,
        OpenStdin: i.stdinOpen ?? false,
        StopSignal: i.stopSignal,
        StopTimeout: i.stopTimeout,
        Env: i.envs,
        Cmd: i.command,
        Entrypoint: i.entrypoints,
        User: i.user,
        WorkingDir: i.workingDir,
        Labels: labelsOf(i.labels),
        ExposedPorts: ports.length ? Object.fromEntries(ports.map((p) => [portKey(p), {}])) : undefined,
        Volumes: Object.fromEntries(
            volumes.filter((v) => !v.hostPath && !v.volumeName && v.containerPath).map((v) => [v.containerPath, {}]),
        ),
        Healthcheck: hc
            ? {
                  Test: hc.tests,
                  Interval: durationNs(r, hc.interval),
                  Timeout: durationNs(r, hc.timeout),
                  StartPeriod: durationNs(r, hc.startPeriod),
                  StartInterval: durationNs(r, hc.startInterval),
                  Retries: hc.retries ?? 0,
              }
            : undefined,
    };
    const restart = (i.restart as string | undefined) ?? "no";
    const swap = i.memorySwap as number | undefined;
    const hostConfig = {
        Privileged: i.privileged ?? false,
        PublishAllPorts: i.publishAllPorts ?? false,
        RestartPolicy: { Name: restart, MaximumRetryCount: (i.maxRetryCount as number | undefined) ?? 0 },
        Mounts: list("mounts").map((m) => ({
            Type: m.type,
            Target: m.target,
            Source: m.source ?? "",
            ReadOnly: m.readOnly ?? false,
            ...(m.type === "tmpfs" && m.tmpfsOptions
                ? {
                      TmpfsOptions: {
                          SizeBytes: (m.tmpfsOptions as Record<string, unknown>).sizeBytes,
                          Mode: (m.tmpfsOptions as Record<string, unknown>).mode,
                      },
                  }
                : {}),
            ...(m.type === "bind" && m.bindOptions
                ? { BindOptions: { Propagation: (m.bindOptions as Record<string, unknown>).propagation } }
                : {}),
        })),
        Binds: volumes
            .filter((v) => v.hostPath || v.volumeName)
            .map((v) => `${(v.hostPath ?? v.volumeName) as string}:${v.containerPath as string}${v.readOnly ? ":ro" : ""}`),
        VolumesFrom: volumes.filter((v) => v.fromContainer).map((v) => v.fromContainer),
        AutoRemove: i.rm ?? false,
        ReadonlyRootfs: i.readOnly ?? false,
        LogConfig: { Type: (i.logDriver as string | undefined) ?? "", Config: i.logOpts },
        Tmpfs: i.tmpfs,
        PortBindings: ports.length
            ? Object.fromEntries(
                  ports.map((p) => [
                      portKey(p),
                      [{ HostIp: (p.ip as string | undefined) ?? "0.0.0.0", HostPort: p.external === undefined ? "" : String(p.external) }],
                  ]),
              )
            : undefined,
        ExtraHosts: list("hosts").map((h) => `${h.host}:${h.ip}`),
        Ulimits: list("ulimits").map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
        CapAdd: caps.adds,
        CapDrop: caps.drops,
        Dns: i.dns,
        DnsOptions: i.dnsOpts,
        DnsSearch: i.dnsSearches,
        SecurityOpt: i.securityOpts,
        Memory: mb(i.memory),
        MemoryReservation: mb(i.memoryReservation),
        // The provider converts swap from MB only when positive (-1 means unlimited).
        MemorySwap: swap === undefined ? undefined : swap > 0 ? swap * 1024 * 1024 : swap,
        ShmSize: mb(i.shmSize),
        NanoCpus: i.cpus !== undefined ? Math.round(Number(i.cpus) * 1e9) : undefined,
        CpuPeriod: i.cpus === undefined ? i.cpuPeriod : undefined,
        CpuQuota: i.cpus === undefined ? i.cpuQuota : undefined,
        CpuShares: i.cpuShares,
        CpusetCpus: i.cpuSet,
        NetworkMode: (i.networkMode as string | undefined) ?? "bridge",
        UsernsMode: i.usernsMode,
        PidMode: i.pidMode,
        IpcMode: i.ipcMode,
        Sysctls: i.sysctls,
        GroupAdd: i.groupAdds,
        // Always sent: an unset init is false.
        Init: i.init ?? false,
    };
    const name = i.name as string;
    const res = { Id: await createEngineContainer(name, { ...config, HostConfig: hostConfig }) };
    state.ids.set(r.urn, res.Id);
    const networks = list("networksAdvanced");
    if (networks.length) {
        // Created on network_mode (bridge), then moved to the declared networks before it starts.
        await call("disconnect from bridge", docker.getNetwork("bridge").disconnect({ Container: res.Id, Force: false })).catch(
            (e: Error) => {
                if (!/is not connected/.test(e.message)) {
                    throw e;
                }
            },
        );
        for (const n of networks) {
            await call(
                `connect to ${String(n.name)}`,
                docker.getNetwork(n.name as string).connect({
                    Container: res.Id,
                    EndpointConfig: {
                        Aliases: (n.aliases as string[] | undefined) ?? [],
                        IPAMConfig: {
                            IPv4Address: (n.ipv4Address as string | undefined) ?? "",
                            IPv6Address: (n.ipv6Address as string | undefined) ?? "",
                        },
                    },
                }),
            );
        }
    }
    for (const u of list("uploads")) {
        await upload(r, res.Id, u);
    }
    if (i.start === false) {
        state.log(`create ${name} (not started)`);
        return;
    }
    await call(`start ${name}`, docker.getContainer(res.Id).start());
    if (i.wait === true) {
        await waitHealthy(r, res.Id, ((i.waitTimeout as number | undefined) ?? 60) * 1000);
    }
    if (i.attach === true) {
        await call(`wait for ${name}`, docker.getContainer(res.Id).wait({ condition: "not-running", ...within(20 * 60_000) }));
    }
    const info = await inspectContainer(res.Id);
    if (!info.State.Running && i.mustRun !== false && i.attach !== true) {
        // The provider's Read records must_run=false (a diff on the next preview); it does not fail.
        state.log(`create ${name}: exited at start (code ${info.State.ExitCode}); the provider records mustRun=false`);
        return;
    }
    state.log(`create ${name}${i.wait === true ? " (healthy)" : ""}`);
}

/**
 * resource_docker_container_funcs.go upload: one tar entry at the declared path, mode `permissions` (octal),
 * else 0644 (0744 executable), extracted at "/" by PUT /containers/{id}/archive. `owner`/`group` (pulumi-docker
 * 5.2 typings, ContainerUpload: "numeric IDs can be used directly") set the entry's uid/gid, which the engine
 * keeps when it extracts as root; names would be resolved on the provider's host, so the replay takes only
 * numbers.
 */
async function upload(r: DeclaredResource, id: string, u: Record<string, unknown>): Promise<void> {
    let content: Buffer;
    if (u.contentBase64 !== undefined) {
        content = Buffer.from(u.contentBase64 as string, "base64");
    } else if (u.source !== undefined) {
        content = readFileSync(u.source as string);
    } else {
        content = Buffer.from((u.content as string | undefined) ?? "");
    }
    if (content.toString("utf8").startsWith(TLS_PLACEHOLDER_PREFIX)) {
        throw new ReplayError(r, `upload of ${u.file}: a mocked PEM with no real one behind it (its tls resource was not replayed)`);
    }
    if (u.permissions !== undefined && !/^0[0-7]{3}$/.test(String(u.permissions))) {
        // resource_docker_container.go: permissions ValidateDiagFunc `^0[0-7]{3}$`.
        throw new ReplayError(r, `upload of ${u.file}: permissions '${String(u.permissions)}' must match ^0[0-7]{3}$`);
    }
    const id32 = (k: "owner" | "group") => {
        if (u[k] === undefined) {
            return 0;
        }
        if (!/^\d+$/.test(String(u[k]))) {
            throw new ReplayError(r, `upload of ${u.file}: ${k} '${String(u[k])}' is a name; the replay takes numeric ids only`);
        }
        return Number(u[k]);
    };
    const mode = u.permissions !== undefined ? parseInt(u.permissions as string, 8) : u.executable ? 0o744 : 0o644;
    const tar = await tarFile(u.file as string, content, mode, id32("owner"), id32("group"));
    await call(`upload to ${id}`, docker.getContainer(id).putArchive(tar, { path: "/" })).catch((e: Error) => {
        throw new ReplayError(r, `upload of ${u.file}: ${e.message}`);
    });
}

/** resource_docker_container_funcs.go Update: the in-place attributes, sent in one ContainerUpdate. */
async function updateContainer(
    state: ReplayState,
    prev: DeclaredResource,
    next: DeclaredResource,
    id: string,
    keys: readonly string[],
): Promise<void> {
    const i = next.inputs;
    if (keys.includes("mustRun") && prev.inputs.mustRun === false && i.mustRun !== false && i.start !== false) {
        await call(`start ${String(i.name)}`, docker.getContainer(id).start());
    }
    if (keys.some((k) => k !== "mustRun")) {
        const mb = (v: unknown) => ((v as number | undefined) ?? 0) * 1024 * 1024;
        const swap = i.memorySwap as number | undefined;
        await call(
            `update ${String(i.name)}`,
            docker.getContainer(id).update({
                RestartPolicy: {
                    Name: (i.restart as string | undefined) ?? "no",
                    MaximumRetryCount: (i.maxRetryCount as number | undefined) ?? 0,
                },
                CpuShares: (i.cpuShares as number | undefined) ?? 0,
                Memory: mb(i.memory),
                MemoryReservation: mb(i.memoryReservation),
                CpusetCpus: (i.cpuSet as string | undefined) ?? "",
                ...(swap ? { MemorySwap: swap > 0 ? swap * 1024 * 1024 : swap } : {}),
            }),
        );
    }
    state.log(`update ${i.name} in place: ${keys.join(", ")}`);
}

/**
 * resource_docker_container_funcs.go Delete: stop with destroyGraceSeconds (0 when unset: the stop
 * signal, then SIGKILL at once), force-remove (volumes too unless removeVolumes is false), wait until gone.
 */
async function deleteContainer(state: ReplayState, r: DeclaredResource, id: string): Promise<void> {
    const i = r.inputs;
    const grace = Math.max(0, (i.destroyGraceSeconds as number | undefined) ?? 0);
    const started = Date.now();
    if (i.attach !== true) {
        await call(`stop ${String(i.name)}`, docker.getContainer(id).stop({ t: grace, ...within((grace + 30) * 1000) })).catch(
            (e: unknown) => {
                if (!(e instanceof DockerApiError && (e.status === 404 || e.status === 304))) {
                    throw e;
                }
            },
        );
    }
    await call(`remove ${String(i.name)}`, docker.getContainer(id).remove({ force: true, v: i.removeVolumes !== false })).catch(
        (e: unknown) => {
            if (!(e instanceof DockerApiError && (e.status === 404 || /already in progress/.test(e.message)))) {
                throw e;
            }
        },
    );
    state.log(
        `delete ${i.name} (stop signal ${(i.stopSignal as string | undefined) ?? "default"}, grace ${grace}s) in ${Date.now() - started} ms`,
    );
}

/**
 * Waits for the container's health check to pass, as the provider does with `wait: true`: it polls
 * every second, fails when the container has no health check, and gives up after the timeout. (The
 * replay also gives up early when the container has exited for good, which the provider would only
 * notice at the timeout.)
 */
export async function waitHealthy(r: Pick<DeclaredResource, "type" | "name">, id: string, timeoutMs: number): Promise<ContainerInfo> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const info = await inspectContainer(id);
        if (!info.State.Health) {
            throw new ReplayError(r, "'wait' needs a health check: the container has none (the provider refuses it too)");
        }
        if (info.State.Health.Status === "healthy") {
            return info;
        }
        const policy = (info.HostConfig.RestartPolicy as { Name?: string } | undefined)?.Name ?? "no";
        if ((info.State.Status === "exited" || info.State.Status === "dead") && (policy === "no" || policy === "")) {
            throw new ReplayError(r, `exited (code ${info.State.ExitCode}) before it was healthy`);
        }
        if (Date.now() >= deadline) {
            throw new ReplayError(
                r,
                `not healthy after ${timeoutMs / 1000}s (state ${info.State.Status}, health ${info.State.Health.Status})`,
            );
        }
        await sleep(1000);
    }
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
 * A ReplayState for a stack that is already running (replayed by an earlier process), from the
 * declarations it was last applied with: real IDs are looked up by the declared names.
 */
export async function adopt(last: Pick<Evaluation, "resources">, options: ReplayOptions): Promise<ReplayState> {
    const state = new ReplayState(options);
    for (const r of last.resources.filter((x) => x.custom && APPLIED.includes(x.type))) {
        if (r.type === DOCKER.image) {
            const id = await imageId(r.inputs.imageName as string);
            state.refs.set(r.state.repoDigest as string, id);
            state.ids.set(r.urn, id);
        } else if (r.type === DOCKER.network) {
            const network = await call(`inspect network ${String(r.inputs.name)}`, docker.getNetwork(r.inputs.name as string).inspect());
            state.ids.set(r.urn, (network as Docker.NetworkInspectInfo).Id);
        } else if (r.type === DOCKER.volume) {
            state.ids.set(r.urn, r.inputs.name as string);
        } else if (r.type === DOCKER.container) {
            const id = (await inspectContainer(r.inputs.name as string)).Id;
            state.ids.set(r.urn, id);
            await recoverUploads(state, r, id);
        }
        state.declared.set(r.urn, r);
    }
    return state;
}

/**
 * adopt: the real PEMs behind tls placeholders, read back from the container they were uploaded to
 * (what Pulumi keeps, encrypted, in its state; the replay keeps no file with a key in it).
 */
async function recoverUploads(state: ReplayState, r: DeclaredResource, id: string): Promise<void> {
    const uploads = (unwrapSecrets(r.inputs.uploads) ?? []) as Record<string, unknown>[];
    for (const u of uploads) {
        if (typeof u.content === "string" && u.content.startsWith(TLS_PLACEHOLDER_PREFIX) && !state.refs.has(u.content)) {
            // The publish step deletes the uploads once it has put them on nginx's volume (issue 18 #4): read
            // them back from there when the uploaded file is gone.
            const read = async (file: string) =>
                untarFirstFile(await call(`read ${file} from ${id}`, docker.getContainer(id).getArchive({ path: file })));
            let pem: Buffer;
            try {
                pem = await read(String(u.file));
            } catch {
                pem = await read(`${NGINX_CONF_DIR}/tls/${path.posix.basename(String(u.file))}`);
            }
            state.refs.set(u.content, pem.toString("utf8"));
        }
    }
}
