// Step 2 of AwsWebStack: an ECR repository per image and the images, built from the same Dockerfiles as
// locally and pushed there; tasks pin them by digest.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DISCOVERY_CONTEXT, bundleDiscovery } from "../../../discovery/bundle";
import { appSources, sourceSlug } from "../../appSources";
import { BuiltImage } from "../../builtImage";
import { AwsRegistry } from "../registry";
import type { StackScope } from "./scope";

/** Untagged images each ECR repository keeps, so a circuit-breaker rollback still finds its digest. */
export const KEEP_UNTAGGED_IMAGES = 10;

let bundled = false;
/** The sidecar's bundle is written once per process (a preview evaluates the program once; tests many times). */
function bundleOnce(): void {
    if (!bundled) {
        bundleDiscovery();
        bundled = true;
    }
}

export function declareImages(s: StackScope) {
    const c = s.config;
    const a = c.aws;
    const parent = { parent: s.parent };
    const tag = pulumi.getStack();
    const registry = (image: string) =>
        new AwsRegistry(
            `${s.name}-${image}`,
            { repositoryName: `${s.prefix}/${image}`, keepUntagged: KEEP_UNTAGGED_IMAGES, tags: s.tags },
            parent,
        );
    const appRepo = registry("app");
    const nginxRepo = registry("nginx");
    const discoveryRepo = registry("discovery");
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: appRepo.registryId }, parent);
    const push = (repo: AwsRegistry) => ({
        server: repo.repositoryUrl,
        username: token.userName,
        password: pulumi.secret(token.password),
    });
    // One image per distinct app source (components/appSources.ts), tagged apart in the one app
    // repository; a prebuilt image is used by its reference.
    const appImages = new Map<string, { ref: pulumi.Input<string>; version: string }>();
    const sources = appSources(c.services, process.cwd());
    for (const source of sources) {
        const slug = sourceSlug(source);
        const ref =
            source.kind === "image"
                ? source.ref
                : new BuiltImage(
                      `${s.name}-app-image${slug ? `-${slug}` : ""}`,
                      {
                          context: source.context,
                          baseImage: c.appBaseImage,
                          imageName: pulumi.interpolate`${appRepo.repositoryUrl}:${tag}${slug ? `-${slug}` : ""}`,
                          platform: a.platform,
                          registry: push(appRepo),
                      },
                      parent,
                  ).ref;
        for (const service of source.services) {
            appImages.set(service, { ref, version: source.version });
        }
    }
    const nginxImage = new BuiltImage(
        `${s.name}-nginx-image`,
        {
            context: "nginx",
            baseImage: c.nginxBaseImage,
            imageName: pulumi.interpolate`${nginxRepo.repositoryUrl}:${tag}`,
            platform: a.platform,
            registry: push(nginxRepo),
        },
        parent,
    );
    // nginx's Cloud Map discovery sidecar (discovery/), bundled into its build context first.
    bundleOnce();
    const discoveryImage = new BuiltImage(
        `${s.name}-discovery-image`,
        {
            context: DISCOVERY_CONTEXT,
            baseImage: a.discoveryBaseImage,
            imageName: pulumi.interpolate`${discoveryRepo.repositoryUrl}:${tag}`,
            platform: a.platform,
            registry: push(discoveryRepo),
        },
        parent,
    );
    return { appRepo, nginxRepo, discoveryRepo, sources, appImages, nginxImage, discoveryImage };
}
