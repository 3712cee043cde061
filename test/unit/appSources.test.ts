import { evaluate } from "../../evaluation/evaluate";
import { planDiff } from "../../replay/plan";
import { AWS, DOCKER } from "../../evaluation/resourceTypes";
import { appSources, ecrRepositoryArn, imageVersion, sourceKey } from "../../components/appSources";
import { weightsForPercent } from "../../rollout/weights";
import { weightsOf, withWeights } from "../../rollout/run";
import { problemsOf } from "../support/problems";
import { makeAppVariant } from "../support/appVariant";

const ROOT = process.cwd();
let v2: string;
beforeAll(() => {
    v2 = makeAppVariant("unit-v2", { version: "2.0.0" });
});

describe("app sources", () => {
    test("services naming the same source share one; the default is app/", () => {
        const sources = appSources(
            [{ name: "a" }, { name: "b", app: "app" }, { name: "c", app: v2 }, { name: "d", image: "repo/x@sha256:" + "ab".repeat(32) }],
            ROOT,
        );
        expect(sources.map((s) => [s.kind, s.services])).toEqual([
            ["build", ["a", "b"]],
            ["build", ["c"]],
            ["image", ["d"]],
        ]);
        expect(sources[1].version).toBe("2.0.0");
        // No VERSION file: the context's digest names the version.
        expect(sources[0].version).toMatch(/^src-[0-9a-f]{12}$/);
        expect(sources[2].version).toBe("abababababab");
    });

    test.each([
        ["repo/app:1.4", "1.4"],
        ["localhost:5000/app", "latest"],
        ["localhost:5000/app:v2", "v2"],
        [`123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"0f".repeat(32)}`, "0f0f0f0f0f0f"],
    ])("the version of image %s is %s", (ref, version) => {
        expect(imageVersion(ref)).toBe(version);
    });

    test("app/ and ./app/ are one source", () => {
        expect(sourceKey({ app: "./app/" })).toBe(sourceKey({}));
    });
});

describe("a prebuilt image in a private ECR repository", () => {
    test.each([
        [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v2`, "arn:aws:ecr:eu-west-1:123456789012:repository/team/app"],
        [`123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"ab".repeat(32)}`, "arn:aws:ecr:us-east-1:123456789012:repository/app"],
        ["public.ecr.aws/nginx/nginx:1.27", undefined],
        ["webstack-app:v2", undefined],
    ])("%s -> %s", (ref, arn) => {
        expect(ecrRepositoryArn(ref)).toBe(arn);
    });

    test("on aws, the execution role may pull it; the task runs it as given", async () => {
        const ref = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2";
        const ev = await evaluate({
            target: "aws",
            "aws:region": "us-east-1",
            services: [{ name: "stable" }, { name: "canary", image: ref }] as unknown as string,
        });
        expect(ev.error).toBeUndefined();
        // The canary's own execution role (one per ECS service) may pull it.
        const policy = JSON.parse(
            ev.resources.find((r) => r.type === AWS.rolePolicy && r.name === "webstack-canary-execution")!.inputs.policy as string,
        ) as {
            Statement: { Sid: string; Resource: string[] }[];
        };
        expect(policy.Statement.find((x) => x.Sid === "PullImages")!.Resource).toContain(
            "arn:aws:ecr:us-east-1:123456789012:repository/team/app",
        );
        const td = ev.resources.find((r) => r.type === AWS.taskDefinition && r.name === "webstack-canary")!;
        expect((JSON.parse(td.inputs.containerDefinitions as string) as { image: string }[])[0].image).toBe(ref);
    }, 60_000);
});

describe("validation of services[].app and image", () => {
    const services = (extra: Record<string, unknown>) => ({ services: JSON.stringify([{ name: "a", ...extra }]) });
    test.each([
        ["both app and image", { app: "app", image: "x:1" }, /services\[0\]\.app: got "app"; and `image` are mutually exclusive/],
        ["a folder that does not exist", { app: "nope" }, /must be a folder with a Dockerfile/],
        ["a folder without a Dockerfile", { app: "docs" }, /must be a folder with a Dockerfile/],
        ["a folder outside the project", { app: "../app" }, /must be a folder inside the project/],
        ["an ill-formed image reference", { image: "Not An Image" }, /must be an image reference/],
        ["a backup that is not a boolean", { backup: "yes" }, /backup: got "yes"; must be true or false/],
    ])("refuses %s", (_label, extra, message) => {
        const problems = problemsOf(services(extra));
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(message);
    });

    test("accepts a variant folder, an image, and backup", () => {
        expect(problemsOf(services({ app: v2, backup: true }))).toEqual([]);
        expect(problemsOf(services({ image: "webstack-app:v2" }))).toEqual([]);
    });
});

describe("aws: two sources", () => {
    const two = (services: Record<string, unknown>[]) =>
        evaluate({ target: "aws", "aws:region": "us-east-1", services: services as unknown as string });
    const original = [
        { name: "stable", weight: 1, replicas: 2 },
        { name: "canary", weight: 1, replicas: 1 },
    ];

    test("two sources are two ECR images and two task definitions running them; a weight step changes only nginx's task definition", async () => {
        const entries = [original[0], { ...original[1], app: v2 }];
        const before = await two(entries);
        expect(before.error).toBeUndefined();
        const images = before.resources.filter((r) => r.type === DOCKER.image && r.name.startsWith("webstack-app-image"));
        expect(images).toHaveLength(2);
        expect(new Set(images.map((i) => i.state.repoDigest)).size).toBe(2);
        const image = (service: string) =>
            (
                JSON.parse(
                    before.resources.find((r) => r.type === AWS.taskDefinition && r.name === `webstack-${service}`)!.inputs
                        .containerDefinitions as string,
                ) as {
                    image: string;
                    environment: { name: string; value: string }[];
                }[]
            )[0];
        expect(image("stable").image).not.toBe(image("canary").image);
        expect(images.map((i) => i.state.repoDigest)).toEqual(expect.arrayContaining([image("stable").image, image("canary").image]));
        expect(image("canary").environment).toContainEqual({ name: "WEBSTACK_VERSION", value: "2.0.0" });

        const step = weightsForPercent(weightsOf(entries), "stable", "canary", 25);
        const after = await two(withWeights(entries, step.services));
        const changed = planDiff(before, after).steps.map((s) => `${s.op} ${s.type} ${s.name}`);
        expect(changed.filter((c) => c.includes(AWS.taskDefinition))).toEqual([`replace ${AWS.taskDefinition} webstack-nginx`]);
        // Nothing of the app services changes: no image, no task definition, no ECS service.
        expect(changed.filter((c) => /webstack-(stable|canary)|app-image/.test(c))).toEqual([]);
    }, 60_000);
});
