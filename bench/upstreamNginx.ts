// Our nginx image with a large upstream on the real engine: the rendered config includes one file per
// service from a host folder; a new set is written there, checked with `nginx -t` in the container and
// applied with a graceful reload (SIGHUP to the master, what `nginx -s reload` sends). Measures the
// time until new workers serve and nginx's memory, from the host's /proc.
//
// The upstream's addresses lie in a Docker network made here, with no container at them, and nothing
// is ever sent to them: the only requests go to nginx's own health location, which nginx answers
// itself. nginx (open source) neither probes nor pre-connects to upstream servers.
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DEFAULT_NGINX } from "../lib/config/defaults";
import {
    NGINX_CONF_ENV,
    NGINX_HEALTH_PATH,
    NGINX_PORT,
    NGINX_RUN_CONF,
    NGINX_TMPFS,
    dockerTmpfsOptions,
    nginxEnvironment,
} from "../lib/runtime";
import { APP_PORT } from "../lib/runtime";
import { cli, inspectContainer, logs, sleep } from "../replay/docker";
import { agentFor, get } from "../traffic/traffic";
import {
    NginxMemory,
    ReloadRun,
    UpstreamService,
    configWithIncludes,
    hostAddresses,
    parentPid,
    procKiB,
    serviceInclude,
    splitServers,
} from "./upstreamScale";

/** The two services of the default stack, as discovery would see them. */
export const SCALE_SERVICES = [
    { name: "application1", weight: 3 },
    { name: "application2", weight: 1 },
] as const;

/** Where the container reads the per-service files (a read-only bind mount of a host folder). */
export const UPSTREAM_INCLUDE_DIR = "/etc/nginx/webstack-upstream";

export interface UpstreamNginxOptions {
    /** Prefix of the container, network and host folder. */
    readonly name: string;
    /** Labels on the container and network (for cleanup). */
    readonly labels: Readonly<Record<string, string>>;
    readonly image: string;
    /** Host port nginx's plain listener is published on (127.0.0.1). */
    readonly hostPort: number;
    /** Most servers any set will have: sizes the upstream zone. */
    readonly maxServers: number;
    /** Servers of the first set. */
    readonly initialServers: number;
}

/** Children of `pid` from /proc (the kernel's children list, else a scan of every process's parent). */
export function childPids(pid: number): number[] {
    const list = `/proc/${pid}/task/${pid}/children`;
    if (existsSync(list)) {
        return readFileSync(list, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    }
    return readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
            try {
                return parentPid(readFileSync(`/proc/${d}/stat`, "utf8")) === pid;
            } catch {
                return false; // exited while we looked
            }
        })
        .map(Number);
}

export class UpstreamNginx {
    private readonly agent = agentFor("http://127.0.0.1/", false);
    private constructor(
        readonly o: UpstreamNginxOptions,
        readonly container: string,
        readonly network: string,
        readonly dir: string,
        readonly addresses: readonly string[],
        readonly masterPid: number,
        private servers: number,
    ) {}

    get healthUrl(): string {
        return `http://127.0.0.1:${this.o.hostPort}${NGINX_HEALTH_PATH}`;
    }

