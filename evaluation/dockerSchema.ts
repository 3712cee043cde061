// What pulumi-docker 5.x does with each input, read from its source (the docker_* resources bridge
// kreuzwerker/terraform-provider-docker v4.5.0, the submodule commit 5074970c of pulumi-docker; Image
// is pulumi-docker's own native resource). The plan (replay/plan.ts) and the replay (replay/replay.ts) both
// follow these tables; test/unit/replayRules.test.ts cites the source line of each.
import { contextDigest } from "../lib/contextDigest";
import { DOCKER } from "./resourceTypes";
import { State, unwrapSecrets } from "./hash";

/** How a change of one input reaches the running object. */
export type Effect = "replace" | "in-place" | "none";

export interface TypeRules {
    /** Inputs whose change replaces the resource (TF ForceNew). Every other input updates in place. */
    readonly forceNew: readonly string[];
    /** Inputs the provider's Update applies to the running object (the rest of the non-ForceNew ones only change state). */
    readonly inPlace: readonly string[];
    /** Set-typed inputs (TF TypeSet): order does not matter; dotted paths for nested sets. */
    readonly sets: readonly string[];
    /** Schema defaults: an unset input equals its default, so setting it to the default is no change. */
    readonly defaults: Readonly<Record<string, unknown>>;
    /** Optional+Computed inputs: dropping one from the program keeps the old value, no diff. */
    readonly optionalComputed: readonly string[];
    /** The provider asks for delete-before-replace when a ForceNew input changes (bridge ResourceInfo). */
    readonly deleteBeforeReplace: boolean;
}

// kreuzwerker internal/provider/resource_docker_container.go (schema), Pulumi names from pulumi-docker's
// schema.json. ForceNew: every input below. Not ForceNew: CONTAINER_IN_PLACE and CONTAINER_NO_EFFECT.
// prettier-ignore
const CONTAINER_FORCE_NEW = [
    "name", "readOnly", "image", "hostname", "domainname", "command", "entrypoints", "user", "dns", "dnsOpts",
    "dnsSearches", "publishAllPorts", "workingDir", "capabilities", "securityOpts", "runtime", "platform",
    "stopSignal", "stopTimeout", "mounts", "volumes", "ports", "hosts", "ulimits", "envs", "privileged",
    "devices", "deviceRequests", "labels", "shmSize", "logDriver", "logOpts", "networkMode", "networksAdvanced",
    "pidMode", "usernsMode", "uploads", "sysctls", "ipcMode", "groupAdds", "tty", "stdinOpen", "storageOpts",
    "gpus", "cpus", "cgroupnsMode", "cgroupParent",
];
// resource_docker_container_funcs.go resourceDockerContainerUpdate: the attrs it sends to ContainerUpdate
// (plus must_run false->true, which starts a stopped container).
// prettier-ignore
const CONTAINER_IN_PLACE = [
    "restart", "maxRetryCount", "cpuShares", "memory", "memoryReservation", "cpuSet", "memorySwap",
    "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops", "mustRun",
];
// Not ForceNew, and Update never reads them: a change is saved in the state and nothing else happens
// (create-time only: healthcheck, tmpfs, init, start, wait...; delete-time only: destroyGraceSeconds,
// removeVolumes, rm, attach).
// prettier-ignore
export const CONTAINER_NO_EFFECT = [
    "rm", "start", "wait", "waitTimeout", "attach", "logs", "removeVolumes", "tmpfs", "healthcheck",
    "destroyGraceSeconds", "init", "containerReadRefreshTimeoutMilliseconds", "cpuPeriod", "cpuQuota",
];

