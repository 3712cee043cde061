import { evaluate } from "../../evaluation/evaluate";
import { problemsOf } from "../support/problems";
import { DEFAULT_NGINX, DEFAULT_SERVICES } from "../../lib/config/defaults";
import { parseStackConfig } from "../../lib/config/config";

const svc = (extra: Record<string, unknown>) => JSON.stringify([{ name: "a", ...extra }]);

// Each row: raw config (as Pulumi passes it: scalars as text, structured values as JSON) and the one
// problem it must produce. Every message names the key, the bad value and the fix.
const BAD: [string, Record<string, string>, string][] = [
    [
        "empty services list",
        { services: "[]" },
        "webstack:services: got []; must name at least one service. Fix: write it as a YAML list in Pulumi.<stack>.yaml, e.g. `services: [{name: application1, weight: 3, replicas: 1, workers: 6}]`",
    ],
    [
        "object where a list is expected",
        { services: JSON.stringify({ application1: { weight: 3 } }) },
        'webstack:services: got {"application1":{"weight":3}}; must be a list of {name, weight, replicas, workers}. Fix: write it as a YAML list in Pulumi.<stack>.yaml, e.g. `services: [{name: application1, weight: 3, replicas: 1, workers: 6}]`',
    ],
    [
        "a scalar where a list is expected",
        { services: "application1" },
        'webstack:services: got "application1"; must be a list of {name, weight, replicas, workers}. Fix: write it as a YAML list in Pulumi.<stack>.yaml, e.g. `services: [{name: application1, weight: 3, replicas: 1, workers: 6}]`',
    ],
    [
        "an entry that is not an object",
        { services: JSON.stringify(["application1"]) },
        'webstack:services[0]: got "application1"; must be an object {name, weight, replicas, workers}. Fix: write it as e.g. {name: application1, weight: 3, replicas: 1, workers: 6}',
    ],
    [
        "duplicate name",
        { services: JSON.stringify([{ name: "a" }, { name: "a" }]) },
        "webstack:services[1].name: got \"a\"; is a duplicate; service names must be unique. Fix: rename one of them, e.g. pulumi config set --path 'webstack:services[1].name' a-2",
    ],
    [
        "name not a DNS label",
        { services: svc({ name: "App_1" }) },
        "webstack:services[0].name: got \"App_1\"; must be a DNS label: 1-32 lowercase letters, digits or '-', starting with a letter, not ending with '-'. Fix: pulumi config set --path 'webstack:services[0].name' application1",
    ],
    [
        "missing name",
        { services: JSON.stringify([{ weight: 2 }]) },
        "webstack:services[0].name: got nothing; must be a DNS label: 1-32 lowercase letters, digits or '-', starting with a letter, not ending with '-'. Fix: pulumi config set --path 'webstack:services[0].name' application1",
    ],
    [
        "weight 0",
        { services: svc({ weight: 0 }) },
        "webstack:services[0].weight: got 0; must be an integer from 1 to 100 (the nginx upstream weight of each replica). Fix: pulumi config set --path 'webstack:services[0].weight' 1",
    ],
    [
        "negative weight",
        { services: svc({ weight: -2 }) },
        "webstack:services[0].weight: got -2; must be an integer from 1 to 100 (the nginx upstream weight of each replica). Fix: pulumi config set --path 'webstack:services[0].weight' 1",
    ],
    [
        "fractional weight",
        { services: svc({ weight: 1.5 }) },
        "webstack:services[0].weight: got 1.5; must be an integer from 1 to 100 (the nginx upstream weight of each replica). Fix: pulumi config set --path 'webstack:services[0].weight' 1",
    ],
    [
        "weight as a string",
        { services: svc({ weight: "3" }) },
        'webstack:services[0].weight: got "3"; must be an integer from 1 to 100 (the nginx upstream weight of each replica) (a quoted "3" is text). Fix: pulumi config set --path \'webstack:services[0].weight\' 3',
    ],
    [
        "negative replicas",
        { services: svc({ replicas: -1 }) },
        "webstack:services[0].replicas: got -1; must be an integer from 0 to 50 (containers of this service; 0 keeps it declared with no traffic). Fix: pulumi config set --path 'webstack:services[0].replicas' 1",
    ],
    [
        "fractional replicas",
        { services: svc({ replicas: 0.5 }) },
        "webstack:services[0].replicas: got 0.5; must be an integer from 0 to 50 (containers of this service; 0 keeps it declared with no traffic). Fix: pulumi config set --path 'webstack:services[0].replicas' 1",
    ],
    [
        "absurd replicas",
        { services: svc({ replicas: 1000 }) },
        "webstack:services[0].replicas: got 1000; must be an integer from 0 to 50 (containers of this service; 0 keeps it declared with no traffic). Fix: pulumi config set --path 'webstack:services[0].replicas' 1",
    ],
    [
        "workers < 1",
        { services: svc({ workers: 0 }) },
        "webstack:services[0].workers: got 0; must be an integer from 1 to 64 (Gunicorn workers per replica). Fix: pulumi config set --path 'webstack:services[0].workers' 3",
    ],
    [
        "port out of range",
        { httpPort: "70000" },
        "webstack:httpPort: got \"70000\"; must be an integer from 1 to 65535 (a TCP port). Fix: pulumi config set 'webstack:httpPort' 8080",
    ],
    [
        "port 0",
        { httpPort: "0" },
        "webstack:httpPort: got \"0\"; must be an integer from 1 to 65535 (a TCP port). Fix: pulumi config set 'webstack:httpPort' 8080",
    ],
    [
        "port not a number",
        { httpPort: "http" },
        "webstack:httpPort: got \"http\"; must be an integer from 1 to 65535 (a TCP port). Fix: pulumi config set 'webstack:httpPort' 8080",
    ],
    [
        "unknown target",
        { target: "gcp" },
        "webstack:target: got \"gcp\"; must be 'local' (Docker on this machine) or 'aws' (ECS Fargate). Fix: pulumi config set 'webstack:target' local",
    ],
    [
        "typo inside a service",
        { services: svc({ wieght: 3 }) },
        "webstack:services[0].wieght: got 3; unknown key (did you mean 'weight'?); known keys are name, weight, replicas, workers, threads, backup, app, image, cpu, memoryMiB, autoscaling, capacity, secrets, secretsKmsKeyArns, secretConfig. Fix: rename or remove 'wieght' in Pulumi.<stack>.yaml",
    ],
    [
        "typo in a top-level key",
        { httpPrt: "80" },
        "webstack:httpPrt: got \"80\"; unknown config key (did you mean 'webstack:httpPort'?); known keys are target, services, httpPort, httpsPort, bindAddress, appBaseImage, nginxBaseImage, nginx, tls, hstsMaxAgeSec, aws. Fix: pulumi config rm 'webstack:httpPrt'",
    ],
    [
        "bad bind address",
        { bindAddress: "localhost" },
        "webstack:bindAddress: got \"localhost\"; must be an IPv4 address (127.0.0.1 keeps nginx private to this host; 0.0.0.0 exposes it). Fix: pulumi config set 'webstack:bindAddress' 127.0.0.1",
    ],
    [
        "bad base image",
        { appBaseImage: "Python 3" },
        "webstack:appBaseImage: got \"Python 3\"; must be an image reference like repo/name:tag. Fix: pulumi config set 'webstack:appBaseImage' python:3.13-slim",
    ],
    [
        "typo in nginx tuning",
        { nginx: JSON.stringify({ workerConections: 10 }) },
        "webstack:nginx.workerConections: got 10; unknown key (did you mean 'workerConnections'?); known keys are workerProcesses, workerConnections, upstreamKeepalive, upstreamKeepaliveTimeoutSec, resolverValidSec, accessLogBufferKiB, accessLogFlushSec, proxyConnectTimeoutSec, failTimeoutSec, proxyBuffering, clientMaxBodyMiB, clientHeaderTimeoutSec, clientBodyTimeoutSec, sendTimeoutSec, proxyReadTimeoutSec, rateLimitPerSec, rateLimitBurst, connLimitPerClient. Fix: rename or remove 'workerConections' in Pulumi.<stack>.yaml",
    ],
    [
        "aws settings on a local stack",
        { aws: JSON.stringify({ region: "us-east-1" }) },
        'webstack:aws: got {"region":"us-east-1"}; is only read when webstack:target is aws (AWS settings); this stack\'s target is local. Fix: pulumi config set webstack:target aws, or pulumi config rm webstack:aws',
    ],
    [
        "a bind address on an aws stack",
        { target: "aws", bindAddress: "0.0.0.0" },
        "webstack:bindAddress: got \"0.0.0.0\"; is only read when webstack:target is local (the host address nginx's port binds on); this stack's target is aws. Fix: pulumi config set webstack:target local, or pulumi config rm webstack:bindAddress",
    ],
];

