// Builds an Image's declared build the way pulumi-docker does: with BuildKit unless the program asks
// for builderVersion "BuilderV1" (provider/image.go: defaultBuilder = "2", marshalBuilder), the
// context filtered by the same .dockerignore, the Dockerfile path relative to the program's folder.
//
// The provider talks to the engine's API itself. Here a docker CLI does the build (why not dockerode:
// replay/README.md, "Libraries"), and it must be one
// that can drive BuildKit: a client with the buildx plugin, or a client older than 23 (whose legacy
// DOCKER_BUILDKIT=1 mode needs no buildx; docker.io's 20.10 client at /usr/bin/docker on these
// machines, see scripts/engine.sh). The 28.x client without buildx cannot.
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { call, docker } from "./docker";

interface Client {
    readonly bin: string;
    /** Arguments before "build" (["buildx"] with the plugin). */
    readonly prefix: readonly string[];
    readonly env: NodeJS.ProcessEnv;
}

function run(bin: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            bin,
            [...args],
            { maxBuffer: 64 * 1024 * 1024, timeout: 900_000, env: { ...process.env, ...env } },
            (err, stdout, stderr) =>
                err ? reject(new Error(`${bin} ${args.join(" ")} failed: ${stderr.trim() || err.message}`)) : resolve(stdout),
        );
    });
}

let chosen: Promise<Client> | undefined;

/** The docker client that builds with BuildKit here (WEBSTACK_BUILDKIT_CLIENT overrides the search). */
export function buildKitClient(): Promise<Client> {
    chosen ??= (async () => {
        const candidates = [process.env.WEBSTACK_BUILDKIT_CLIENT, "docker", "/usr/bin/docker"].filter((c): c is string => !!c);
        for (const bin of candidates) {
            if (
                await run(bin, ["buildx", "version"]).then(
                    () => true,
                    () => false,
                )
            ) {
                return { bin, prefix: ["buildx"], env: {} };
            }
            const version = await run(bin, ["version", "--format", "{{.Client.Version}}"]).catch(() => "");
            if (/^(1\d|2[0-2])\./.test(version.trim())) {
                return { bin, prefix: [], env: { DOCKER_BUILDKIT: "1" } };
            }
        }
        throw new Error(
            `no docker client here can build with BuildKit, as pulumi-docker does (tried ${candidates.join(", ")}): ` +
                "install the buildx plugin, or point WEBSTACK_BUILDKIT_CLIENT at a 20.10 client",
        );
    })();
    return chosen;
}

/** The local image ID of a tag. */
export async function imageId(tag: string): Promise<string> {
    return (await call(`inspect image ${tag}`, docker.getImage(tag).inspect())).Id;
}

/**
 * Builds `build` (the Image's build input) as `tag`; returns the image ID (what the provider returns
 * as repoDigest for an image it does not push).
 */
export async function buildImage(root: string, tag: string, build: Record<string, unknown>): Promise<string> {
    const context = path.resolve(root, (build.context as string | undefined) ?? ".");
    const dockerfile = path.resolve(root, (build.dockerfile as string | undefined) ?? path.join(context, "Dockerfile"));
    const classic = build.builderVersion === "BuilderV1";
    const client: Client = classic ? { bin: "docker", prefix: [], env: { DOCKER_BUILDKIT: "0" } } : await buildKitClient();
    const dir = mkdtempSync(path.join(tmpdir(), "webstack-build-"));
    const iidfile = path.join(dir, "iid");
    const args = [...client.prefix, "build", "--tag", tag, "--file", dockerfile, "--iidfile", iidfile];
    if (client.prefix.length) {
        args.push("--load");
    }
    for (const [k, v] of Object.entries((build.args ?? {}) as Record<string, string>)) {
        args.push("--build-arg", `${k}=${v}`);
    }
    if (build.platform) {
        args.push("--platform", build.platform as string);
    }
    if (build.target) {
        args.push("--target", build.target as string);
    }
    for (const host of (build.addHosts ?? []) as string[]) {
        args.push("--add-host", host);
    }
    // The provider uses build.network (the daemon's default when unset). The replay runs RUN steps
    // without a network unless one is declared: proof that the build needs nothing from outside.
    args.push("--network", (build.network as string | undefined) ?? "none", context);
    try {
        await run(client.bin, args, client.env);
        return readFileSync(iidfile, "utf8").trim();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