    /** Network, first set and nginx (read-only root, no capabilities, the runtime's tmpfs, as on ECS); waits until it serves. */
    static async start(o: UpstreamNginxOptions): Promise<UpstreamNginx> {
        const labels = Object.entries(o.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
        const network = `${o.name}-net`;
        await cli(["network", "create", ...labels, network]);
        const net = JSON.parse(await cli(["network", "inspect", network])) as {
            IPAM: { Config: { Subnet: string; Gateway?: string }[] };
        }[];
        const ipam = net[0].IPAM.Config.find((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c.Subnet));
        if (!ipam) {
            throw new Error(`network ${network} has no IPv4 subnet`);
        }
        const dir = mkdtempSync(path.join(tmpdir(), `${o.name}-`));
        chmodSync(dir, 0o755); // nginx's user reads the bind mount
        const container = `${o.name}-nginx`;
        const config = configWithIncludes(
            {
                services: SCALE_SERVICES,
                tuning: DEFAULT_NGINX,
                serverNames: ["localhost", "127.0.0.1"],
                logFormat: "json",
                upstreamServersMax: o.maxServers,
            },
            UPSTREAM_INCLUDE_DIR,
        );
        // nginx gets the address after the gateway's; the upstream's start well above both.
        const addresses = hostAddresses(ipam.Subnet, o.maxServers, [ipam.Gateway ?? ""]);
        writeSet(dir, splitServers(o.initialServers, SCALE_SERVICES, addresses));
        await cli([
            "run",
            "-d",
            "--name",
            container,
            ...labels,
            "--network",
            network,
            "--publish",
            `127.0.0.1:${o.hostPort}:${NGINX_PORT}`,
            ...Object.entries({ ...nginxEnvironment(), [NGINX_CONF_ENV]: config }).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
            "--read-only",
            "--cap-drop",
            "ALL",
            ...NGINX_TMPFS.flatMap((t) => ["--tmpfs", `${t.containerPath}:${dockerTmpfsOptions(t)}`]),
            "--volume",
            `${dir}:${UPSTREAM_INCLUDE_DIR}:ro`,
            o.image,
        ]);
        const ip = (await inspectContainer(container)).NetworkSettings.Networks[network]?.IPAddress;
        if (ip && addresses.includes(ip)) {
            throw new Error(`nginx got ${ip}, one of the upstream's addresses`);
        }
        const n = new UpstreamNginx(o, container, network, dir, addresses, (await inspectContainer(container)).State.Pid, o.initialServers);
        await n.waitServing(30_000);
        return n;
    }

    /** The servers nginx's config on disk names (`nginx -T` expands the includes). */
    async configuredServers(): Promise<number> {
        const t = await cli(["exec", this.container, "nginx", "-e", "stderr", "-T", "-q", "-c", NGINX_RUN_CONF]);
        return t.split("\n").filter((l) => new RegExp(`^\\s+server \\d+\\.\\d+\\.\\d+\\.\\d+:${APP_PORT} `).test(l)).length;
    }

    /** Master and workers: RSS (shared pages counted in each) and PSS, from the host's /proc. */
    memory(): NginxMemory {
        const pids = [this.masterPid, ...childPids(this.masterPid)];
        const rss = pids.map((p) => procKiB(readFileSync(`/proc/${p}/status`, "utf8"), "VmRSS"));
        const pss = pids.map((p) => procKiB(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"), "Pss"));
        return {
            masterRssKiB: rss[0],
            rssKiB: rss.reduce((a, b) => a + b, 0),
            pssKiB: pss.reduce((a, b) => a + b, 0),
            workers: pids.length - 1,
        };
    }

    /** Writes the set of `to` servers, `nginx -t`, reload; measures until only new workers serve. */
    async reloadTo(to: number, round: number, timeoutMs = 20_000): Promise<ReloadRun> {
        const from = this.servers;
        writeSet(this.dir, splitServers(to, SCALE_SERVICES, this.addresses));
        // Timed inside the container: docker exec's own start-up is no part of a publish there.
        const timed = `s=$(date +%s%N); nginx -e stderr -t -q -c ${NGINX_RUN_CONF} || exit 1; e=$(date +%s%N); echo $(((e - s) / 1000))`;
        const testMs = Number((await cli(["exec", this.container, "sh", "-c", timed])).trim()) / 1000;
        const old = new Set(childPids(this.masterPid));
        const sent = performance.now();
        process.kill(this.masterPid, "SIGHUP");
        let forkedMs: number | undefined;
        let workersMs: number | undefined;
        let servedMs: number | undefined;
        while (servedMs === undefined) {
            const elapsed = performance.now() - sent;
            if (elapsed > timeoutMs) {
                throw new Error(
                    `reload ${from} → ${to}: only new workers did not serve within ${timeoutMs} ms (forked: ${forkedMs ?? "no"})`,
                );
            }
            if (workersMs === undefined) {
                const now = childPids(this.masterPid);
                if (forkedMs === undefined && now.some((p) => !old.has(p))) {
                    forkedMs = elapsed;
                }
                if (now.length >= old.size && now.every((p) => !old.has(p))) {
                    workersMs = elapsed;
                }
            } else {
                // A fresh connection: only new workers are left to accept it.
                const r = await get(this.healthUrl, this.agent, 2000);
                if (r.status === 200) {
                    servedMs = performance.now() - sent;
                }
            }
            if (servedMs === undefined) {
                await sleep(1);
            }
        }
        this.servers = to;
        await this.exercise();
        return { round, from, to, testMs, forkedMs: forkedMs ?? workersMs!, workersMs: workersMs!, servedMs, memory: this.memory() };
    }

    /** A few health requests, so every worker has run its request path before memory is read. */
    async exercise(): Promise<void> {
        for (let i = 0; i < 20; i++) {
            await get(this.healthUrl, this.agent, 2000);
        }
        await sleep(200);
    }

    async waitServing(timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while ((await get(this.healthUrl, this.agent, 2000)).status !== 200) {
            if (Date.now() > deadline) {
                throw new Error(
                    `nginx did not answer ${this.healthUrl} within ${timeoutMs} ms:\n${await logs(this.container).catch(() => "")}`,
                );
            }
            await sleep(200);
        }
    }

    /** nginx's error-log lines about upstreams or failed configs (there must be none: nothing is sent there). */
    async upstreamErrors(): Promise<string[]> {
        return (await logs(this.container))
            .split("\n")
            .filter((l) => /\[(emerg|alert|crit|error)\]|upstream|connect\(\) failed/.test(l) && !l.startsWith("{"));
    }

    async remove(): Promise<void> {
        this.agent.destroy();
        await cli(["rm", "-f", this.container]).catch(() => undefined);
        await cli(["network", "rm", this.network]).catch(() => undefined);
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Each service's file, written beside and renamed into place, so nginx -t never reads half a file. */
export function writeSet(dir: string, services: readonly UpstreamService[]): void {
    for (const s of services) {
        const file = path.join(dir, `${s.name}.conf`);
        writeFileSync(`${file}.tmp`, serviceInclude(s, APP_PORT, DEFAULT_NGINX), { mode: 0o644 });
        renameSync(`${file}.tmp`, file);
    }
}
