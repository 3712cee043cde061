// The replay refuses what it cannot apply, before it touches the engine: these run without Docker
// (every check runs before the first step, so nothing here reaches the engine).
import type { DeclaredResource, Evaluation } from "../../evaluation/evaluate";
import { ReplayError, durationNs, replay } from "../../replay/replay";

const container = (inputs: Record<string, unknown>): DeclaredResource => ({
    type: "docker:index/container:Container",
    name: "c",
    custom: true,
    inputs: { name: "c", image: "sha256:abc", ...inputs },
    state: {},
    id: "c-1",
    parent: "",
    dependencies: [],
    deleteBeforeReplace: true,
    urn: "urn:pulumi:dev::webstack::docker:index/container:Container::c",
});
const only = (...resources: DeclaredResource[]): Evaluation => ({ resources, outputs: {} });

describe("replay fails loudly on anything it would not apply", () => {
    test.each([
        ["an unknown container input", { gpus: "all" }, 'declared input gpus = "all" is not applied by the replay'],
        [
            "an unknown health check field",
            { healthcheck: { tests: ["CMD", "true"], startDelay: "1s" } },
            'declared input healthcheck.startDelay = "1s"',
        ],
        [
            "an unknown port field",
            { ports: [{ internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp", extra: 1 }] },
            "declared input ports[].extra = 1",
        ],
        [
            "an unknown network field",
            { networksAdvanced: [{ name: "n", macAddress: "02:42:ac:11:00:02" }] },
            'declared input networksAdvanced[].macAddress = "02:42:ac:11:00:02"',
        ],
        [
            "an unknown mount field",
            { mounts: [{ target: "/x", type: "volume", volumeOptions: {} }] },
            "declared input mounts[].volumeOptions = {}",
        ],
        ["an unknown capabilities field", { capabilities: { drops: ["ALL"], ambient: ["X"] } }, "declared input capabilities.ambient"],
    ])("%s", async (_label, inputs, message) => {
        const error = await replay(only(container(inputs)), { root: "." }).catch((e: Error) => e);
        expect(error).toBeInstanceOf(ReplayError);
        expect((error as Error).message).toContain(`docker:index/container:Container c: ${message}`);
    });

    test("a resource of another provider", async () => {
        const bucket = { ...container({}), type: "aws:s3/bucket:Bucket", name: "b" };
        await expect(replay(only(bucket), { root: "." })).rejects.toThrow(
            "aws:s3/bucket:Bucket b: the replay applies docker images, networks, volumes, containers and tls keys and certificates only",
        );
    });

    test("an image it would have to push", async () => {
        const image = {
            ...container({}),
            type: "docker:index/image:Image",
            name: "i",
            inputs: { imageName: "r/app:1", build: { context: "app" }, skipPush: false },
        };
        await expect(replay(only(image), { root: "." })).rejects.toThrow(
            "docker:index/image:Image i: the replay cannot push to a registry",
        );
    });

    test("a program that failed", async () => {
        await expect(replay({ resources: [], error: new Error("bad config") }, { root: "." })).rejects.toThrow(
            "the program failed, nothing to replay: bad config",
        );
    });
});

describe("durationNs (Go durations, as the Docker provider reads them)", () => {
    test.each([
        ["5s", 5e9],
        ["500ms", 5e8],
        ["1m30s", 90e9],
        ["1.5s", 1.5e9],
        ["2h", 7200e9],
    ])("%s", (text, ns) => {
        expect(durationNs({ type: "t", name: "n" }, text)).toBe(ns);
    });

    test("unset is 0 (the engine's default)", () => {
        expect(durationNs({ type: "t", name: "n" }, undefined)).toBe(0);
    });

    test.each(["5", "5 s", "fast"])("%j is refused", (text) => {
        expect(() => durationNs({ type: "t", name: "n" }, text)).toThrow(`t n: cannot read duration "${text}"`);
    });
});
