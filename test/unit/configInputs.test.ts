// Issue 18, finding 11: inputs that used to slip through. null never stands for a default; a suggested
// fix keeps the value the user meant; a service may not take a DNS name the stack gives its own
// containers; a project/stack name that makes a container hostname too long is refused.
import { evaluate } from "../../evaluation/evaluate";
import { DOCKER } from "../../evaluation/resourceTypes";
import { problemsOf } from "../support/problems";
import { LOCAL_HOSTNAME_MAX, localHostnameLengths } from "../../lib/local/names";

const svc = (extra: Record<string, unknown>) => JSON.stringify([{ name: "a", ...extra }]);
const aws = { awsRegion: "us-east-1" };

describe("null is refused, never read as the default", () => {
    test.each([
        ["a service's weight", { services: svc({ weight: null }) }, "webstack:services[0].weight"],
        ["a service's replicas", { services: svc({ replicas: null }) }, "webstack:services[0].replicas"],
        ["a service's workers", { services: svc({ workers: null }) }, "webstack:services[0].workers"],
        ["a service's threads", { services: svc({ threads: null }) }, "webstack:services[0].threads"],
        ["a service's name", { services: JSON.stringify([{ name: null }]) }, "webstack:services[0].name"],
        ["a service's backup", { services: svc({ backup: null }) }, "webstack:services[0].backup"],
        ["an nginx tuning key", { nginx: JSON.stringify({ workerConnections: null }) }, "webstack:nginx.workerConnections"],
        ["a TLS mode", { tls: JSON.stringify({ mode: null }) }, "webstack:tls.mode"],
        ["TLS hostnames", { tls: JSON.stringify({ mode: "self-signed", hostnames: null }) }, "webstack:tls.hostnames"],
        ["an aws setting", { target: "aws", aws: JSON.stringify({ platform: null }) }, "webstack:aws.platform"],
        ["an aws capacity", { target: "aws", services: svc({ capacity: null }) }, "webstack:services[0].capacity"],
        [
            "an autoscaling bound",
            { target: "aws", services: svc({ autoscaling: { min: null, max: 4 } }) },
            "webstack:services[0].autoscaling.min",
        ],
    ])("%s: null", (_label, raw, key) => {
        const problems = problemsOf(raw, aws);
        expect(problems).toEqual([expect.stringMatching(new RegExp(`^${key.replace(/[.[\]]/g, "\\$&")}: got null; `))]);
        expect(problems[0]).toMatch(/null does not mean the default/);
        expect(problems[0]).toMatch(/Fix: remove '\w+' .* to take the default, or set a value/);
    });

    test("a null list entry is refused once", () => {
        expect(problemsOf({ services: JSON.stringify([null]) })).toEqual([expect.stringMatching(/^webstack:services\[0\]: got null; /)]);
    });
});

describe("a fix suggests the value the user meant", () => {
    test.each([
        ['weight "3"', { services: svc({ weight: "3" }) }, "pulumi config set --path 'webstack:services[0].weight' 3"],
        ['replicas "2"', { services: svc({ replicas: "2" }) }, "pulumi config set --path 'webstack:services[0].replicas' 2"],
        ['workers " 5 "', { services: svc({ workers: " 5 " }) }, "pulumi config set --path 'webstack:services[0].workers' 5"],
        ['backup "true"', { services: svc({ backup: "true" }) }, "pulumi config set --path 'webstack:services[0].backup' true"],
        [
            'nginx keepalive "64"',
            { nginx: JSON.stringify({ upstreamKeepalive: "64" }) },
            "pulumi config set --path 'webstack:nginx.upstreamKeepalive' 64",
        ],
        [
            'aws exec "false"',
            { target: "aws", aws: JSON.stringify({ exec: "false" }) },
            "pulumi config set --path 'webstack:aws.exec' false",
        ],
        [
            'aws alarm percent "5"',
            { target: "aws", aws: JSON.stringify({ serverErrorAlarmPercent: "5" }) },
            "pulumi config set --path 'webstack:aws.serverErrorAlarmPercent' 5",
        ],
        [
            'aws log retention "30"',
            { target: "aws", aws: JSON.stringify({ logRetentionDays: "30" }) },
            "pulumi config set --path 'webstack:aws.logRetentionDays' 30",
        ],
    ])("%s", (_label, raw, fix) => {
        const problems = problemsOf(raw, aws);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/; must be .*\(a quoted "?[\w ]+"? is text\)/);
        expect(problems[0].endsWith(`Fix: ${fix}`)).toBe(true);
    });

    test("text that is no number keeps the example", () => {
        expect(problemsOf({ services: svc({ weight: "heavy" }) })[0]).toMatch(
            /Fix: pulumi config set --path 'webstack:services\[0\]\.weight' 1$/,
        );
    });
});

