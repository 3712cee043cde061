// The local stack on the real Docker engine: what index.ts declares, replayed, serving real traffic.
import { NGINX_HTTPS_PORT, NGINX_PORT, NGINX_RUN_CONF } from "../../lib/runtime";
import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { evaluate } from "../../evaluation/evaluate";
import { replicaUid } from "../../lib/local/limits";
import { call, docker, exec, inspectContainer, logs, sleep } from "../../replay/docker";
import { formatPlan, planDiff } from "../../replay/plan";
import { applyPlan } from "../../replay/replay";
import { LoadLoop, compareShares, getText, parseUpstreamLog, sendRequests, worstDeltaPp } from "../../traffic/traffic";
import { BusyCore } from "../support/busyCore";
import { ROOT, UpStack, addressBook, describeEngine, downStack, upStack } from "../support/engine";

jest.setTimeout(300_000);

const PORT = 18081;
const services = (app2Replicas: number) => [
    { name: "application1", weight: 3, replicas: 1, workers: 6 },
    { name: "application2", weight: 1, replicas: app2Replicas, workers: 3 },
];

const isApp = (r: { type: string; inputs: Record<string, unknown> }) =>
    r.type === "docker:index/container:Container" &&
    ((r.inputs.labels ?? []) as { label: string; value: string }[]).some((l) => l.label === "webstack.role" && l.value === "app");

/** Names of the app containers a stack declares. */
const appContainers = (s: Pick<UpStack, "ev">) => s.ev.resources.filter(isApp).map((r) => String(r.inputs.name));

/** Docker name of replica `i` of `service` (names carry the replicas' generation). */
const replicaName = (s: Pick<UpStack, "ev">, service: string, i: number) => {
    const name = appContainers(s).find((n) => new RegExp(`-${service}-[0-9a-f]{6}-${i}$`).test(n));
    if (!name) {
        throw new Error(`no replica ${i} of ${service}`);
    }
    return name;
};

/** Services that answered the requests whose path carries `marker`, from nginx's upstreamlog. */
async function answeredByMarker(s: UpStack, marker: string, names: readonly string[]): Promise<string[]> {
    await sleep(1500); // the access log is buffered with flush=1s
    const book = await addressBook(names);
    return parseUpstreamLog(await logs(s.nginx))
        .filter((l) => l.request.includes(marker))
        .map((l) => {
            const hit = book.get(l.answeredBy);
            if (!hit) {
                throw new Error(`nginx log names ${l.answeredBy}, no app container of the stack`);
            }
            return hit.service;
        });
}

/** nginx master and worker pids (not the entrypoint's config watcher): a reload or restart changes them. */
async function nginxProcesses(s: UpStack): Promise<string> {
    const top = (await call("top", docker.getContainer(s.nginx).top({ ps_args: "-o pid,args" }))) as { Processes: string[][] };
    return top.Processes.map((p) => p.join(" "))
        .filter((p) => p.includes("nginx: "))
        .sort()
        .join("\n");
}

