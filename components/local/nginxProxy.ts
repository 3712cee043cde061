import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
    NGINX_CONF_DIR,
    NGINX_CONF_DIR_ENV,
    NGINX_CONF_ENV,
    NGINX_HEALTHCHECK,
    NGINX_HTTPS_PORT,
    NGINX_PORT,
    NGINX_STOP_GRACE_SEC,
    NGINX_TLS_UPLOAD_DIR,
    NGINX_TLS_UPLOAD_DIR_ENV,
    NGINX_TMPFS,
    NGINX_USER,
    dockerTmpfsOptions,
    localNginxEnvironment,
    nginxEnvironment,
} from "../../lib/runtime";
import { configIdOf } from "../../nginx/render";
import { LOCAL_LIMITS } from "../../lib/config/defaults";
import { LABEL, dockerLabels } from "../labels";
import { COMMON_CONTAINER, dockerHealthcheck, envList } from "./containerDefaults";

/** nginx's user, no capabilities (it binds unprivileged ports), read-only root except the tmpfs. */
const HARDENED = { user: NGINX_USER, capabilities: { drops: ["ALL"] } };
/**
 * Memory (no swap; updated in place) and a ceiling on the tasks of nginx's uid, shared by nginx and its config
 * container (lib/local/limits.ts says why a uid's). No CPU limit: changing `cpus` would replace nginx, and nginx
 * is the one container with a fixed name and port.
 */
function limitsOf(l: { readonly memoryMiB: number; readonly pidsLimit: number }) {
    return { memory: l.memoryMiB, memorySwap: l.memoryMiB, ulimits: [{ name: "nproc", soft: l.pidsLimit, hard: l.pidsLimit }] };
}

/** Owner of the uploaded TLS files: nginx's numeric uid and gid (a name would be resolved on the host). */
const UPLOAD_OWNER = { owner: NGINX_USER.split(":")[0], group: NGINX_USER.split(":")[1] };
const NGINX_TMPFS_OPTIONS: Record<string, string> = Object.fromEntries(NGINX_TMPFS.map((t) => [t.containerPath, dockerTmpfsOptions(t)]));

export interface LocalNginxArgs {
    /** nginx image reference (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** Rendered nginx.conf (nginx/render.ts). */
    readonly config: string;
    /** Docker network shared with the app replicas. */
    readonly networkName: pulumi.Input<string>;
    /** Host port of nginx's plain HTTP listener. */
    readonly httpPort: number;
    /** Host port of nginx's TLS listener; published with TLS off too, so turning TLS on never replaces nginx. */
    readonly httpsPort: number;
    /** Certificate and key nginx serves (the key a Pulumi secret). Default: none (TLS off). */
    readonly tls?: { readonly certificatePem: pulumi.Input<string>; readonly privateKeyPem: pulumi.Input<string> };
    /** Host address the port binds on, e.g. 127.0.0.1. */
    readonly bindAddress: string;
    /** Prefix of Docker container names, e.g. "webstack-dev". */
    readonly namePrefix: string;
    /** Labels shared by everything in the stack. */
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * The reverse proxy and weighted balancer: the only container with a published port.
 *
 * A config change (weights, tuning) never touches the nginx container. The config travels in a
 * one-shot config container, `<prefix>-nginx-config-<id>` (the id nginx announces in
 * X-Webstack-Config), which checks it with `nginx -t` and
 * publishes it on a volume; nginx's entrypoint sees the new file and reloads gracefully. A config
 * that fails the check fails the config container, so the apply fails and nginx keeps serving the
 * old one. The old config container is deleted at the end of the update (it only sleeps).
 *
 * With TLS, the certificate and key reach the config container as pulumi-docker `uploads` (never in
 * its environment or labels, so not in `docker inspect`); it publishes them on the volume, readable
 * by nginx's user only. Both containers run as nginx's non-root user with no capabilities.
 */
export class LocalNginx extends pulumi.ComponentResource {
    /** Docker name of the nginx container (for `docker logs -f`). */
    public readonly containerName: pulumi.Output<string>;
    /** Docker name of the container that published the current config. */
    public readonly configContainerName: pulumi.Output<string>;

