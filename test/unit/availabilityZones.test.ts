// Fargate AZs by ID (lib/aws/availabilityZones.ts): the zones picked for a created VPC, and the checks of an
// existing VPC's subnets as the aws provider's getSubnet reports them.
import { FARGATE_AZ_IDS } from "../../lib/aws/facts";
import { Zone, fargateRunsIn, pickFargateZones, subnetZoneProblems } from "../../lib/aws/availabilityZones";

const zones = (region: string, ids: string[]): Zone[] => ids.map((zoneId, i) => ({ name: `${region}${"abcdef"[i]}`, zoneId }));

describe("pickFargateZones: the first two zones, by name order, whose AZ ID runs Fargate", () => {
    test.each([
        // region, zone IDs as this account lists them (names a, b, c, ...), picked names
        ["us-east-1", ["use1-az6", "use1-az1", "use1-az2"], ["us-east-1a", "us-east-1b"]],
        // us-west-1: usw1-az1 and usw1-az3 only; an account whose 'a' is usw1-az2 skips it.
        ["us-west-1", ["usw1-az2", "usw1-az1", "usw1-az3"], ["us-west-1b", "us-west-1c"]],
        ["us-west-1", ["usw1-az3", "usw1-az1"], ["us-west-1a", "us-west-1b"]],
        // ap-northeast-1: apne1-az3 lacks Fargate.
        ["ap-northeast-1", ["apne1-az4", "apne1-az3", "apne1-az1"], ["ap-northeast-1a", "ap-northeast-1c"]],
        ["ca-central-1", ["cac1-az4", "cac1-az1", "cac1-az2"], ["ca-central-1b", "ca-central-1c"]],
    ])("%s %j -> %j", (region, ids, picked) => {
        expect(pickFargateZones(region, zones(region, ids), 2).map((z) => z.name)).toEqual(picked);
    });

    test("fewer than two Fargate zones: the error names the region, the allowed IDs, what was seen and the fix", () => {
        expect(() => pickFargateZones("us-west-1", zones("us-west-1", ["usw1-az2", "usw1-az3"]), 2)).toThrow(
            'aws:region: got "us-west-1"; the stack needs 2 availability zones where Fargate runs (in us-west-1 only usw1-az1, usw1-az3), ' +
                "and this account has 1 of them among: us-west-1a (usw1-az2), us-west-1b (usw1-az3). " +
                "Fix: pulumi config set aws:region us-east-1, or give webstack:aws.existingVpc subnets in Fargate zones",
        );
    });

    test("the limited regions are the documented ones, and an unlisted region allows any zone", () => {
        expect(Object.keys(FARGATE_AZ_IDS).sort()).toEqual(["ap-northeast-1", "ca-central-1", "cn-north-1", "us-west-1"]);
        expect(fargateRunsIn("eu-west-1", "euw1-az3")).toBe(true);
        expect(fargateRunsIn("us-west-1", "usw1-az2")).toBe(false);
    });
});

describe("subnetZoneProblems: an existing VPC's subnets", () => {
    const KEY = "webstack:aws.existingVpc.publicSubnetIds";
    const subnet = (id: string, az: string, azId: string) => ({ id, availabilityZone: az, availabilityZoneId: azId });

    test("two subnets in different AZs pass", () => {
        expect(
            subnetZoneProblems(
                KEY,
                "us-east-1",
                [subnet("subnet-1", "us-east-1a", "use1-az1"), subnet("subnet-2", "us-east-1b", "use1-az2")],
                false,
            ),
        ).toEqual([]);
    });

    test("two subnets in one AZ: the second is named, with the first and the fix", () => {
        expect(
            subnetZoneProblems(
                KEY,
                "us-east-1",
                [subnet("subnet-1", "us-east-1a", "use1-az1"), subnet("subnet-2", "us-east-1a", "use1-az1")],
                false,
            ),
        ).toEqual([
            `${KEY}[1]: got "subnet-2"; is in us-east-1a (use1-az1), the same AZ as subnet-1; each subnet must be in a different AZ ` +
                "(a load balancer takes one subnet per AZ). Fix: replace it with a subnet of another AZ",
        ]);
    });

    test("a task subnet in a zone without Fargate is refused; a load balancer subnet there is not", () => {
        const subnets = [subnet("subnet-1", "us-west-1a", "usw1-az1"), subnet("subnet-2", "us-west-1b", "usw1-az2")];
        expect(subnetZoneProblems("webstack:aws.existingVpc.privateSubnetIds", "us-west-1", subnets, true)).toEqual([
            'webstack:aws.existingVpc.privateSubnetIds[1]: got "subnet-2"; is in us-west-1b (usw1-az2), where Fargate does not run ' +
                "(us-west-1: usw1-az1, usw1-az3 only). Fix: replace it with a subnet in one of those AZ IDs",
        ]);
        expect(subnetZoneProblems(KEY, "us-west-1", subnets, false)).toEqual([]);
    });
});
