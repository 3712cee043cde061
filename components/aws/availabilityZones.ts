// Zone lookups the network needs before it declares subnets or hands existing ones on: the AZs a new
// VPC uses (by AZ ID, where Fargate runs), and the AZs of an existing VPC's subnets. The rules are pure
// functions in lib/aws/availabilityZones.ts; this file only asks EC2.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { pickFargateZones, subnetZoneProblems } from "../../lib/aws/availabilityZones";
import type { ExistingVpc } from "../../lib/config/types";
import { ConfigError } from "../../lib/config/validate";

/** How many AZs the stack spreads over (one public and one private subnet in each). */
export const ZONE_COUNT = 2;

/** Names of the first ZONE_COUNT regular AZs (no Local or Wavelength Zones) where Fargate runs. */
export function fargateZoneNames(region: string, opts: pulumi.InvokeOutputOptions): pulumi.Output<string[]> {
    const azs = aws.getAvailabilityZonesOutput(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        opts,
    );
    return pulumi.all([azs.names, azs.zoneIds]).apply(([names, ids]) =>
        pickFargateZones(
            region,
            names.map((name, i) => ({ name, zoneId: ids[i] })),
            ZONE_COUNT,
        ).map((z) => z.name),
    );
}

/**
 * An existing VPC's subnet IDs, resolved only once EC2 confirms each list spans distinct AZs (and the
 * tasks' subnets are in Fargate AZs); otherwise they reject with a ConfigError naming key, value and fix.
 */
export function checkedSubnets(
    region: string,
    vpc: ExistingVpc,
    opts: pulumi.InvokeOutputOptions,
): { publicSubnetIds: pulumi.Output<string[]>; privateSubnetIds: pulumi.Output<string[]> } {
    const lookup = (ids: readonly string[]) =>
        pulumi
            .all(ids.map((id) => aws.ec2.getSubnetOutput({ id }, opts)))
            .apply((subnets) =>
                subnets.map((s, i) => ({ id: ids[i], availabilityZone: s.availabilityZone, availabilityZoneId: s.availabilityZoneId })),
            );
    const key = "webstack:aws.existingVpc";
    const problems = pulumi
        .all([lookup(vpc.publicSubnetIds), lookup(vpc.privateSubnetIds)])
        .apply(([pub, priv]) => [
            ...subnetZoneProblems(`${key}.publicSubnetIds`, region, pub, false),
            ...subnetZoneProblems(`${key}.privateSubnetIds`, region, priv, true),
        ]);
    const after = (ids: readonly string[]) =>
        problems.apply((p) => {
            if (p.length > 0) {
                throw new ConfigError(p);
            }
            return [...ids];
        });
    return { publicSubnetIds: after(vpc.publicSubnetIds), privateSubnetIds: after(vpc.privateSubnetIds) };
}
