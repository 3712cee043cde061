// The program: read and validate config, pick the target, return the stack outputs.
// index.ts runs it; tests call it under Pulumi's mock runtime, once per config.
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./lib/config/pulumiConfig";
import type { UpstreamShare } from "./lib/upstreams";
import { stackLabels } from "./components/labels";
import { LocalWebStack } from "./components/local/webStack";
import { AwsWebStack } from "./components/aws/webStack";

/** Stack outputs of both targets. */
interface CommonOutputs {
    /** Where the stack answers. */
    readonly url: pulumi.Output<string>;
    /** Per service: weight, replicas, expected share. */
    readonly upstreams: pulumi.Output<Record<string, UpstreamShare>>;
}

/** A local stack's outputs: also the nginx container, for `docker logs -f`, and with TLS its certificate. */
export interface LocalOutputs extends CommonOutputs {
    readonly nginxContainer: pulumi.Output<string>;
    readonly certificatePem?: pulumi.Output<string>;
}

/** An aws stack's outputs: also what `aws ecs` and `aws logs` commands need. */
export interface AwsOutputs extends CommonOutputs {
    readonly clusterName: pulumi.Output<string>;
    readonly serviceNames: pulumi.Output<Record<string, string>>;
    readonly logGroups: pulumi.Output<Record<string, string>>;
    /** With webstack:tls: the certificate nginx serves, for clients to trust a self-signed one. */
    readonly certificatePem?: pulumi.Output<string>;
    /** Console URL of the CloudWatch dashboard. */
    readonly dashboardUrl: pulumi.Output<string>;
    /** SNS topic every alarm notifies (subscribe more endpoints to it). */
    readonly alarmTopicArn: pulumi.Output<string>;
}

export type StackOutputs = LocalOutputs | AwsOutputs;

export function main(): StackOutputs {
    // Validation throws before anything is declared.
    const config = readStackConfig();
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const namePrefix = `${project}-${stack}`;
    const labels = stackLabels(project, stack);
    if (config.target === "aws") {
        const web = new AwsWebStack("webstack", { config, namePrefix, tags: labels });
        return {
            url: web.url,
            upstreams: web.upstreams,
            clusterName: web.clusterName,
            serviceNames: web.serviceNames,
            logGroups: pulumi.output(web.logGroups),
            ...(web.certificatePem ? { certificatePem: web.certificatePem } : {}),
            dashboardUrl: web.dashboardUrl,
            alarmTopicArn: web.alarmTopicArn,
        };
    }
    const web = new LocalWebStack("webstack", { config, namePrefix, labels });
    return {
        url: web.url,
        upstreams: web.upstreams,
        nginxContainer: web.nginxContainer,
        ...(web.certificatePem ? { certificatePem: web.certificatePem } : {}),
    };
}
