// The network's zone lookups under the mock runtime (evaluation/awsMocks.ts): a created VPC's subnets go to the
// zones pickFargateZones chose, and an existing VPC's subnets are refused when two share an AZ.
import * as pulumi from "@pulumi/pulumi";
import { INVOKE_RESULTS, State } from "../../evaluation/mocks";
import { checkedSubnets, fargateZoneNames } from "../../components/aws/availabilityZones";
import { ConfigError } from "../../lib/config/validate";

beforeAll(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: (args) => INVOKE_RESULTS[args.token](args.inputs as State),
        },
        "webstack",
        "dev",
        false,
    );
});

// The Output's value (resolves, or rejects with what the apply threw). An apply that throws rejects the
// Output's isKnown and isSecret promises too; the Pulumi runtime reports those as the program's error, and
// here they are caught so the test runner sees only the value.
const settle = <T>(o: pulumi.Output<T>): Promise<T> => {
    const internal = o as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
    internal.isKnown.catch(() => undefined);
    internal.isSecret.catch(() => undefined);
    return internal.promise();
};
const vpc = (publicSubnetIds: string[], privateSubnetIds: string[]) => ({ vpcId: "vpc-12345678", publicSubnetIds, privateSubnetIds });

test("a created VPC uses the first two AZs the mock account lists", async () => {
    await expect(settle(fargateZoneNames("us-east-1", {}))).resolves.toEqual(["us-east-1a", "us-east-1b"]);
});

test("existing subnets in distinct AZs pass through unchanged", async () => {
    const s = checkedSubnets("us-east-1", vpc(["subnet-11111111", "subnet-22222222"], ["subnet-33333333", "subnet-44444444"]), {});
    await expect(settle(s.publicSubnetIds)).resolves.toEqual(["subnet-11111111", "subnet-22222222"]);
    await expect(settle(s.privateSubnetIds)).resolves.toEqual(["subnet-33333333", "subnet-44444444"]);
});

test("two public subnets in one AZ (mock: last hex digit 1 and 4 are both zone b): both lists reject with the parser's message", async () => {
    const s = checkedSubnets("us-east-1", vpc(["subnet-11111111", "subnet-44444444"], ["subnet-33333333", "subnet-22222222"]), {});
    const expected =
        'webstack:aws.existingVpc.publicSubnetIds[1]: got "subnet-44444444"; is in us-east-1b (use1-az2), the same AZ as subnet-11111111; ' +
        "each subnet must be in a different AZ (a load balancer takes one subnet per AZ). Fix: replace it with a subnet of another AZ";
    const err = await settle(s.privateSubnetIds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expected]);
    await expect(settle(s.publicSubnetIds)).rejects.toThrow(expected);
});
