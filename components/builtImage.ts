import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface BuiltImageArgs {
    /** Build context folder, relative to the project root (e.g. "app"). */
    readonly context: string;
    /** Image passed as the Dockerfile's BASE_IMAGE build arg. */
    readonly baseImage: pulumi.Input<string>;
    /** Repository and tag to give the image, e.g. "webstack-app:dev". */
    readonly imageName: pulumi.Input<string>;
    /** Target platform such as "linux/amd64". Default: the engine's own. */
    readonly platform?: pulumi.Input<string>;
    /** Registry to push to. Default: none, the image stays local and is not pushed. */
    readonly registry?: pulumi.Input<docker.types.input.Registry>;
}

/** One of our Dockerfiles (app/ or nginx/) built on a configurable base image. */
export class BuiltImage extends pulumi.ComponentResource {
    /**
     * A reference unique to each build: the local image ID, or repo@sha256:digest once pushed. Consumers
     * use it so a new build rolls out and an unchanged one does not.
     */
    public readonly ref: pulumi.Output<string>;
    /** The repository:tag the image was given. */
    public readonly imageName: pulumi.Output<string>;

    constructor(name: string, args: BuiltImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:image:BuiltImage", name, {}, opts);
        const image = new docker.Image(
            name,
            {
                imageName: args.imageName,
                build: {
                    context: args.context,
                    dockerfile: `${args.context}/Dockerfile`,
                    args: { BASE_IMAGE: args.baseImage },
                    ...(args.platform ? { platform: args.platform } : {}),
                },
                skipPush: args.registry === undefined,
                ...(args.registry ? { registry: args.registry } : {}),
            },
            { parent: this },
        );
        this.ref = image.repoDigest;
        this.imageName = image.imageName;
        this.registerOutputs({ ref: this.ref, imageName: this.imageName });
    }
}
