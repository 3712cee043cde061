import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { NginxTuning, ServiceSpec } from "../../lib/types";
import { APP_HEALTHCHECK, APP_USER, appEnvironment } from "../../lib/runtime";
import { LABEL, dockerLabels } from "../labels";
import { COMMON_CONTAINER, dockerHealthcheck, envList } from "./containerDefaults";

export interface LocalAppServiceArgs {
    /** The service: name (network alias), replicas, Gunicorn workers and threads. */
    readonly service: ServiceSpec;
    /** nginx tuning; Gunicorn's keep-alive is derived from it. */
    readonly nginx: NginxTuning;
    /** App image reference (BuiltImage.ref). */
    readonly image: pulumi.Input<string>;
    /** Docker network the replicas join. */
    readonly networkName: pulumi.Input<string>;
    /** Prefix of Docker container names, e.g. "webstack-dev". */
    readonly namePrefix: string;
    /** Labels shared by everything in the stack. */
    readonly labels: Readonly<Record<string, string>>;
}

/** One weighted service on local Docker: a container per replica, all answering to the service name. */
export class LocalAppService extends pulumi.ComponentResource {
    /** Docker names of the replicas, in order. */
    public readonly containerNames: pulumi.Output<string[]>;

    constructor(name: string, args: LocalAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:AppService", name, {}, opts);
        const s = args.service;
        const env = envList(appEnvironment(s, args.nginx));
        // Replicas are numbered from 1 like compose; scaling down removes the highest numbers, so the
        // remaining containers keep their names and are not touched.
        const containers = Array.from({ length: s.replicas }, (_, i) => {
            const dockerName = `${args.namePrefix}-${s.name}-${i + 1}`;
            return new docker.Container(
                `${name}-${i + 1}`,
                {
                    name: dockerName,
                    hostname: dockerName,
                    image: args.image,
                    envs: env,
                    user: APP_USER,
                    networksAdvanced: [{ name: args.networkName, aliases: [s.name] }],
                    healthcheck: dockerHealthcheck(APP_HEALTHCHECK),
                    readOnly: true,
                    tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
                    capabilities: { drops: ["ALL"] },
                    // SIGTERM lets Gunicorn drain; the grace outlasts its graceful_timeout.
                    stopSignal: "SIGTERM",
                    destroyGraceSeconds: 30,
                    labels: dockerLabels(args.labels, { [LABEL.role]: "app", [LABEL.service]: s.name, [LABEL.replica]: String(i + 1) }),
                    ...COMMON_CONTAINER,
                    logOpts: { ...COMMON_CONTAINER.logOpts },
                    securityOpts: [...COMMON_CONTAINER.securityOpts],
                },
                // Docker names are fixed, so a replacement (new image) must free the name first.
                { parent: this, deleteBeforeReplace: true },
            );
        });
        this.containerNames = pulumi.output(containers.map((c) => c.name));
        this.registerOutputs({ containerNames: this.containerNames });
    }
}
