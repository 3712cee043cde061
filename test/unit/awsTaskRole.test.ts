// nginx's task role (components/aws/taskRole.ts): its discovery process may call exactly the two Cloud Map
// discovery actions, for exactly this stack's namespace and app services; the app tasks get no such right.
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { AWS } from "../../evaluation/resourceTypes";
import { DISCOVERY_ACTIONS, discoveryStatement, taskRolePolicy } from "../../components/aws/taskRole";
import { one } from "../support/graph";

type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const policyOf = (e: Evaluation, name: string) =>
    JSON.parse(one(e, AWS.rolePolicy, name).inputs.policy as string) as { Version: string; Statement: Statement[] };

const SCOPE = { namespaceName: "webstack-aws.internal", serviceNames: ["application1", "application2"] };

describe("the policy, as data", () => {
    test("discovery: the two read actions, Resource * (no resource type exists for them), conditioned on namespace and services", () => {
        expect(discoveryStatement(SCOPE)).toEqual({
            Sid: "DiscoverAppTasks",
            Effect: "Allow",
            Action: ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "servicediscovery:NamespaceName": "webstack-aws.internal",
                    "servicediscovery:ServiceName": ["application1", "application2"],
                },
            },
        });
    });

    test("with exec: discovery first, then ECS Exec's channels; without: discovery alone", () => {
        const sids = (exec: boolean) =>
            (taskRolePolicy({ exec, discovery: SCOPE }) as { Statement: Statement[] }).Statement.map((s) => s.Sid);
        expect([sids(false), sids(true)]).toEqual([["DiscoverAppTasks"], ["DiscoverAppTasks", "EcsExec"]]);
    });

    test("a role that would allow nothing, or a condition on no service, is refused", () => {
        expect(() => taskRolePolicy({ exec: false })).toThrow(/needs no task role/);
        expect(() => discoveryStatement({ namespaceName: "x.internal", serviceNames: [] })).toThrow(/no service to discover/);
    });
});

describe("declared", () => {
    let ev: Evaluation;
    beforeAll(async () => {
        ev = await evaluate({
            target: "aws",
            "aws:region": "us-east-1",
            services: [
                { name: "application1", weight: 3, replicas: 200 },
                { name: "application2", autoscaling: { min: 1, max: 500 } },
            ] as unknown as string,
        });
    }, 60_000);

    test("the stack evaluates with 200 replicas and autoscaling max 500", () => {
        expect(ev.error).toBeUndefined();
        expect(one(ev, AWS.service, "webstack-application1").inputs.desiredCount).toBe(200);
        expect(one(ev, AWS.scalingTarget, "webstack-application2-scaling").inputs.maxCapacity).toBe(500);
    });

    test("nginx's task definition names its own role, whose policy is exactly the discovery statement for this stack", () => {
        expect(one(ev, AWS.taskDefinition, "webstack-nginx").inputs.taskRoleArn).toBe(one(ev, AWS.role, "webstack-nginx-task").state.arn);
        expect(policyOf(ev, "webstack-nginx-task")).toEqual({
            Version: "2012-10-17",
            Statement: [discoveryStatement({ namespaceName: "webstack-dev.internal", serviceNames: ["application1", "application2"] })],
        });
    });

    test("the namespace in the condition is the declared Cloud Map namespace's name", () => {
        const statement = policyOf(ev, "webstack-nginx-task").Statement[0];
        const declared = one(ev, AWS.namespace, "webstack-cluster").inputs.name;
        expect((statement.Condition as { StringEquals: Record<string, unknown> }).StringEquals["servicediscovery:NamespaceName"]).toBe(
            declared,
        );
    });

    test("only ECS tasks of this account may assume it, as the execution role", () => {
        expect(JSON.parse(one(ev, AWS.role, "webstack-nginx-task").inputs.assumeRolePolicy as string)).toEqual(
            JSON.parse(one(ev, AWS.role, "webstack-nginx-execution").inputs.assumeRolePolicy as string),
        );
    });

    test("no other policy of the stack grants a Cloud Map action; app tasks have no task role", () => {
        const others = ev.resources.filter((r) => r.type === AWS.rolePolicy && r.name !== "webstack-nginx-task");
        for (const p of others) {
            expect([p.name, p.inputs.policy as string]).toEqual([p.name, expect.not.stringContaining("servicediscovery:")]);
        }
        for (const td of ev.resources.filter((r) => r.type === AWS.taskDefinition && r.name !== "webstack-nginx")) {
            expect([td.name, td.inputs.taskRoleArn]).toEqual([td.name, undefined]);
        }
        expect(DISCOVERY_ACTIONS).toHaveLength(2);
    });

    test("nginx starts only after its role's policy exists", () => {
        expect(one(ev, AWS.service, "webstack-nginx").dependencies).toContain(one(ev, AWS.rolePolicy, "webstack-nginx-task").urn);
    });
});
