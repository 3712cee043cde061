// aws: a prebuilt services[].image must be one Fargate can pull (lib/aws/images.ts).
import { registryHost } from "../../lib/aws/images";
import { problemsOf } from "../support/problems";

const AWS = { awsRegion: "eu-west-1" };
const withImage = (image: string, aws?: Record<string, unknown>) => ({
    target: "aws",
    services: JSON.stringify([{ name: "stable" }, { name: "canary", image }]),
    ...(aws ? { aws: JSON.stringify(aws) } : {}),
});

test.each([
    ["webstack-app:v2", undefined],
    ["nginx", undefined],
    ["library/nginx:1.28", undefined],
    ["docker.io/library/nginx:1.28", "docker.io"],
    ["localhost:5000/app:1", "localhost:5000"],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "a".repeat(64), "123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
])("registryHost(%s) = %s", (ref, host) => {
    expect(registryHost(ref)).toBe(host);
});

describe("accepted on aws", () => {
    test.each([
        ["an ECR image in the stack's region", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v2", undefined],
        ["an ECR image elsewhere, through NAT", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v2", undefined],
        ["ECR Public", "public.ecr.aws/nginx/nginx:1.28", undefined],
        ["Docker Hub, named", "docker.io/library/python:3.13-slim", undefined],
        ["ECR in the region with endpoints only", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v2", { egress: "endpoints" }],
    ])("%s", (_label, image, aws) => {
        expect(problemsOf(withImage(image, aws), AWS)).toEqual([]);
    });
});

describe("refused on aws, before any resource", () => {
    test.each([
        ["a local tag", "webstack-app:v2", undefined, /^webstack:services\[1\]\.image: got "webstack-app:v2"; names no registry/],
        ["a registry on this machine", "localhost:5000/app:1", undefined, /; is on a registry on this machine, which Fargate cannot reach/],
        [
            "ECR Public with endpoints only",
            "public.ecr.aws/nginx/nginx:1.28",
            { egress: "endpoints" },
            /cannot be pulled: with webstack:aws\.egress endpoints the tasks reach only ECR in eu-west-1/,
        ],
        [
            "ECR in another region with endpoints only",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v2",
            { egress: "endpoints" },
            /reach only ECR in eu-west-1/,
        ],
    ])("%s", (_label, image, aws, message) => {
        expect(problemsOf(withImage(image, aws), AWS)).toEqual([expect.stringMatching(message)]);
    });

    test("a local tag is fine on the local target", () => {
        expect(problemsOf({ services: JSON.stringify([{ name: "stable" }, { name: "canary", image: "webstack-app:v2" }]) })).toEqual([]);
    });
});