// prettier-ignore
export const DOCKER_RULES: Readonly<Record<string, TypeRules>> = {
    [DOCKER.container]: {
        forceNew: CONTAINER_FORCE_NEW,
        inPlace: CONTAINER_IN_PLACE,
        sets: [
            "dns", "dnsOpts", "dnsSearches", "capabilities", "capabilities.adds", "capabilities.drops", "securityOpts",
            "mounts", "volumes", "hosts", "ulimits", "envs", "devices", "deviceReadBps", "deviceReadIops",
            "deviceWriteBps", "deviceWriteIops", "deviceRequests", "labels", "networksAdvanced",
            "networksAdvanced.aliases", "networksAdvanced.linkLocalIps", "networksAdvanced.driverOpts", "uploads",
            "groupAdds",
        ],
        defaults: {
            rm: false, readOnly: false, start: true, wait: false, waitTimeout: 60, attach: false, logs: false,
            mustRun: true, restart: "no", removeVolumes: true, memoryReservation: 0, networkMode: "bridge",
            tty: false, stdinOpen: false, containerReadRefreshTimeoutMilliseconds: 15000,
        },
        optionalComputed: [
            "hostname", "command", "entrypoints", "securityOpts", "runtime", "platform", "stopSignal", "stopTimeout",
            "envs", "labels", "shmSize", "logDriver", "ipcMode", "init", "healthcheck",
        ],
        // pulumi-docker provider/resources.go: "docker_container": {DeleteBeforeReplace: true}
        deleteBeforeReplace: true,
    },
    // resource_docker_network.go: no UpdateContext, every input ForceNew.
    [DOCKER.network]: {
        forceNew: ["*"],
        inPlace: [],
        sets: ["labels", "ipamConfigs"],
        defaults: { ipamDriver: "default" },
        optionalComputed: ["driver", "options", "internal", "attachable", "ipv6"],
        deleteBeforeReplace: false,
    },
    // resource_docker_volume.go: name, labels, driver, driverOpts ForceNew; only cluster.availability updates.
    [DOCKER.volume]: {
        forceNew: ["name", "labels", "driver", "driverOpts"],
        inPlace: ["cluster"],
        sets: ["labels"],
        defaults: {},
        optionalComputed: ["name", "driver"],
        deleteBeforeReplace: false,
    },
    // pulumi-docker provider/provider.go Diff: every change is an UPDATE (never a replace); Update rebuilds.
    [DOCKER.image]: {
        forceNew: [],
        inPlace: ["*"],
        sets: [],
        defaults: { skipPush: false, buildOnPreview: false },
        optionalComputed: [],
        deleteBeforeReplace: false,
    },
};

/** What a change of `key` does on a resource of `type` (undefined for types without docker rules). */
export function dockerEffect(type: string, key: string): Effect | undefined {
    const rules = DOCKER_RULES[type];
    if (!rules) {
        return undefined;
    }
    if (rules.forceNew.includes("*") || rules.forceNew.includes(key)) {
        return "replace";
    }
    return rules.inPlace.includes("*") || rules.inPlace.includes(key) ? "in-place" : "none";
}

/**
 * Inputs as the provider sees them after Check, ready to compare: defaults filled in, sets sorted.
 * Image inputs also get what pulumi-docker's Check adds (checkImage).
 */
export function normalizedInputs(type: string, inputs: State): State {
    const rules = DOCKER_RULES[type];
    if (!rules) {
        return inputs;
    }
    const out: State = { ...rules.defaults };
    for (const [k, v] of Object.entries(unwrapSecrets(inputs) as State)) {
        if (v !== undefined) {
            out[k] = sortSets(v, k, rules.sets);
        }
    }
    return out;
}

function sortSets(value: unknown, at: string, sets: readonly string[]): unknown {
    if (Array.isArray(value)) {
        const items = value.map((v) => sortSets(v, at, sets));
        return sets.includes(at) ? [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : items;
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value as State)
                .filter(([, v]) => v !== undefined)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, v]) => [k, sortSets(v, `${at}.${k}`, sets)]),
        );
    }
    return value;
}

/**
 * pulumi-docker's Image Check (provider/provider.go): build.context defaults to ".", build.dockerfile
 * to <context>/Dockerfile, build.platform to linux/<host arch>, buildOnPreview to false, and
 * build.contextDigest is the hash of the build context (lib/contextDigest.ts). `root` is the program's
 * folder, where the provider resolves relative paths.
 */
export function checkImage(inputs: State, root: string): State {
    const build = { ...((inputs.build ?? {}) as State) };
    const context = typeof build.context === "string" ? build.context : ".";
    const dockerfile = typeof build.dockerfile === "string" ? build.dockerfile : `${context}/Dockerfile`;
    return {
        ...inputs,
        buildOnPreview: inputs.buildOnPreview ?? false,
        build: {
            ...build,
            context,
            dockerfile,
            platform: build.platform ?? `linux/${goArch()}`,
            contextDigest: contextDigest(root, context, dockerfile),
        },
    };
}

/** Go's runtime.GOARCH for this machine. */
function goArch(): string {
    const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
    return arch[process.arch] ?? process.arch;
}
