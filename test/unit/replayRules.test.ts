// The plan's per-input rules, each checked against the provider source it was read from.
// Container: kreuzwerker/terraform-provider-docker v4.5.0 (the pulumi-docker submodule, commit 5074970c),
//   internal/provider/resource_docker_container.go (schema: ForceNew, Default, TypeSet) and
//   internal/provider/resource_docker_container_funcs.go (resourceDockerContainerUpdate: what Update applies).
// Network: internal/provider/resource_docker_network.go. Volume: internal/provider/resource_docker_volume.go.
// Image: pulumi-docker provider/provider.go (Diff, Check). Delete-before-replace: pulumi-docker
//   provider/resources.go, pulumi-terraform-bridge pkg/tfbridge/provider.go (Diff), pulumi/pulumi
//   pkg/resource/deploy/step_generator.go and source_eval.go.
import type { DeclaredResource } from "../../evaluation/evaluate";
import { declared } from "../support/declared";
import { checkImage, dockerEffect, normalizedInputs } from "../../evaluation/dockerSchema";
import { deleteBeforeReplace, diffResource } from "../../replay/plan";
import { DOCKER } from "../../evaluation/resourceTypes";

const decl = declared;
const container = (inputs: Record<string, unknown>, opts: Partial<DeclaredResource> = {}) =>
    decl(DOCKER.container, { name: "c", image: "sha256:1", ...inputs }, opts);

describe("container inputs: ForceNew replaces, Update applies, the rest only changes state", () => {
    // resource_docker_container.go: ForceNew: true on each of these.
    test.each([
        "name",
        "image",
        "envs",
        "labels",
        "ports",
        "networksAdvanced",
        "command",
        "user",
        "readOnly",
        "capabilities",
        "securityOpts",
        "stopSignal",
        "stopTimeout",
        "mounts",
        "uploads",
        "logOpts",
        "hostname",
    ])("%s is ForceNew: replace", (key) => expect(dockerEffect(DOCKER.container, key)).toBe("replace"));
    // resource_docker_container_funcs.go resourceDockerContainerUpdate: attrs sent to ContainerUpdate, and must_run.
    test.each(["restart", "maxRetryCount", "cpuShares", "memory", "memoryReservation", "cpuSet", "memorySwap", "mustRun"])(
        "%s is applied by Update: in place",
        (key) => expect(dockerEffect(DOCKER.container, key)).toBe("in-place"),
    );
    // Not ForceNew and never read by Update: the running container keeps what it was created with.
    test.each([
        "healthcheck",
        "tmpfs",
        "wait",
        "waitTimeout",
        "destroyGraceSeconds",
        "start",
        "init",
        "rm",
        "removeVolumes",
        "attach",
        "logs",
        "cpuPeriod",
        "cpuQuota",
    ])("%s is updated without effect", (key) => expect(dockerEffect(DOCKER.container, key)).toBe("none"));
});

describe("other docker types", () => {
    // resource_docker_network.go: no UpdateContext; every attribute ForceNew.
    test.each(["name", "labels", "driver", "options", "internal", "attachable"])("network %s: replace", (key) =>
        expect(dockerEffect(DOCKER.network, key)).toBe("replace"),
    );
    // resource_docker_volume.go: name, labels, driver, driver_opts ForceNew.
    test.each(["name", "labels", "driver", "driverOpts"])("volume %s: replace", (key) =>
        expect(dockerEffect(DOCKER.volume, key)).toBe("replace"),
    );
    // provider/provider.go Diff: only PropertyDiff_UPDATE kinds; Update rebuilds.
    test.each(["build", "imageName", "skipPush", "registry"])("image %s: in place (a rebuild), never a replace", (key) =>
        expect(dockerEffect(DOCKER.image, key)).toBe("in-place"),
    );
});

