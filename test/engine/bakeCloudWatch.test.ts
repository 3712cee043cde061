// A bake on aws reads nginx's JSON access log from CloudWatch Logs. CloudWatch is unreachable here, so this
// runs the real nginx (our image, the config rendered with logFormat "json", as the awslogs driver would
// ship it) in front of two real app containers, takes the container's log with Docker's own timestamps
// (the awslogs driver stamps each event with the same read time), serves those lines as events through
// the fake FilterLogEvents (paged, with empty pages), and checks the CloudWatch watcher's lines get the
// same judgement as the local watcher's `docker logs` of the same window: a good canary passes, a bad one
// fails on its 5xx rate.
// WEBSTACK_WRITE_FIXTURE=1 also rewrites test/support/capturedNginxLog.ts (the unit tests' real lines).
import { execFile } from "child_process";
import { writeFileSync } from "fs";
import * as path from "path";
import { cli, sleep } from "../../replay/docker";
import { getText, sendRequests } from "../../traffic/traffic";
import { LABEL, stackLabels } from "../../components/labels";
import { DEFAULT_NGINX, SERVICE_DEFAULTS } from "../../lib/config/defaults";
import { NGINX_CONF_ENV, NGINX_PORT, NGINX_TMPFS, appEnvironment, dockerTmpfsOptions, nginxEnvironment } from "../../lib/runtime";
import { renderNginxConfig } from "../../nginx/render";
import { CloudWatchLogWatcher } from "../../rollout/cloudwatch";
import { DockerLogWatcher } from "../../rollout/deployers";
import { Judgement, judgeBake } from "../../rollout/watch";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { makeAppVariant } from "../support/appVariant";
import { FakeCloudWatchLogs, FakeEvent, fakeClock } from "../support/cloudwatchFake";
import { ROOT, buildOffline, describeEngine, removeTestStack } from "../support/engine";

jest.setTimeout(600_000);

const STACK = "e2e-bakecw";
const PORT = 18241;
const NETWORK = `webstack-${STACK}`;
const LABELS = { ...stackLabels("webstack", STACK) };
/** Requests judged per window; with weights 1:1 about half reach the canary. */
const REQUESTS = 60;
const LIMITS = { maxErrorRatePercent: 1, minRequests: 10 };
const IMAGES = { app: `webstack-${STACK}-app:local`, bad: `webstack-${STACK}-app-bad:local`, nginx: `webstack-${STACK}-nginx:local` };

function envArgs(env: Readonly<Record<string, string>>): string[] {
    return Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
}

async function runApp(service: string, image: string, version: string): Promise<void> {
    const spec = { ...SERVICE_DEFAULTS, name: service, workers: 1 };
    const labels = { ...LABELS, [LABEL.service]: service };
    await cli([
        "run",
        "-d",
        "--name",
        `${NETWORK}-${service}`,
        "--network",
        NETWORK,
        "--network-alias",
        service,
        ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
        ...envArgs(appEnvironment(spec, DEFAULT_NGINX, undefined, version)),
        image,
    ]);
}

/** Lines of `docker logs --timestamps` as CloudWatch events: the timestamp Docker read each line at, and the line. */
function asEvents(text: string, stream: string): FakeEvent[] {
    return text
        .split("\n")
        .filter(Boolean)
        .map((l) => {
            const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z (.*)$/.exec(l);
            if (!m) {
                throw new Error(`not a timestamped log line: ${l}`);
            }
            return { timestamp: Date.parse(`${m[1]}.${(m[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`), message: m[3], logStreamName: stream };
        });
}

interface Capture {
    readonly fromMs: number;
    readonly toMs: number;
    readonly events: FakeEvent[];
    /** The local watcher's judgement of the window. */
    readonly local: Judgement;
}

/** stable (1.0.0) and a canary at weights 1:1 behind nginx; REQUESTS GETs inside [fromMs, toMs]; the whole nginx log as events. */
async function capture(canaryImage: string, canaryVersion: string): Promise<Capture> {
    await removeTestStack(STACK, NETWORK);
    await cli(["network", "create", "--label", `${LABEL.stack}=${STACK}`, NETWORK]);
    await runApp("stable", IMAGES.app, "1.0.0");
    await runApp("canary", canaryImage, canaryVersion);
    const conf = renderNginxConfig({
        services: [
            { name: "stable", weight: 1 },
            { name: "canary", weight: 1 },
        ],
        tuning: DEFAULT_NGINX,
        serverNames: ["localhost", "127.0.0.1"],
        logFormat: "json",
    });
    const nginx = `${NETWORK}-nginx`;
    await cli([
        "run",
        "-d",
        "--name",
        nginx,
        "--network",
        NETWORK,
        "--publish",
        `127.0.0.1:${PORT}:${NGINX_PORT}`,
        ...Object.entries({ ...LABELS, [LABEL.role]: "nginx" }).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
        ...envArgs({ ...nginxEnvironment(), [NGINX_CONF_ENV]: conf }),
        // As on ECS: read-only root, no capabilities, the runtime's tmpfs for what nginx writes.
        "--read-only",
        "--cap-drop",
        "ALL",
        ...NGINX_TMPFS.flatMap((t) => ["--tmpfs", `${t.containerPath}:${dockerTmpfsOptions(t)}`]),
        IMAGES.nginx,
    ]);
    const url = `http://127.0.0.1:${PORT}/`;
    // Warm up until both apps answer; these requests are logged too, before the window.
    const seen = new Set<string>();
    for (let i = 0; i < 120 && seen.size < 2; i++) {
        const r = await getText(url).catch(() => undefined);
        if (r?.status === 200) {
            seen.add(String(r.headers["x-webstack-service"]));
        } else {
            await sleep(500);
        }
    }
    expect([...seen].sort()).toEqual(["canary", "stable"]);
    // nginx flushes its access-log buffer each second: let the warm-up lines out before the window opens.
    await sleep(2500);
    const fromMs = Date.now();
    const replies = await sendRequests(url, REQUESTS, 2);
    expect(replies.filter((r) => r.status === 0)).toEqual([]);
    await sleep(2500);
    const toMs = Date.now();
    await sleep(500);
    const local = judgeBake(await new DockerLogWatcher(STACK).lines(fromMs, toMs), "canary", LIMITS);
    // stdout (the access log) and stderr (the entrypoint's and nginx's error log): awslogs ships both.
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
        execFile("docker", ["logs", "--timestamps", nginx], { maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) =>
            e ? reject(e) : resolve({ stdout, stderr }),
        ),
    );
    const stream = `nginx/nginx/${(await cli(["inspect", "--format", "{{.Id}}", nginx])).trim().slice(0, 32)}`;
    return { fromMs, toMs, events: [...asEvents(stdout, stream), ...asEvents(stderr, stream)], local };
}