describe("bad stack config", () => {
    test.each(BAD)("%s: the exact message", (_label, raw, message) => {
        expect(problemsOf(raw, { awsRegion: "us-east-1" })).toEqual([message]);
    });

    test("the program declares nothing when the config is bad", async () => {
        const ev = await evaluate({ services: svc({ weight: 0 }) });
        expect(ev.error?.name).toBe("ConfigError");
        expect(ev.error?.message).toBe(`invalid stack config:\n  - ${BAD.find(([label]) => label === "weight 0")![2]}`);
        expect(ev.resources).toHaveLength(0);
    });

    test("every problem is reported at once, in key order", () => {
        let problems: readonly string[] = [];
        try {
            parseStackConfig({ target: "gcp", httpPort: "0", services: svc({ weight: 0, workers: 0 }) });
        } catch (e) {
            problems = (e as { problems: readonly string[] }).problems;
        }
        expect(problems.map((p) => p.split(":").slice(0, 2).join(":"))).toEqual([
            "webstack:target",
            "webstack:services[0].weight",
            "webstack:services[0].workers",
            "webstack:httpPort",
        ]);
    });
});

describe("good stack config", () => {
    test("defaults reproduce the article", () => {
        const c = parseStackConfig({}, { hostCpus: 2 });
        expect(c).toEqual({
            target: "local",
            // cpu and memoryMiB: Docker limits sized from workers and threads (test/unit/localLimits.test.ts).
            services: DEFAULT_SERVICES.map((s, i) => ({ ...s, cpu: 2048, memoryMiB: [368, 248][i] })),
            httpPort: 8080,
            httpsPort: 8443,
            hstsMaxAgeSec: 0,
            bindAddress: "127.0.0.1",
            appBaseImage: "python:3.13-slim",
            nginxBaseImage: "nginx:1.28",
            nginx: DEFAULT_NGINX,
        });
        expect(c.services.map((s) => [s.name, s.weight, s.replicas, s.workers])).toEqual([
            ["application1", 3, 1, 6],
            ["application2", 1, 1, 3],
        ]);
    });

    test.each([
        [
            "replicas 0 stays valid",
            { services: svc({ replicas: 0 }) },
            (c: ReturnType<typeof parseStackConfig>) => c.services[0].replicas,
            0,
        ],
        [
            "missing fields take defaults",
            { services: svc({}) },
            (c: ReturnType<typeof parseStackConfig>) => [
                c.services[0].weight,
                c.services[0].replicas,
                c.services[0].workers,
                c.services[0].threads,
            ],
            [1, 1, 3, 4],
        ],
        ["httpPort as text", { httpPort: "18080" }, (c: ReturnType<typeof parseStackConfig>) => c.target === "local" && c.httpPort, 18080],
        [
            "bind on all interfaces",
            { bindAddress: "0.0.0.0" },
            (c: ReturnType<typeof parseStackConfig>) => c.target === "local" && c.bindAddress,
            "0.0.0.0",
        ],
        [
            "nginx tuning merges with defaults",
            { nginx: JSON.stringify({ workerProcesses: 2 }) },
            (c: ReturnType<typeof parseStackConfig>) => [c.nginx.workerProcesses, c.nginx.workerConnections],
            [2, 4096],
        ],
        [
            "private registry base image",
            { appBaseImage: "registry.example.com:5000/python:3.13-slim" },
            (c: ReturnType<typeof parseStackConfig>) => c.appBaseImage,
            "registry.example.com:5000/python:3.13-slim",
        ],
    ])("%s", (_label, raw, pick, expected) => {
        expect(pick(parseStackConfig(raw))).toEqual(expected);
    });
});
