import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { NGINX_CONF_ENV, NGINX_HEALTHCHECK, NGINX_PORT } from "../../lib/runtime";
import { LABEL, dockerLabels } from "../labels";
import { COMMON_CONTAINER, dockerHealthcheck, envList } from "./containerDefaults";

export interface LocalNginxArgs {
    /** nginx image reference (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** Rendered nginx.conf (nginx/render.ts). */
    readonly config: string;
    /** Docker network shared with the app replicas. */
    readonly networkName: pulumi.Input<string>;
    /** Host port nginx publishes. */
    readonly httpPort: number;
    /** Host address the port binds on, e.g. 127.0.0.1. */
    readonly bindAddress: string;
    /** Prefix of Docker container names, e.g. "webstack-dev". */
    readonly namePrefix: string;
    /** Labels shared by everything in the stack. */
    readonly labels: Readonly<Record<string, string>>;
}

/** The reverse proxy and weighted balancer: the only container with a published port. */
export class LocalNginx extends pulumi.ComponentResource {
    /** Docker name of the nginx container (for `docker logs -f`). */
    public readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: LocalNginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:Nginx", name, {}, opts);
        const dockerName = `${args.namePrefix}-nginx`;
        const container = new docker.Container(
            name,
            {
                name: dockerName,
                hostname: dockerName,
                image: args.image,
                // The config travels in the environment, exactly as in the ECS task definition.
                envs: envList({ [NGINX_CONF_ENV]: args.config }),
                ports: [{ internal: NGINX_PORT, external: args.httpPort, ip: args.bindAddress, protocol: "tcp" }],
                networksAdvanced: [{ name: args.networkName }],
                healthcheck: dockerHealthcheck(NGINX_HEALTHCHECK),
                // SIGQUIT is nginx's graceful shutdown: open requests finish first.
                stopSignal: "SIGQUIT",
                destroyGraceSeconds: 15,
                labels: dockerLabels(args.labels, { [LABEL.role]: "nginx" }),
                ...COMMON_CONTAINER,
                logOpts: { ...COMMON_CONTAINER.logOpts },
                securityOpts: [...COMMON_CONTAINER.securityOpts],
            },
            // The name and host port are fixed, so a replacement must free them first.
            { parent: this, deleteBeforeReplace: true },
        );
        this.containerName = container.name;
        this.registerOutputs({ containerName: this.containerName });
    }
}