describeEngine("local stack on the real engine (default config: the article)", () => {
    let s: UpStack;
    beforeAll(async () => {
        s = await upStack("e2e-default", { httpPort: PORT, services: services(1) });
    });
    afterAll(async () => {
        await downStack("e2e-default");
    });

    test("1. nginx -t passes on the rendered config inside our nginx image", async () => {
        const check = spawnSync("docker", ["exec", s.nginx, "nginx", "-e", "stderr", "-c", NGINX_RUN_CONF, "-t"], { encoding: "utf8" });
        expect(check.stderr).toContain("syntax is ok");
        expect(check.stderr).toContain("test is successful");
        expect(check.status).toBe(0);
        const conf = await exec(s.nginx, ["cat", NGINX_RUN_CONF]);
        expect(conf).toContain("resolver 127.0.0.11 valid=5s ipv6=off;");
        expect(conf).toContain("server application1:8000 weight=3 max_fails=1 fail_timeout=2s resolve;");
        // `resolve` in an upstream needs nginx >= 1.27.3.
        const [major, minor, patch] = /nginx\/(\d+)\.(\d+)\.(\d+)/
            .exec(spawnSync("docker", ["exec", s.nginx, "nginx", "-v"], { encoding: "utf8" }).stderr)!
            .slice(1)
            .map(Number);
        expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_027_003);
    });

    test("the app image builds with no network: the offline base already satisfies requirements.txt", () => {
        const build = spawnSync(
            "docker",
            [
                "build",
                "--no-cache",
                "--network",
                "none",
                "--build-arg",
                `BASE_IMAGE=${String(s.config.appBaseImage)}`,
                "-t",
                "webstack-app:e2e-offline",
                "app",
            ],
            { cwd: ROOT, encoding: "utf8", env: { ...process.env, DOCKER_BUILDKIT: "0" }, timeout: 180_000 },
        );
        expect(build.status).toBe(0);
        expect(build.stdout).toMatch(/Requirement already satisfied: Flask<4,>=3\.0 in \/usr\/lib\/python3\/dist-packages/);
        expect(build.stdout).toMatch(/Requirement already satisfied: gunicorn>=23 in \/usr\/lib\/python3\/dist-packages/);
        expect(build.stdout).not.toMatch(/Downloading|Collecting/);
        spawnSync("docker", ["rmi", "webstack-app:e2e-offline"]);
    });

    test("2. the page, /healthz and the health checks, through nginx on 127.0.0.1", async () => {
        expect(s.url).toBe(`http://127.0.0.1:${PORT}/`);
        const page = await getText(s.url);
        expect(page.status).toBe(200);
        expect(page.body).toMatch(/<h1>Hello from application[12]<\/h1>/);
        expect(page.body).toMatch(/container <b>webstack-e2e-default-application[12]-[0-9a-f]{6}-1<\/b>/);
        // X-Forwarded-For survived the proxy: the app sees the client, not nginx.
        const nginxIp = Object.values((await inspectContainer(s.nginx)).NetworkSettings.Networks)[0].IPAddress;
        expect(page.body).toMatch(/client (\d+\.){3}\d+ via http/);
        expect(page.body).not.toContain(`client ${nginxIp} `);
        expect(page.headers.server).toBe("nginx");

        const health = await getText(`${s.url}healthz`);
        expect(health.status).toBe(200);
        expect(JSON.parse(health.body)).toMatchObject({ status: "ok", service: expect.stringMatching(/^application[12]$/) });
        expect((await getText(`${s.url}nginx-healthz`)).body).toBe("ok\n");

        for (const name of [...appContainers(s), s.nginx]) {
            const info = await inspectContainer(name);
            expect([name, info.State.Health?.Status]).toEqual([name, "healthy"]);
        }
    });

    test("only nginx publishes a port; the app runs as a non-root user (its own uid, the image's group)", async () => {
        for (const name of appContainers(s)) {
            const info = await inspectContainer(name);
            expect(Object.values(info.NetworkSettings.Ports).filter((b) => b !== null)).toEqual([]);
            // Each replica has a uid of its own, so its nproc ulimit is a per-container pids limit (lib/local/limits.ts).
            expect((await exec(name, ["id", "-u"])).trim()).toBe(String(replicaUid(name)));
            expect((await exec(name, ["id", "-g"])).trim()).toBe("10001");
        }
        const ports = (await inspectContainer(s.nginx)).NetworkSettings.Ports;
        expect(ports[`${NGINX_PORT}/tcp`]).toEqual([{ HostIp: "127.0.0.1", HostPort: String(PORT) }]);
        // The TLS port is reserved (published) with TLS off, so turning TLS on never replaces nginx.
        expect(ports[`${NGINX_HTTPS_PORT}/tcp`]).toEqual([{ HostIp: "127.0.0.1", HostPort: String(PORT + 1000) }]);
    });

    test("3. weighted split: 1200 requests, each service within 2 pp of its share", async () => {
        const marker = `split-${Date.now()}`;
        const replies = await sendRequests(`${s.url}?m=${marker}`, 1200, 4);
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        const answered = await answeredByMarker(s, marker, appContainers(s));
        expect(answered).toHaveLength(1200);
        const rows = compareShares(s.ev.outputs!.upstreams as Record<string, { expectedShare: number }>, answered);
        console.log(
            `default split:\n${rows.map((r) => `${r.service} expected ${r.expected} observed ${r.observed.toFixed(4)}`).join("\n")}`,
        );
        expect(worstDeltaPp(rows)).toBeLessThanOrEqual(2);
    });

    test("traffic report CLI: against the replayed stack, and through `pulumi stack output --json`", async () => {
        const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
            spawnSync("npx", ["ts-node", "--transpile-only", "traffic/cli.ts", ...args], {
                cwd: ROOT,
                encoding: "utf8",
                env,
                timeout: 120_000,
            });
        const viaReplay = cli(["--stack", s.stack, "--replay", "-n", "400"]);
        expect(viaReplay.stderr).toBe("");
        expect(viaReplay.status).toBe(0);
        expect(Math.abs(observedPct(viaReplay.stdout, "application1") - 75)).toBeLessThanOrEqual(2);
        expect(Math.abs(observedPct(viaReplay.stdout, "application2") - 25)).toBeLessThanOrEqual(2);
        expect(viaReplay.stdout).toMatch(/^400 requests; worst delta \d\.\d\dpp$/m);
        expect(viaReplay.stdout).toContain("failed: 0;");

        // A stand-in `pulumi` on PATH answers `stack output --json` with the stack's outputs, as the
        // CLI would for a stack brought up by `pulumi up`; counting comes from nginx's log this time.
        const bin = mkdtempSync(path.join(tmpdir(), "webstack-pulumi-"));
        writeFileSync(
            path.join(bin, "pulumi"),
            `#!/bin/sh\n[ "$1 $2 $3" = "stack output --json" ] || exit 2\necho '${JSON.stringify(s.ev.outputs)}'\n`,
            { mode: 0o755 },
        );
        const viaPulumi = cli(["--stack", s.stack, "-n", "400", "--from-log"], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
        rmSync(bin, { recursive: true, force: true });
        expect(viaPulumi.status).toBe(0);
        expect(Math.abs(observedPct(viaPulumi.stdout, "application1") - 75)).toBeLessThanOrEqual(2);
        expect(viaPulumi.stdout).toContain("counted from nginx's access log");
    });

    test("4. scale up: a 1-create plan, applied under load: 0 failures, new replica serves within 10 s, no nginx reload", async () => {
        const after = await evaluate({ ...s.config, services: services(2) }, { stack: s.stack });
        const plan = planDiff(s.ev, after);
        expect(plan.counts).toMatchObject({ create: 1, update: 0, replace: 0, delete: 0 });
        expect(plan.steps[0].name).toMatch(/^webstack-application2-[0-9a-f]{6}-2$/);
        const processes = await nginxProcesses(s);
        const nginxStarted = (await inspectContainer(s.nginx)).State.StartedAt;

        const busy = new BusyCore(60);
        const loop = new LoadLoop(s.url, 4);
        await sleep(1000);
        await applyPlan(s.state, plan, after);
        s = { ...s, ev: after, config: { ...s.config, services: services(2) } };
        const added = replicaName(s, "application2", 2);
        const started = Date.parse((await inspectContainer(added)).State.StartedAt);
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline && !loop.replies.some((r) => r.container === added)) {
            await sleep(100);
        }
        await sleep(2000);
        const replies = await loop.stop();
        busy.stop();
        const first = replies.find((r) => r.container === added);
        console.log(
            `scale up: ${replies.length} requests, ${loop.failures.length} failed; new replica first served ${first ? first.at - started : "never"} ms after its start`,
        );
        expect(loop.failures).toEqual([]);
        expect(first).toBeDefined();
        expect(first!.at - started).toBeLessThanOrEqual(10_000);
        expect(await nginxProcesses(s)).toBe(processes);
        expect((await inspectContainer(s.nginx)).State.StartedAt).toBe(nginxStarted);
        console.log(formatPlan(plan));
    });

    test("5. scale down by 1 under load (graceful SIGTERM stop): 0 failures", async () => {
        const after = await evaluate({ ...s.config, services: services(1) }, { stack: s.stack });
        const plan = planDiff(s.ev, after);
        const removed = replicaName(s, "application2", 2);
        expect(plan.steps).toEqual([
            {
                op: "delete",
                type: "docker:index/container:Container",
                name: expect.stringMatching(/^webstack-application2-[0-9a-f]{6}-2$/),
                changedKeys: [],
            },
        ]);
        const busy = new BusyCore(60);
        const loop = new LoadLoop(s.url, 4);
        await sleep(1000);
        await applyPlan(s.state, plan, after);
        s = { ...s, ev: after, config: { ...s.config, services: services(1) } };
        await sleep(7000); // past resolver valid=5s: nginx has dropped the address
        const replies = await loop.stop();
        busy.stop();
        console.log(`scale down: ${replies.length} requests, ${loop.failures.length} failed`);
        expect(loop.failures).toEqual([]);
        expect(replies.filter((r) => r.at > Date.now() - 1500).some((r) => r.container === removed)).toBe(false);
    });

    test("6. SIGKILL of a replica under load: nginx retries another peer, 0 failed GETs", async () => {
        const busy = new BusyCore(60);
        const loop = new LoadLoop(s.url, 4);
        await sleep(1500);
        await call("kill", docker.getContainer(replicaName(s, "application1", 1)).kill({ signal: "SIGKILL" }));
        await sleep(4000);
        const replies = await loop.stop();
        busy.stop();
        console.log(`kill: ${replies.length} requests, ${loop.failures.length} failed`);
        expect(loop.failures).toEqual([]);
        expect(replies.length).toBeGreaterThan(100);
    });

    test("7. restart policy: the app process dies, the container comes back and serves again", async () => {
        const name = replicaName(s, "application2", 1);
        // Wait for anything test 6 disturbed to settle first.
        const before = await waitFor(async () => {
            const i = await inspectContainer(name);
            return i.State.Health?.Status === "healthy" ? i : undefined;
        }, 60_000);
        // Kill Gunicorn's master (the container's PID 1) from the host, as a crash would.
        execFileSync("kill", ["-9", String(before.State.Pid)]);
        const back = await waitFor(async () => {
            const i = await inspectContainer(name);
            return i.RestartCount > before.RestartCount && i.State.Health?.Status === "healthy" ? i : undefined;
        }, 60_000);
        expect(back.State.Pid).not.toBe(before.State.Pid);
        // Traffic to it resumes: it answers through nginx again.
        const served = await waitFor(async () => {
            const replies = await sendRequests(s.url, 40, 2);
            return replies.some((r) => r.container === name) ? replies : undefined;
        }, 30_000);
        expect(served.every((r) => r.status === 200)).toBe(true);
    });
});

