// aws: a prebuilt `services[].image` must be one Fargate can pull. Fargate has no local images, and a
// reference without a registry host means Docker Hub, which is rarely what a local tag meant; with VPC
// endpoints as the only way out, only ECR in the stack's own region is reachable.
import type { AwsConfig, ServiceSpec } from "../config/types";
import { Problems, setCommand } from "../config/validate";

const ECR_PRIVATE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The registry host of an image reference, or undefined when it names none (Docker Hub). */
export function registryHost(ref: string): string | undefined {
    const first = ref.split("/")[0];
    return ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : undefined;
}

/** Problems with each service's prebuilt image on the aws target. */
export function checkAwsImages(p: Problems, services: readonly ServiceSpec[] | undefined, aws: AwsConfig): void {
    const endpointsOnly = aws.network.kind === "create" && aws.network.egress === "endpoints";
    (services ?? []).forEach((s, i) => {
        if (s.image === undefined) {
            return;
        }
        const key = `webstack:services[${i}].image`;
        const host = registryHost(s.image);
        const ecr = host ? ECR_PRIVATE.exec(host) : null;
        const example = `123456789012.dkr.ecr.${aws.region}.amazonaws.com/${s.image.split("/").pop()}`;
        if (!host) {
            p.add(
                key,
                s.image,
                "names no registry: Fargate cannot use a local image, and a bare name means Docker Hub; on aws it must be an ECR image or a public one with its registry",
                `push it to ECR, ${setCommand(key, example)}; or write the public registry, e.g. docker.io/library/${s.image}`,
            );
        } else if (host === "localhost" || /^(127\.|localhost:)/.test(host)) {
            p.add(
                key,
                s.image,
                "is on a registry on this machine, which Fargate cannot reach",
                `push it to ECR: ${setCommand(key, example)}`,
            );
        } else if (endpointsOnly && (!ecr || ecr[2] !== aws.region)) {
            p.add(
                key,
                s.image,
                `cannot be pulled: with webstack:aws.egress endpoints the tasks reach only ECR in ${aws.region}`,
                `push it to ECR in ${aws.region} (${example}), or pulumi config set --path 'webstack:aws.egress' nat`,
            );
        }
    });
}