/** The judgement of a window read by the CloudWatch watcher from the fake, paged as CloudWatch would. */
async function judgeFromCloudWatch(c: Capture): Promise<{ judgement: Judgement; calls: number }> {
    const clock = fakeClock(c.toMs);
    const client = new FakeCloudWatchLogs(c.events, { pageSize: 7, emptyPageEvery: 4, now: clock.now });
    const watcher = new CloudWatchLogWatcher(client, { logGroupName: "/ecs/webstack-aws/nginx", sleep: clock.sleep, now: clock.now });
    const judgement = judgeBake(await watcher.lines(c.fromMs, c.toMs), "canary", LIMITS);
    return { judgement, calls: client.calls.length };
}

const captured: Record<string, Capture> = {};

describeEngine("a bake judged from CloudWatch Logs: real nginx JSON lines through the fake FilterLogEvents", () => {
    beforeAll(async () => {
        await buildOffline(IMAGES.app, "app", OFFLINE_BASES.appBaseImage);
        const bad = makeAppVariant("bakecw-bad", { version: "2.0.0-bad", failEvery: 5 });
        await buildOffline(IMAGES.bad, bad, OFFLINE_BASES.appBaseImage);
        await buildOffline(IMAGES.nginx, "nginx", OFFLINE_BASES.nginxBaseImage);
    });

    afterAll(async () => {
        await removeTestStack(STACK, NETWORK);
        if (process.env.WEBSTACK_WRITE_FIXTURE === "1" && captured.good && captured.bad) {
            writeFixture(captured.good, captured.bad);
        }
    });

    test("a good canary passes, with the judgement the local watcher gives the same window", async () => {
        const c = await capture(IMAGES.app, "2.0.0-good");
        captured.good = c;
        const { judgement, calls } = await judgeFromCloudWatch(c);
        console.log(`good: ${JSON.stringify(judgement)} (${calls} FilterLogEvents calls)`);
        expect(judgement.passed).toBe(true);
        expect(judgement.requests).toBe(REQUESTS);
        expect(judgement).toEqual(c.local);
    });

    test("a bad canary (1 in 5 requests fails) fails on its 5xx rate, as the local watcher judges it", async () => {
        const c = await capture(IMAGES.bad, "2.0.0-bad");
        captured.bad = c;
        const { judgement } = await judgeFromCloudWatch(c);
        console.log(`bad: ${JSON.stringify(judgement)}`);
        expect(judgement.passed).toBe(false);
        expect(judgement.reasons.join("; ")).toMatch(/canary 5xx rate/);
        expect(judgement).toEqual(c.local);
    });
});

/** test/support/capturedNginxLog.ts: each window's nginx log, timestamps as offsets from the window's start. */
function writeFixture(good: Capture, bad: Capture): void {
    const window = (c: Capture) => ({
        windowMs: c.toMs - c.fromMs,
        events: c.events.map((e) => ({ offsetMs: e.timestamp - c.fromMs, message: e.message })),
    });
    const file = path.join(ROOT, "test", "support", "capturedNginxLog.ts");
    writeFileSync(
        file,
        [
            "// Real nginx output, captured by test/engine/bakeCloudWatch.test.ts with WEBSTACK_WRITE_FIXTURE=1: our nginx image",
            '// (config rendered with logFormat "json") in front of two app containers, `stable` and `canary`, weights 1:1,',
            `// ${REQUESTS} GETs per window after a warm-up. Each event is one line of \`docker logs --timestamps\` (stdout and stderr,`,
            "// as the awslogs driver ships them), its time as an offset from the window's start (warm-up lines come before it).",
            "// `good`: the canary is app/; `bad`: the app variant that fails 1 in 5 page requests with a 500.",
            `export const CAPTURED = ${JSON.stringify({ good: window(good), bad: window(bad) })} as const;`,
            "",
        ].join("\n"),
    );
}
