// Step 3 of AwsWebStack: what each ECS service runs as and writes to: its log group, nginx's TLS secret, one
// execution role per service (its image, its log group, its secrets only) and the task roles.
import * as pulumi from "@pulumi/pulumi";
import { NGINX_SERVICE_NAME } from "../../../lib/config/defaults";
import { ecrRepositoryArn } from "../../appSources";
import { TlsCertificate } from "../../tlsCertificate";
import { AwsExecutionRole, executionRoleLogicalName } from "../executionRole";
import { AwsLogGroups } from "../logGroups";
import { NginxTlsSecret } from "../nginxTlsSecret";
import { AwsTaskRole } from "../taskRole";
import type { declareImages } from "./images";
import { StackScope, namespaceName } from "./scope";

export function declareIdentities(s: StackScope, images: ReturnType<typeof declareImages>) {
    const c = s.config;
    const a = c.aws;
    const name = s.name;
    const tags = s.tags;
    const parent = { parent: s.parent };
    const { appRepo, nginxRepo, discoveryRepo, sources } = images;
    const logs = new AwsLogGroups(
        `${name}-logs`,
        {
            names: [...c.services.map((x) => x.name), NGINX_SERVICE_NAME],
            prefix: `/ecs/${s.prefix}`,
            retentionDays: a.logRetentionDays,
            tags,
        },
        parent,
    );
    // webstack:tls on aws: nginx terminates TLS; its certificate and key reach it through Secrets Manager.
    const nginxTls = c.tls && new TlsCertificate(`${name}-tls`, { tls: c.tls }, parent);
    const nginxSecret =
        nginxTls &&
        new NginxTlsSecret(
            `${name}-nginx-tls`,
            { certificatePem: nginxTls.certificatePem, privateKeyPem: nginxTls.privateKeyPem, tags },
            parent,
        );
    // One execution role per ECS service (issue 18 finding 5): its image, its log group, its secrets only.
    // The first app service's role is the stack's former single role, moved (aliased), not replaced.
    const executionRole = (key: string, repositoryArns: pulumi.Input<string>[], secretArns: pulumi.Input<string>[], kmsKeyArns: string[]) =>
        new AwsExecutionRole(
            executionRoleLogicalName(name, key),
            {
                // The registry's ID is the account the stack deploys to; no extra lookup needed.
                accountId: appRepo.registryId,
                region: a.region,
                serviceKey: key,
                repositoryArns,
                logGroupArns: [logs.arns.apply((arns) => arns[[...c.services.map((x) => x.name), NGINX_SERVICE_NAME].indexOf(key)])],
                secretArns,
                kmsKeyArns,
                tags,
            },
            { parent: s.parent, aliases: key === c.services[0].name ? [{ name: `${name}-execution` }] : [] },
        );
    const roles: Record<string, AwsExecutionRole> = {};
    for (const svc of c.services) {
        const source = sources.find((x) => x.services.includes(svc.name))!;
        // A prebuilt image in a private ECR repository is pulled from there; a built one from the app repository.
        const prebuilt = source.kind === "image" ? ecrRepositoryArn(source.ref) : undefined;
        roles[svc.name] = executionRole(
            svc.name,
            source.kind === "image" ? (prebuilt ? [prebuilt] : []) : [appRepo.arn],
            Object.values(svc.secrets ?? {}),
            [...(svc.secretsKmsKeyArns ?? [])],
        );
    }
    // nginx and its discovery sidecar's images; with webstack:tls, nginx's one secret (its certificate and key).
    roles[NGINX_SERVICE_NAME] = executionRole(
        NGINX_SERVICE_NAME,
        [nginxRepo.arn, discoveryRepo.arn],
        nginxSecret ? [nginxSecret.arn] : [],
        [],
    );

    // ECS Exec: a task role for its agent in the app tasks (webstack:aws.exec).
    const taskRole = a.exec
        ? new AwsTaskRole(`${name}-task`, { accountId: appRepo.registryId, region: a.region, exec: true, tags }, parent)
        : undefined;
    // nginx's own role, always: its discovery process reads exactly the app services from the Cloud Map API.
    const nginxTaskRole = new AwsTaskRole(
        `${name}-nginx-task`,
        {
            accountId: appRepo.registryId,
            region: a.region,
            exec: a.exec,
            discovery: { namespaceName: namespaceName(s.prefix), serviceNames: c.services.map((x) => x.name) },
            tags,
        },
        parent,
    );
    return { logs, nginxTls, nginxSecret, roles, taskRole, nginxTaskRole };
}