describe("diffResource on containers", () => {
    test("a health check change is an update without effect, not a replacement", () => {
        const step = diffResource(container({ healthcheck: { tests: ["CMD", "a"] } }), container({ healthcheck: { tests: ["CMD", "b"] } }));
        expect(step).toMatchObject({ op: "update", inPlaceKeys: [], noEffectKeys: ["healthcheck"] });
    });

    test("replaceOnChanges makes that same change a replacement (engine applyReplaceOnChanges)", () => {
        const opts = { replaceOnChanges: ["healthcheck"] };
        const step = diffResource(container({ healthcheck: { tests: ["a"] } }, opts), container({ healthcheck: { tests: ["b"] } }, opts));
        expect(step).toMatchObject({ op: "replace", replaceKeys: ["healthcheck"] });
    });

    test("a nested replaceOnChanges path only forces a replace when that path changed", () => {
        const opts = { replaceOnChanges: ["healthcheck.tests"] };
        const step = diffResource(
            container({ healthcheck: { tests: ["a"], interval: "1s" } }, opts),
            container({ healthcheck: { tests: ["a"], interval: "2s" } }, opts),
        );
        expect(step?.op).toBe("update");
    });

    test("restart is updated in place", () => {
        expect(diffResource(container({ restart: "no" }), container({ restart: "always" }))).toMatchObject({
            op: "update",
            inPlaceKeys: ["restart"],
            noEffectKeys: [],
        });
    });

    // TypeSet (schema.HashString / set of blocks): order is not a change.
    test.each([
        ["envs", ["A=1", "B=2"], ["B=2", "A=1"]],
        [
            "labels",
            [
                { label: "a", value: "1" },
                { label: "b", value: "2" },
            ],
            [
                { label: "b", value: "2" },
                { label: "a", value: "1" },
            ],
        ],
        ["securityOpts", ["no-new-privileges:true", "label=x"], ["label=x", "no-new-privileges:true"]],
        ["networksAdvanced", [{ name: "n", aliases: ["a", "b"] }], [{ name: "n", aliases: ["b", "a"] }]],
    ])("%s in another order is no change", (key, a, b) => {
        expect(diffResource(container({ [key]: a }), container({ [key]: b }))).toBeUndefined();
    });

    // TypeList: order matters.
    test.each([
        ["command", ["a", "b"], ["b", "a"]],
        ["ports", [{ internal: 1 }, { internal: 2 }], [{ internal: 2 }, { internal: 1 }]],
    ])("%s in another order is a replace", (key, a, b) => {
        expect(diffResource(container({ [key]: a }), container({ [key]: b }))?.op).toBe("replace");
    });

    // Schema defaults: start true, must_run true, restart "no", wait_timeout 60, remove_volumes true.
    test.each([
        ["start", true],
        ["mustRun", true],
        ["restart", "no"],
        ["waitTimeout", 60],
        ["removeVolumes", true],
        ["wait", false],
    ])("setting %s to its default (%j) is no change", (key, value) => {
        expect(diffResource(container({}), container({ [key]: value }))).toBeUndefined();
    });

    test("dropping an Optional+Computed input (hostname) keeps the old value: no change", () => {
        expect(diffResource(container({ hostname: "h" }), container({}))).toBeUndefined();
    });

    test("ignoreChanges keeps the old value of that input", () => {
        const step = diffResource(container({ envs: ["A=1"] }), container({ envs: ["A=2"] }, { ignoreChanges: ["envs"] }));
        expect(step).toBeUndefined();
    });
});

describe("delete-before-replace: the provider's choice unless the program sets the option", () => {
    // resources.go docker_container DeleteBeforeReplace: true; bridge Diff: only with provider replace keys;
    // step_generator.go: goal.DeleteBeforeReplace (the option) overrides; source_eval.go: true counts as set.
    test.each([
        ["unset, ForceNew change", {}, ["envs"], true],
        ["unset, only replaceOnChanges", {}, [], false],
        ["false (defined), ForceNew change", { deleteBeforeReplace: false, deleteBeforeReplaceDefined: true }, ["envs"], false],
        ["true, only replaceOnChanges", { deleteBeforeReplace: true, deleteBeforeReplaceDefined: true }, [], true],
        ["true without the defined flag", { deleteBeforeReplace: true }, [], true],
    ] as const)("container, option %s -> %s", (_label, opts, providerKeys, expected) => {
        expect(deleteBeforeReplace({ type: DOCKER.container, deleteBeforeReplace: false, ...opts }, providerKeys)).toBe(expected);
    });

    test("network: the provider does not ask for it (create before delete by default)", () => {
        expect(deleteBeforeReplace({ type: DOCKER.network, deleteBeforeReplace: false }, ["labels"])).toBe(false);
    });

    test("a program that sets deleteBeforeReplace: false gets create-before-delete for a ForceNew change", () => {
        const opts = { deleteBeforeReplace: false, deleteBeforeReplaceDefined: true };
        expect(diffResource(container({ envs: ["A=1"] }, opts), container({ envs: ["A=2"] }, opts))).toMatchObject({
            op: "replace",
            deleteBeforeReplace: false,
        });
    });
});

describe("image Check (pulumi-docker provider/provider.go Check)", () => {
    test("adds contextDigest, the default dockerfile, platform and buildOnPreview", () => {
        const checked = checkImage({ imageName: "x:1", build: { context: "nginx" } }, process.cwd());
        const build = checked.build as Record<string, unknown>;
        expect(build.dockerfile).toBe("nginx/Dockerfile");
        expect(build.platform).toMatch(/^linux\//);
        expect(build.contextDigest).toMatch(/^[0-9a-f]{64}$/);
        expect(checked.buildOnPreview).toBe(false);
    });

    test("normalizedInputs fills the schema defaults (skipPush false) so unset equals default", () => {
        expect(normalizedInputs(DOCKER.image, {}).skipPush).toBe(false);
    });
});