describeEngine("local stack on the real engine (three services, mixed weights and replicas)", () => {
    let s: UpStack;
    beforeAll(async () => {
        s = await upStack("e2e-three", {
            httpPort: PORT + 1,
            services: [
                { name: "alpha", weight: 3, replicas: 1, workers: 2 },
                { name: "beta", weight: 1, replicas: 2, workers: 2 },
                { name: "gamma", weight: 2, replicas: 1, workers: 1 },
                { name: "delta", weight: 5, replicas: 0, workers: 1 },
            ],
        });
    });
    afterAll(async () => {
        await downStack("e2e-three");
    });

    test("weighted split: 1200 requests within 2 pp; the 0-replica service gets none and breaks nothing", async () => {
        const marker = `split3-${Date.now()}`;
        const replies = await sendRequests(`${s.url}?m=${marker}`, 1200, 4);
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
        const answered = await answeredByMarker(s, marker, appContainers(s));
        const rows = compareShares(s.ev.outputs!.upstreams as Record<string, { expectedShare: number }>, answered);
        console.log(
            `three-service split:\n${rows.map((r) => `${r.service} expected ${r.expected} observed ${r.observed.toFixed(4)}`).join("\n")}`,
        );
        expect(rows.find((r) => r.service === "delta")?.count).toBe(0);
        expect(worstDeltaPp(rows)).toBeLessThanOrEqual(2);
    });
});

/** The observed share (percent) the traffic report prints for a service. */
function observedPct(report: string, service: string): number {
    const row = new RegExp(`^${service} +(\\d+\\.\\d)% +(\\d+\\.\\d)% `, "m").exec(report);
    if (!row) {
        throw new Error(`no row for ${service} in:\n${report}`);
    }
    expect(Number(row[1])).toBe(service === "application1" ? 75 : 25);
    return Number(row[2]);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const v = await probe();
        if (v !== undefined) {
            return v;
        }
        await sleep(250);
    }
    throw new Error(`condition not met within ${timeoutMs} ms`);
}
