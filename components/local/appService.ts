import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { LocalServiceSpec, NginxTuning } from "../../lib/config/types";
import { appPidsLimit, dockerCpus, replicaUid } from "../../lib/local/limits";
import { APP_HEALTHCHECK, APP_TMPFS, APP_USER, LOCAL_APP_STOP, appEnvironment, dockerTmpfsOptions } from "../../lib/runtime";
import { qualifiedConfigKey } from "../../lib/config/secrets";
import { LABEL, dockerLabels } from "../labels";
import { COMMON_CONTAINER, dockerHealthcheck, envList } from "./containerDefaults";

export interface LocalAppServiceArgs {
    /** The service: name (network alias), replicas, Gunicorn workers and threads, Docker limits. */
    readonly service: LocalServiceSpec;
    /** nginx tuning; Gunicorn's keep-alive is derived from it. */
    readonly nginx: NginxTuning;
    /** App image reference (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** What the image is built from (BuiltImage.sourceId); part of the replicas' generation. */
    readonly imageSourceId: string;
    /** WEBSTACK_VERSION the app reports (components/appSources.ts). */
    readonly version: string;
    /** Docker network the replicas join. */
    readonly networkName: pulumi.Input<string>;
    /** Prefix of Docker container names, e.g. "webstack-dev". */
    readonly namePrefix: string;
    /** Labels shared by everything in the stack. */
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * services[].secretConfig as `NAME=value` entries, each a Pulumi secret (requireSecret), so the container's
 * `envs` are stored encrypted in state and masked in logs. The parser already checked every key is a secret.
 */
export function secretEnvs(secretConfig: Readonly<Record<string, string>> | undefined): pulumi.Output<string>[] {
    return Object.keys(secretConfig ?? {})
        .sort()
        .map((env) => {
            const [namespace, key] = qualifiedConfigKey(secretConfig![env]).split(/:(.*)/s);
            return pulumi.interpolate`${env}=${new pulumi.Config(namespace).requireSecret(key)}`;
        });
}

/**
 * The generation of a service's replicas: 6 hex digits of sha256 over what a running replica is made
 * of (image source and environment). Replicas of one generation differ only in their number.
 */
export function replicaGeneration(imageSourceId: string, env: readonly string[]): string {
    return createHash("sha256")
        .update(JSON.stringify([imageSourceId, ...env]))
        .digest("hex")
        .slice(0, 6);
}

/**
 * One weighted service on local Docker: a container per replica, all answering to the service name.
 *
 * Names are a contract: replica i (from 1) of generation g is the resource `<component>-<g>-<i>` and
 * the container `<prefix>-<service>-<g>-<i>`. A code or Gunicorn-settings change is a new generation,
 * so the engine sees creates (new names, `wait`ed healthy) and deletes of the old replicas, which it
 * runs at the end of the update: create-before-delete without colliding names. pulumi-docker
 * replaces a container by deleting it first, which would leave a one-replica service with none.
 * Scaling keeps the generation: scale-up adds the next numbers, scale-down removes the highest.
 */
export class LocalAppService extends pulumi.ComponentResource {
    /** Docker names of the replicas. */
    public readonly containerNames: pulumi.Output<string[]>;
    /** The replicas' generation (see replicaGeneration). */
    public readonly generation: string;

    constructor(name: string, args: LocalAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:AppService", name, {}, opts);
        const s = args.service;
        const env = envList(appEnvironment(s, args.nginx, LOCAL_APP_STOP, args.version));
        // Secret names (never values) are part of the generation: adding one rolls the replicas create-first.
        const secretNames = Object.entries(s.secretConfig ?? {}).map(([k, v]) => `secret:${k}=${qualifiedConfigKey(v)}`);
        // The CPU and pids limits are ForceNew (kreuzwerker resource_docker_container.go: cpus, ulimit): a change is
        // a new generation, created before the old one is deleted. Memory is updated in place, so it is not part of it.
        const pidsLimit = appPidsLimit(s.workers, s.threads);
        const limits = [`limits:cpus=${dockerCpus(s.cpu)},nproc=${pidsLimit}`];
        this.generation = replicaGeneration(args.imageSourceId, [...env, ...secretNames.sort(), ...limits]);
        const envs = secretNames.length ? pulumi.all([...env, ...secretEnvs(s.secretConfig)]) : env;
        const containers = Array.from({ length: s.replicas }, (_, i) => {
            const dockerName = `${args.namePrefix}-${s.name}-${this.generation}-${i + 1}`;
            return new docker.Container(
                `${name}-${this.generation}-${i + 1}`,
                {
                    name: dockerName,
                    hostname: dockerName,
                    image: args.image,
                    envs,
                    // A uid of its own (same group): RLIMIT_NPROC counts per uid, so the nproc ulimit is this
                    // replica's pids limit (lib/local/limits.ts).
                    user: `${replicaUid(dockerName)}:${APP_USER.split(":")[1]}`,
                    ulimits: [{ name: "nproc", soft: pidsLimit, hard: pidsLimit }],
                    cpus: dockerCpus(s.cpu),
                    memory: s.memoryMiB,
                    // No swap: the limit is the memory the replica may use.
                    memorySwap: s.memoryMiB,
                    networksAdvanced: [{ name: args.networkName, aliases: [s.name] }],
                    healthcheck: dockerHealthcheck(APP_HEALTHCHECK),
                    readOnly: true,
                    tmpfs: { [APP_TMPFS.containerPath]: dockerTmpfsOptions(APP_TMPFS) },
                    capabilities: { drops: ["ALL"] },
                    // SIGTERM starts Gunicorn's refuse-then-drain stop; the grace outlasts it.
                    stopSignal: "SIGTERM",
                    destroyGraceSeconds: LOCAL_APP_STOP.stopGraceSec,
                    labels: dockerLabels(args.labels, { [LABEL.role]: "app", [LABEL.service]: s.name, [LABEL.replica]: String(i + 1) }),
                    ...COMMON_CONTAINER,
                    logOpts: { ...COMMON_CONTAINER.logOpts },
                    securityOpts: [...COMMON_CONTAINER.securityOpts],
                },
                { parent: this },
            );
        });
        this.containerNames = pulumi.output(containers.map((c) => c.name));
        this.registerOutputs({ containerNames: this.containerNames });
    }
}
