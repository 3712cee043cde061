// Step 1 of AwsWebStack: the VPC (and the endpoints the tasks' API calls need), who terminates TLS, and the
// security groups that follow from both.
import { awsListeners } from "../../../lib/aws/listeners";
import { AwsNetwork } from "../network";
import { AwsSecurityGroups } from "../securityGroups";
import type { StackScope } from "./scope";

export function declareNetwork(s: StackScope) {
    const c = s.config;
    const a = c.aws;
    const parent = { parent: s.parent };
    // What the tasks call beyond ECR and Logs decides the further VPC endpoints (with egress: endpoints).
    const taskApis = {
        appSecretServices: [...new Set(c.services.flatMap((x) => Object.values(x.secrets ?? {}).map((arn) => arn.split(":")[2])))],
        nginxTlsSecret: c.tls !== undefined,
        exec: a.exec,
        // Issue 19: nginx's discovery sidecar reads the app tasks from Cloud Map's API.
        nginxDiscovery: true,
    };
    const network = new AwsNetwork(`${s.name}-network`, { region: a.region, network: a.network, taskApis, tags: s.tags }, parent);
    // Who terminates TLS decides the listeners, target groups and nginx ports (lib/aws/listeners.ts).
    const plan = awsListeners(c);
    const groups = new AwsSecurityGroups(
        `${s.name}-sg`,
        {
            vpcId: network.vpcId,
            publicPorts: plan.nlb.map((l) => l.port),
            targetPorts: plan.nlb.map((l) => l.targetGroup.port),
            endpoints: network.endpoints,
            tags: s.tags,
        },
        parent,
    );
    return { network, plan, groups };
}
