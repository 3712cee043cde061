// Issue 19 §3 on the real engine: nginx's task on aws (nginx + the Cloud Map discovery sidecar, from the ECS
// container definitions) against moto's Cloud Map, with app tasks the test registers and deregisters as ECS
// would. Under load with one core kept busy: (a) exact weighted shares beyond 8 tasks, (b) scale out and in
// with 0 failed requests, (c) the API down for 30 s and throttling, with the upstream kept.
import { ServiceSpec } from "../../lib/config/types";
import { AwsServiceSpec } from "../../lib/config/types";
import { appContainer, discoveryConfig, discoveryContainer, nginxContainer, DISCOVERY_VOLUME } from "../../components/aws/containers";
import { appStopTiming } from "../../components/aws/timing";
import { call, cli, docker, exec, logs, removeContainer, sleep } from "../../replay/docker";
import { teardown } from "../../replay/replay";
import { LoadLoop, sendRequests } from "../../traffic/traffic";
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import {
    APP_HEALTH_PATH,
    APP_PORT,
    DISCOVERY,
    DISCOVERY_DIR,
    DISCOVERY_TEST_ENDPOINT_ENV,
    NGINX_PORT,
    NGINX_UPSTREAM_DIR,
} from "../../lib/runtime";
import { renderNginxConfig } from "../../nginx/render";
import { BusyCore } from "../support/busyCore";
import {
    CloudMap,
    NODE_BASE,
    THROTTLE_PROXY,
    buildImages,
    createTestNetwork,
    healthyAddress,
    pool,
    probeHealthy,
    runDefinition,
    startMoto,
    waitAnswers,
} from "../support/cloudMapStack";
import { describeEngine } from "../support/engine";

jest.setTimeout(600_000);

const STACK = "e2e-cmap";
const PREFIX = `webstack-${STACK}`;
const NETWORK = PREFIX;
const VOLUME = `${PREFIX}-discovery`;
const LABELS = { "webstack.project": "webstack", "webstack.stack": STACK };
const SUBNET = "10.238.0.0/16";
const NGINX_HOST_PORT = 18290;
const MOTO_HOST_PORT = 18291;
const PROXY_HOST_PORT = 18292;
const NAMESPACE = `${PREFIX}.internal`;
const REGION = "us-east-1";
const URL = `http://127.0.0.1:${NGINX_HOST_PORT}/`;

const spec = (name: string, weight: number, replicas: number): AwsServiceSpec =>
    ({ name, weight, replicas, workers: 1, threads: 4, cpu: 256, memoryMiB: 512, capacity: "fargate" }) as AwsServiceSpec;
const SERVICES = [spec("alpha", 1, 24), spec("beta", 3, 8)];

interface Task {
    readonly service: string;
    readonly name: string;
    ip: string;
    registeredAt?: number;
    deregisteredAt?: number;
}

