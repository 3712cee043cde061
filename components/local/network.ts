import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { dockerLabels } from "../labels";

export interface LocalNetworkArgs {
    /** Docker name of the network, e.g. "webstack-dev". */
    readonly networkName: string;
    /** Labels shared by everything in the stack. */
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * A user-defined bridge network. Unlike the default bridge it has Docker's embedded DNS
 * (127.0.0.11), which is what lets nginx resolve a service name to all of its replicas.
 */
export class LocalNetwork extends pulumi.ComponentResource {
    /** Docker name of the network. */
    public readonly networkName: pulumi.Output<string>;

    constructor(name: string, args: LocalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:Network", name, {}, opts);
        const network = new docker.Network(
            name,
            { name: args.networkName, driver: "bridge", labels: dockerLabels(args.labels) },
            { parent: this },
        );
        this.networkName = network.name;
        this.registerOutputs({ networkName: this.networkName });
    }
}
