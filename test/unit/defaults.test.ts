// Defaults live in lib/config/defaults.ts. The Dockerfiles keep the official base images as their own ARG
// defaults (for a plain `docker build`); they must be the same ones, and Pulumi.yaml declares none.
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { AWS_DEFAULTS, STACK_DEFAULTS } from "../../lib/config/defaults";

const ROOT = path.join(__dirname, "../..");
const argDefault = (dockerfile: string) => /^ARG BASE_IMAGE=(\S+)$/m.exec(readFileSync(path.join(ROOT, dockerfile), "utf8"))?.[1];

test.each([
    ["app/Dockerfile", STACK_DEFAULTS.appBaseImage],
    ["nginx/Dockerfile", STACK_DEFAULTS.nginxBaseImage],
    ["discovery/Dockerfile", AWS_DEFAULTS.discoveryBaseImage],
])("%s builds FROM the program's default base image", (dockerfile, image) => {
    expect(argDefault(dockerfile)).toBe(image);
});

test("Pulumi.yaml gives no config defaults (they would apply to every target)", () => {
    const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
    const withDefault = Object.entries(project.config)
        .filter(([, spec]) => "default" in spec)
        .map(([key]) => key);
    expect(withDefault).toEqual([]);
});
