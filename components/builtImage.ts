import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { contextDigest } from "./sourceDigest";

/** Build arg (and image label) carrying the build context's digest; see sourceId. */
export const SOURCE_DIGEST_ARG = "WEBSTACK_SOURCE_DIGEST";

export interface BuiltImageArgs {
    /** Build context folder, relative to the project root (e.g. "app"). */
    readonly context: string;
    /** Image passed as the Dockerfile's BASE_IMAGE build arg. */
    readonly baseImage: string;
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
    /**
     * What the image is built from (context files, Dockerfile path, base image), as a hex digest known
     * while the program runs, unlike `ref`. Names derived from it change exactly when a rebuild would.
     */
    public readonly sourceId: string;

    constructor(name: string, args: BuiltImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:image:BuiltImage", name, {}, opts);
        const digest = contextDigest(args.context);
        this.sourceId = createHash("sha256").update(`${args.context}\0${digest}\0${args.baseImage}`).digest("hex");
        const image = new docker.Image(
            name,
            {
                imageName: args.imageName,
                build: {
                    context: args.context,
                    dockerfile: `${args.context}/Dockerfile`,
                    // The digest as a build arg: the declared build changes with the code, so a code
                    // edit shows as an image update in a plan, and the image is labelled with it.
                    args: { BASE_IMAGE: args.baseImage, [SOURCE_DIGEST_ARG]: digest },
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