    constructor(name: string, args: LocalNginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:Nginx", name, {}, opts);
        const dockerName = `${args.namePrefix}-nginx`;
        const labels = (role: string) => dockerLabels(args.labels, { [LABEL.role]: role });
        // A new Docker name: a new volume takes its owner from the image's mount point (nginx's user);
        // the one root-owned before nginx dropped root would not be writable by the config container.
        const volume = new docker.Volume(`${name}-conf`, { name: `${dockerName}-config`, labels: labels("nginx-conf") }, { parent: this });
        const mount = (readOnly: boolean) => [{ type: "volume", source: volume.name, target: NGINX_CONF_DIR, readOnly }];
        const id = configIdOf(args.config);
        const configName = `${dockerName}-config-${id}`;
        const tls = args.tls;
        const publisher = new docker.Container(
            `${name}-config-${id}`,
            {
                name: configName,
                hostname: configName,
                image: args.image,
                command: ["publish"],
                envs: envList({
                    ...nginxEnvironment(),
                    [NGINX_CONF_ENV]: args.config,
                    [NGINX_CONF_DIR_ENV]: NGINX_CONF_DIR,
                    ...(tls ? { [NGINX_TLS_UPLOAD_DIR_ENV]: NGINX_TLS_UPLOAD_DIR } : {}),
                }),
                mounts: mount(false),
                ...HARDENED,
                // Docker copies uploads in at "/" (kreuzwerker resource_docker_container_funcs.go), which it
                // refuses on a read-only root; so only a config container that carries TLS files keeps a
                // writable one. It runs no server and publishes no port.
                readOnly: tls === undefined,
                tmpfs: { ...NGINX_TMPFS_OPTIONS, "/tmp": "rw,noexec,nosuid,nodev,size=4m,mode=1777" },
                // The key 0600 and owned by nginx's user (the provider's default is root-owned 0644): the
                // publish step reads it, copies it to the volume and deletes the upload (nginx/webstack-entrypoint.sh).
                uploads: tls
                    ? [
                          { file: `${NGINX_TLS_UPLOAD_DIR}/cert.pem`, content: tls.certificatePem, ...UPLOAD_OWNER, permissions: "0644" },
                          {
                              file: `${NGINX_TLS_UPLOAD_DIR}/key.pem`,
                              content: pulumi.secret(tls.privateKeyPem),
                              ...UPLOAD_OWNER,
                              permissions: "0600",
                          },
                      ]
                    : [],
                // On the stack network, so `nginx -t` sees the same resolver as nginx.
                networksAdvanced: [{ name: args.networkName }],
                // Healthy once published; a config that fails `nginx -t` exits instead.
                healthcheck: { tests: ["CMD", "test", "-f", "/tmp/published"], interval: "1s", timeout: "1s", retries: 1 },
                restart: "no",
                ...limitsOf(LOCAL_LIMITS.nginxConfig),
                wait: true,
                waitTimeout: 60,
                destroyGraceSeconds: 1,
                labels: labels("nginx-config"),
                logDriver: COMMON_CONTAINER.logDriver,
                logOpts: { ...COMMON_CONTAINER.logOpts },
                securityOpts: [...COMMON_CONTAINER.securityOpts],
            },
            // A new certificate alone (same config id) replaces this container under the same Docker name.
            { parent: this, deleteBeforeReplace: true },
        );
        const container = new docker.Container(
            name,
            {
                name: dockerName,
                hostname: dockerName,
                image: args.image,
                envs: envList(localNginxEnvironment()),
                mounts: mount(true),
                ports: [
                    { internal: NGINX_PORT, external: args.httpPort, ip: args.bindAddress, protocol: "tcp" },
                    { internal: NGINX_HTTPS_PORT, external: args.httpsPort, ip: args.bindAddress, protocol: "tcp" },
                ],
                ...HARDENED,
                readOnly: true,
                tmpfs: NGINX_TMPFS_OPTIONS,
                networksAdvanced: [{ name: args.networkName }],
                healthcheck: dockerHealthcheck(NGINX_HEALTHCHECK),
                // SIGQUIT is nginx's graceful shutdown: open requests finish first.
                stopSignal: "SIGQUIT",
                destroyGraceSeconds: NGINX_STOP_GRACE_SEC,
                labels: labels("nginx"),
                ...limitsOf(LOCAL_LIMITS.nginx),
                ...COMMON_CONTAINER,
                logOpts: { ...COMMON_CONTAINER.logOpts },
                securityOpts: [...COMMON_CONTAINER.securityOpts],
            },
            // The name and host port are fixed, so a replacement (a new nginx image) must free them
            // first. The first config must exist before nginx starts.
            { parent: this, deleteBeforeReplace: true, dependsOn: [publisher] },
        );
        this.containerName = container.name;
        this.configContainerName = publisher.name;
        this.registerOutputs({ containerName: this.containerName, configContainerName: this.configContainerName });
    }
}