describe("a service may not take a DNS name the stack gives its own containers", () => {
    test.each([
        ["the nginx container", "webstack-dev-nginx"],
        ["the nginx config container's volume", "webstack-dev-nginx-config"],
        ["another service's replica", "webstack-dev-a-abcdef-1"],
        ["the network", "webstack-dev"],
        ["localhost", "localhost"],
    ])("%s (%s) is refused on the local target", (_label, name) => {
        const problems = problemsOf({ services: JSON.stringify([{ name: "a" }, { name }]) });
        expect(problems).toEqual([
            expect.stringMatching(/^webstack:services\[1\]\.name: got "[\w-]+"; is a name on the stack's Docker network/),
        ]);
    });

    test("the names are the stack's own: another project's prefix is free", () => {
        expect(problemsOf({ services: svc({ name: "webstack-dev-nginx" }) }, { project: "shop", stack: "prod" })).toEqual([]);
        expect(problemsOf({ services: svc({ name: "shop-prod-nginx" }) }, { project: "shop", stack: "prod" })).toEqual([
            expect.stringMatching(/^webstack:services\[0\]\.name: got "shop-prod-nginx"; is a name on the stack's Docker network/),
        ]);
    });
});

describe("container hostnames fit a DNS label", () => {
    const long32 = "a".repeat(32);
    test("a long service name with a long stack name is refused with the length that fits", () => {
        const stack = "staging-eu-west-1-blue";
        const problems = problemsOf({ services: svc({ name: long32 }) }, { project: "webstack", stack });
        const fits = LOCAL_HOSTNAME_MAX - localHostnameLengths(`webstack-${stack}`, "").app;
        expect(problems).toEqual([
            expect.stringMatching(
                new RegExp(
                    `^webstack:services\\[0\\]\\.name: got "a{32}"; makes replica hostnames \\d+ characters .*Fix: .*at most ${fits} characters`,
                ),
            ),
        ]);
    });

    test("a stack name too long for the nginx containers is refused, naming the stack", () => {
        const problems = problemsOf({ services: svc({}) }, { project: "webstack", stack: "x".repeat(40) });
        expect(problems).toEqual([
            expect.stringMatching(/^pulumi stack name: got "x{40}"; .*hostname .* 71 characters.*Fix: pulumi stack rename/),
        ]);
    });

    test("with the default services, their replica hostnames count too", () => {
        // application1 is the longest default name: <prefix>-application1-<6>-<2> is 23 characters past the prefix.
        const fits = "s".repeat(LOCAL_HOSTNAME_MAX - localHostnameLengths("webstack-", "application1").app);
        expect(problemsOf({}, { stack: fits })).toEqual([]);
        expect(problemsOf({}, { stack: `${fits}s` })).toEqual([
            expect.stringMatching(
                /^pulumi stack name: got "s+"; .*the default service application1's replica hostnames .* 64 characters.*Fix: pulumi stack rename <a name of at most \d+ characters>, or set webstack:services with shorter names$/,
            ),
        ]);
        expect(problemsOf({ services: svc({}) }, { stack: `${fits}s` })).toEqual([]);
    });

    test("under the mock runtime: a too-long stack name declares nothing", async () => {
        const ev = await evaluate({}, { stack: "x".repeat(40) });
        expect(ev.error?.name).toBe("ConfigError");
        expect(ev.resources).toHaveLength(0);
    });

    test("the length rule is the components' real names (longest accepted stack, every hostname declared)", async () => {
        const stack = "s".repeat(LOCAL_HOSTNAME_MAX - localHostnameLengths("webstack-", "").nginxConfig);
        const ev = await evaluate({ services: [{ name: "a", replicas: 10 }] }, { stack });
        expect(ev.error).toBeUndefined();
        const hostnames = ev.resources.filter((r) => r.type === DOCKER.container).map((r) => String(r.inputs.hostname));
        expect(hostnames.length).toBeGreaterThan(2);
        expect(Math.max(...hostnames.map((h) => h.length))).toBe(LOCAL_HOSTNAME_MAX);
        const lengths = localHostnameLengths(`webstack-${stack}`, "a");
        expect(hostnames.map((h) => h.length).sort()).toEqual(
            expect.arrayContaining([lengths.nginx, lengths.nginxConfig, lengths.app - 1 /* replica 1..9: one digit */]),
        );
    });
});