describeEngine("nginx fed by the Cloud Map API (discovery sidecar against moto), under load", () => {
    let images: { app: string; nginx: string; discovery: string };
    let cloudMap: CloudMap;
    const tasks: Task[] = [];
    const nginxName = `${PREFIX}-nginx`;
    const discoveryName = `${PREFIX}-discovery`;
    const motoName = `${PREFIX}-moto`;

    /** Starts app tasks from the ECS definition; each is registered in Cloud Map once healthy, as ECS does. */
    async function startTasks(service: AwsServiceSpec, from: number, to: number): Promise<Task[]> {
        const def = appContainer({ service, nginx: DEFAULT_NGINX, logGroupName: `/ecs/${PREFIX}`, region: REGION });
        const started: Task[] = [];
        for (let i = from; i <= to; i++) {
            started.push({ service: service.name, name: `${PREFIX}-${service.name}-${i}`, ip: "" });
        }
        await pool(started, 4, async (t) => {
            await runDefinition(def, { name: t.name, image: images.app, network: NETWORK, labels: LABELS, health: "probe" });
        });
        await pool(started, 8, async (t) => {
            // The definition's check (GET APP_HEALTH_PATH), run from here: see RunOptions.health.
            t.ip = await probeHealthy(t.name, NETWORK, APP_PORT, APP_HEALTH_PATH);
            await cloudMap.register(t.service, t.name, t.ip);
            t.registeredAt = Date.now();
        });
        tasks.push(...started);
        return started;
    }

    /** ECS's stop: deregister, then SIGTERM (the app's lame duck), SIGKILL after stopTimeout. */
    async function stopTasks(stopping: readonly Task[]): Promise<void> {
        const stopTimeout = appStopTiming(DEFAULT_NGINX).stopTimeoutSec;
        await pool(stopping, 8, async (t) => {
            await cloudMap.deregister(t.service, t.name);
            t.deregisteredAt = Date.now();
        });
        await pool(stopping, stopping.length, (t) => removeContainer(t.name, stopTimeout));
        for (const t of stopping) {
            tasks.splice(tasks.indexOf(t), 1);
        }
    }

    /**
     * The server lines nginx runs with now (its installed copy of the current set). The entrypoint swaps that
     * folder by two renames while it installs a set (nginx reads it only on the reload after), so a read that
     * falls between them is tried again.
     */
    async function installedServers(): Promise<string[]> {
        for (let attempt = 1; ; attempt++) {
            try {
                const text = await exec(nginxName, ["sh", "-c", `cat ${NGINX_UPSTREAM_DIR}/*.conf`]);
                return text.split("\n").filter((l) => /^\s+server /.test(l));
            } catch (e) {
                if (attempt >= 5) {
                    throw e;
                }
                await sleep(100);
            }
        }
    }

    async function waitInstalled(count: number, timeoutMs = 30_000): Promise<number> {
        const t0 = Date.now();
        while (Date.now() - t0 < timeoutMs) {
            if ((await installedServers()).length === count) {
                return Date.now() - t0;
            }
            await sleep(200);
        }
        throw new Error(`nginx never had ${count} servers; it has ${(await installedServers()).length}`);
    }

    const currentGen = async () => (await exec(nginxName, ["readlink", `${DISCOVERY_DIR}/current`])).trim();
    const statusLines = async (since?: number) =>
        (await logs(discoveryName, since))
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as Record<string, unknown>);

    beforeAll(async () => {
        await teardown("webstack", STACK);
        images = await buildImages(PREFIX);
        await createTestNetwork(NETWORK, LABELS, SUBNET);
        await call("create volume", docker.createVolume({ Name: VOLUME, Labels: LABELS }));
        await startMoto(motoName, STACK, NETWORK, MOTO_HOST_PORT);
        // prettier-ignore
        await cli(["run", "-d", "--name", `${PREFIX}-proxy`, "--label", `webstack.project=webstack`, "--label", `webstack.stack=${STACK}`, "--network", NETWORK, "-p", `127.0.0.1:${PROXY_HOST_PORT}:5000`, "-e", `UPSTREAM=${motoName}`, "--read-only", "--cap-drop", "ALL", "--user", "65534", NODE_BASE, "node", "-e", THROTTLE_PROXY]);
        await waitAnswers(`http://127.0.0.1:${PROXY_HOST_PORT}/__calls`);
        cloudMap = new CloudMap(`http://127.0.0.1:${MOTO_HOST_PORT}`, NAMESPACE);
        await cloudMap.create(SERVICES.map((s) => s.name));
        for (const s of SERVICES) {
            await startTasks(s, 1, s.replicas);
        }

        // The sidecar first (its image owns the volume's mount point, which a new volume copies), then nginx.
        const volumes = { [DISCOVERY_VOLUME]: VOLUME };
        const test = {
            [DISCOVERY_TEST_ENDPOINT_ENV]: `http://${PREFIX}-proxy:5000`,
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
        };
        await runDefinition(
            discoveryContainer({ config: discoveryConfig(SERVICES, NAMESPACE, DEFAULT_NGINX), logGroupName: "/ecs/x", region: REGION }),
            {
                name: discoveryName,
                image: images.discovery,
                network: NETWORK,
                labels: LABELS,
                extraEnv: test,
                volumes,
            },
        );
        const config = renderNginxConfig({
            services: SERVICES as readonly ServiceSpec[],
            tuning: DEFAULT_NGINX,
            serverNames: ["localhost", "127.0.0.1"],
            upstreamIncludeDir: NGINX_UPSTREAM_DIR,
            logFormat: "json",
        });
        await runDefinition(nginxContainer({ config, ports: [NGINX_PORT], logGroupName: "/ecs/x", region: REGION, discovery: true }), {
            name: nginxName,
            image: images.nginx,
            network: NETWORK,
            labels: LABELS,
            volumes,
            hostPorts: { [NGINX_PORT]: NGINX_HOST_PORT },
        });
        await healthyAddress(nginxName, NETWORK, 120_000);
        await healthyAddress(discoveryName, NETWORK, 60_000);
    });

    afterAll(async () => {
        cloudMap?.client.destroy();
        await teardown("webstack", STACK);
    });

    test("cold start: nginx started with every registered task in its upstream, one server line each", async () => {
        expect(await installedServers()).toHaveLength(32);
        expect(await logs(nginxName)).toMatch(/installed upstream set gen-\d+ from Cloud Map discovery/);
        const ok = (await statusLines()).find((l) => l.event === "discovery" && l.ok === true)!;
        expect(ok).toMatchObject({ instances: 32, services: 2, consecutiveErrors: 0, reloads: 1 });
    });

    test("(a) exact shares beyond 8: 24 tasks × weight 1 and 8 × weight 3 give 50 % / 50 % within 1 pp over 6,000 requests; every task answers", async () => {
        const busy = new BusyCore(120);
        let replies;
        try {
            replies = await sendRequests(URL, 6000, 4);
        } finally {
            busy.stop();
        }
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        const share = (svc: string) => replies.filter((r) => r.service === svc).length / replies.length;
        const shares = { alpha: share("alpha"), beta: share("beta") };
        console.log(
            `(a) shares over ${replies.length} requests: alpha ${(shares.alpha * 100).toFixed(2)} % (expected 50), beta ${(shares.beta * 100).toFixed(2)} % (expected 50)`,
        );
        expect(Math.abs(shares.alpha - 0.5) * 100).toBeLessThanOrEqual(1);
        expect(Math.abs(shares.beta - 0.5) * 100).toBeLessThanOrEqual(1);
        const answered = new Set(replies.map((r) => r.container));
        expect(tasks.filter((t) => !answered.has(t.name)).map((t) => t.name)).toEqual([]);
    });

    test("(b) scale 24 → 40 → 12 tasks of alpha while 4 clients loop with a busy core: 0 failed requests", async () => {
        const busy = new BusyCore(240);
        const loop = new LoadLoop(URL, 4, 240);
        const reloadsBefore = Number((await statusLines()).filter((l) => l.ok === true).pop()!.reloads);
        let added: Task[] = [];
        let removed: Task[] = [];
        try {
            await sleep(1000);
            added = await startTasks(SERVICES[0], 25, 40);
            await waitInstalled(48);
            // Every new task serves before the scale-in starts.
            const t0 = Date.now();
            while (added.some((t) => !loop.replies.some((r) => r.container === t.name)) && Date.now() - t0 < 30_000) {
                await sleep(200);
            }
            removed = tasks.filter((t) => t.service === "alpha").slice(12);
            expect(removed).toHaveLength(28);
            await stopTasks(removed);
            await waitInstalled(20);
            await sleep(2000);
        } finally {
            busy.stop();
        }
        const replies = await loop.stop();
        const firstServed = added.map((t) => replies.find((r) => r.container === t.name)!.at - t.registeredAt!);
        const lastServed = removed.map(
            (t) => Math.max(0, ...replies.filter((r) => r.container === t.name).map((r) => r.at)) - t.deregisteredAt!,
        );
        const reloads = Number((await statusLines()).filter((l) => l.ok === true).pop()!.reloads) - reloadsBefore;
        const fmt = (xs: number[]) => `median ${(median(xs) / 1000).toFixed(1)} s, max ${(Math.max(...xs) / 1000).toFixed(1)} s`;
        console.log(
            `(b) 24 → 40 → 12: ${replies.length} requests, ${replies.filter((r) => r.status !== 200).length} failed, ${loop.retriedReused.length} retried on a reused connection; ` +
                `registration → first request served: ${fmt(firstServed)}; deregistration → last request served: ${fmt(lastServed)}; publishes (nginx reloads): ${reloads}`,
        );
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        expect(replies.length).toBeGreaterThan(1000);
        // Each removed task stopped getting requests within its lame duck (it was still answering meanwhile).
        expect(Math.max(...lastServed)).toBeLessThan(appStopTiming(DEFAULT_NGINX).lameDuckSec * 1000);
        // Coalesced: 16 registrations and 28 deregistrations in a few publishes, not 44: at most one per
        // coalesceSec while each burst lasts, plus the one that ends it.
        const span = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
        const bound =
            Math.ceil(span(added.map((t) => t.registeredAt!)) / (DISCOVERY.coalesceSec * 1000)) +
            1 +
            Math.ceil(span(removed.map((t) => t.deregisteredAt!)) / (DISCOVERY.coalesceSec * 1000)) +
            1;
        expect(reloads).toBeLessThanOrEqual(bound);
        expect((await installedServers()).filter((l) => l.includes("weight=1 "))).toHaveLength(12);
    });

    test("(c) Cloud Map down for 30 s under load: 0 failed, the upstream unchanged; after the restart it recovers; throttling backs off and recovers", async () => {
        const busy = new BusyCore(240);
        const loop = new LoadLoop(URL, 4, 240);
        const proxy = `http://127.0.0.1:${PROXY_HOST_PORT}`;
        const gen = await currentGen();
        const servers = await installedServers();
        const since = Math.floor(Date.now() / 1000);
        let recoveryMs = 0;
        try {
            await cli(["stop", "-t", "0", motoName]);
            await sleep(30_000);
            expect(await currentGen()).toBe(gen);
            expect(await installedServers()).toEqual(servers);
            await fetch(`${proxy}/__hold?on=1`);
            await cli(["start", motoName]);
            await waitAnswers(`http://127.0.0.1:${MOTO_HOST_PORT}/`);
            // moto keeps its state in memory: put back what Cloud Map would still hold, unseen by the sidecar.
            await cloudMap.create(SERVICES.map((s) => s.name));
            await Promise.all(tasks.map((t) => cloudMap.register(t.service, t.name, t.ip)));
            await fetch(`${proxy}/__hold?on=0`);
            const up = Date.now();
            const recovered = (lines: Record<string, unknown>[]) => {
                const lastError = lines.map((l) => l.ok).lastIndexOf(false);
                return lastError >= 0 && lines.slice(lastError + 1).some((l) => l.ok === true);
            };
            while (!recovered(await statusLines(since))) {
                if (Date.now() - up > 40_000) {
                    throw new Error("discovery did not recover within 40 s of Cloud Map answering again");
                }
                await sleep(250);
            }
            recoveryMs = Date.now() - up;
            const errors = (await statusLines(since)).filter((l) => l.ok === false);
            console.log(
                `(c) moto down 30 s: ${errors.length} failed-call lines (${[...new Set(errors.map((e) => e.error))].join(", ")}), back-offs ${errors.map((e) => e.backoffSec).join(", ")} s; recovered ${(recoveryMs / 1000).toFixed(1)} s after Cloud Map answered again`,
            );
            expect(errors.length).toBeGreaterThanOrEqual(3);
            expect(await currentGen()).toBe(gen);

            // Throttling: the next 6 calls answer ThrottlingException; a deregistration made meanwhile still arrives.
            await fetch(`${proxy}/__throttle?n=6`);
            const throttledFrom = Date.now();
            const leaving = tasks.find((t) => t.service === "alpha")!;
            await cloudMap.deregister(leaving.service, leaving.name);
            const goneMs = await waitInstalled(servers.length - 1, 90_000);
            const calls = (await (await fetch(`${proxy}/__calls`)).json()) as {
                at: number;
                target: string;
                throttled: boolean;
            }[];
            const recent = calls.filter((c) => c.at >= throttledFrom);
            const throttled = recent.filter((c) => c.throttled);
            // Calls of one poll go out together; the gaps between polls that failed show the back-off.
            const polls = recent.filter((c, i) => i === 0 || c.at - recent[i - 1].at > 500);
            const gaps = polls.slice(1).map((p, i) => (p.at - polls[i].at) / 1000);
            console.log(
                `(c) throttling: ${throttled.length} throttled calls; gaps between polls ${gaps.map((g) => g.toFixed(1)).join(", ")} s; the deregistration reached nginx after ${(goneMs / 1000).toFixed(1)} s`,
            );
            expect(throttled).toHaveLength(6);
            expect((await statusLines(since)).some((l) => l.error === "ThrottlingException")).toBe(true);
            // Backed off: the first gaps after a throttled poll are longer than the 2 s poll interval.
            expect(Math.max(...gaps)).toBeGreaterThanOrEqual(2 * 2);
            await removeContainer(leaving.name, 0);
            tasks.splice(tasks.indexOf(leaving), 1);
            await sleep(2000);
        } finally {
            busy.stop();
        }
        const replies = await loop.stop();
        console.log(
            `(c) ${replies.length} requests during the outage, restart and throttling, ${replies.filter((r) => r.status !== 200).length} failed`,
        );
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    });
});

function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}
