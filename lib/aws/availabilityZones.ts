// Which availability zones the stack may use. Fargate runs in every AZ of most regions, but in a few
// only in some AZs, named by AZ ID (lib/aws/facts.ts FARGATE_AZ_IDS). AZ names (us-west-1a) map to
// different physical zones in different accounts, so the check is always by ID.
import { FARGATE_AZ_IDS } from "./facts";
import { show } from "../config/validate";

/** One zone as EC2 DescribeAvailabilityZones reports it. */
export interface Zone {
    /** Account-specific name, e.g. us-west-1b. */
    readonly name: string;
    /** Physical zone ID, e.g. usw1-az3. */
    readonly zoneId: string;
}

/** True when Fargate runs in this zone of this region. */
export function fargateRunsIn(region: string, zoneId: string): boolean {
    const only = FARGATE_AZ_IDS[region];
    return only === undefined || only.includes(zoneId);
}

/**
 * The first `count` zones (in the order EC2 lists them, by name) where Fargate runs. Throws, naming the
 * region, the zones seen and the fix, when there are fewer.
 */
export function pickFargateZones(region: string, zones: readonly Zone[], count: number): Zone[] {
    const usable = zones.filter((z) => fargateRunsIn(region, z.zoneId));
    if (usable.length < count) {
        const seen = zones.map((z) => `${z.name} (${z.zoneId})`).join(", ") || "none";
        const only = FARGATE_AZ_IDS[region];
        throw new Error(
            `aws:region: got "${region}"; the stack needs ${count} availability zones where Fargate runs` +
                `${only ? ` (in ${region} only ${only.join(", ")})` : ""}, and this account has ${usable.length} of them among: ${seen}. ` +
                "Fix: pulumi config set aws:region us-east-1, or give webstack:aws.existingVpc subnets in Fargate zones",
        );
    }
    return usable.slice(0, count);
}

/** A subnet with the zone EC2 reports for it (the aws provider's getSubnet). */
export interface SubnetZone {
    readonly id: string;
    /** AZ name, e.g. us-east-1a. */
    readonly availabilityZone: string;
    /** AZ ID, e.g. use1-az2. */
    readonly availabilityZoneId: string;
}

/**
 * Problems with one list of existing subnets, one line each in the config parser's form (key, value,
 * fix): two subnets in one AZ (the load balancer rejects them, and two task subnets in one AZ give no
 * zone redundancy), and, for the tasks' subnets, a zone where Fargate does not run.
 */
export function subnetZoneProblems(key: string, region: string, subnets: readonly SubnetZone[], tasksRunHere: boolean): string[] {
    const problems: string[] = [];
    subnets.forEach((s, i) => {
        const first = subnets.findIndex((o) => o.availabilityZoneId === s.availabilityZoneId);
        if (first !== i) {
            problems.push(
                `${key}[${i}]: got ${show(s.id)}; is in ${s.availabilityZone} (${s.availabilityZoneId}), the same AZ as ${subnets[first].id}; ` +
                    `each subnet must be in a different AZ (a load balancer takes one subnet per AZ). Fix: replace it with a subnet of another AZ`,
            );
        } else if (tasksRunHere && !fargateRunsIn(region, s.availabilityZoneId)) {
            problems.push(
                `${key}[${i}]: got ${show(s.id)}; is in ${s.availabilityZone} (${s.availabilityZoneId}), where Fargate does not run ` +
                    `(${region}: ${FARGATE_AZ_IDS[region].join(", ")} only). Fix: replace it with a subnet in one of those AZ IDs`,
            );
        }
    });
    return problems;
}
