// nginx with a large upstream, as nginx's Cloud Map discovery feeds it on aws: the rendered config's
// upstream includes one file per service, each rendered with renderServerLine. Pure parts here (the
// files, the config, /proc parsing, the report); bench/upstreamNginx.ts runs it on the engine.
import type { NginxTuning } from "../lib/config/types";
import { RenderNginxArgs, UPSTREAM_NAME, renderNginxConfig, renderServerLine } from "../nginx/render";

/** One service's part of the upstream: its per-replica weight and its tasks' addresses. */
export interface UpstreamService {
    readonly name: string;
    readonly weight: number;
    readonly addresses: readonly string[];
}

const ipToInt = (ip: string) => ip.split(".").reduce((n, p) => n * 256 + Number(p), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/**
 * `count` host addresses of an IPv4 CIDR, from the 11th on (Docker gives the gateway and the first
 * containers the lowest ones), skipping `exclude`. Throws when the subnet is too small.
 */
export function hostAddresses(cidr: string, count: number, exclude: readonly string[] = []): string[] {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
    if (!m || Number(m[2]) > 30 || m[1].split(".").some((p) => Number(p) > 255)) {
        throw new Error(`not an IPv4 CIDR with room for hosts: ${JSON.stringify(cidr)}`);
    }
    const size = 2 ** (32 - Number(m[2]));
    const network = ipToInt(m[1]) - (ipToInt(m[1]) % size);
    const skip = new Set(exclude);
    const out: string[] = [];
    // The last address is the broadcast address.
    for (let n = network + 10; n < network + size - 1 && out.length < count; n++) {
        const ip = intToIp(n);
        if (!skip.has(ip)) {
            out.push(ip);
        }
    }
    if (out.length < count) {
        throw new Error(`${cidr} has room for ${out.length} of the ${count} addresses asked for`);
    }
    return out;
}

/** `total` servers over `services` (names and weights) in equal parts, the first ones taking the remainder. */
export function splitServers(
    total: number,
    services: readonly { readonly name: string; readonly weight: number }[],
    addresses: readonly string[],
): UpstreamService[] {
    if (addresses.length < total) {
        throw new Error(`${total} servers need ${total} addresses, got ${addresses.length}`);
    }
    let next = 0;
    return services.map((s, i) => {
        const n = Math.floor(total / services.length) + (i < total % services.length ? 1 : 0);
        const part = addresses.slice(next, next + n);
        next += n;
        return { name: s.name, weight: s.weight, addresses: part };
    });
}

/** A service's include file: one renderServerLine per task, as discovery writes it. */
export function serviceInclude(s: UpstreamService, port: number, tuning: Pick<NginxTuning, "failTimeoutSec">): string {
    const lines = s.addresses.map((host) => renderServerLine({ host, port, weight: s.weight, resolve: false }, tuning));
    return [`# ${s.name}: ${s.addresses.length} tasks, weight ${s.weight} each`, ...lines, ""].join("\n");
}

/**
 * The config renderNginxConfig renders for `args`, with each service's `server … resolve;` line in the
 * upstream block replaced by `include <dir>/<service>.conf;`. Throws when the rendered upstream does
 * not have exactly one server line per service (the renderer changed shape: this must follow it).
 */
export function configWithIncludes(args: RenderNginxArgs, dir: string): string {
    const lines = renderNginxConfig(args).split("\n");
    const start = lines.indexOf(`    upstream ${UPSTREAM_NAME} {`);
    const end = lines.indexOf("    }", start);
    if (start < 0 || end < 0) {
        throw new Error(`the rendered config has no upstream ${UPSTREAM_NAME} block`);
    }
    const servers = lines.map((l, i) => [l, i] as const).filter(([l, i]) => i > start && i < end && /^\s+server /.test(l));
    if (servers.length !== args.services.length) {
        throw new Error(`the upstream has ${servers.length} server lines for ${args.services.length} services`);
    }
    servers.forEach(([line, i], k) => {
        const name = args.services[k].name;
        if (!line.includes(` ${name}`)) {
            throw new Error(`upstream line ${JSON.stringify(line.trim())} is not service ${name}'s`);
        }
        lines[i] = `        include ${dir}/${name}.conf;`;
    });
    return lines.join("\n");
}

/** Parent pid of a /proc/<pid>/stat line (the command in parentheses may hold spaces and parentheses). */
export function parentPid(stat: string): number {
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
}

/** A `Key:   1234 kB` field of /proc/<pid>/status or smaps_rollup, in KiB. */
export function procKiB(text: string, key: string): number {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
    if (!m) {
        throw new Error(`no ${key} in the /proc text`);
    }
    return Number(m[1]);
}

/** nginx's memory: RSS (shared pages counted in every process) and PSS (shared pages split), KiB. */
export interface NginxMemory {
    readonly masterRssKiB: number;
    readonly rssKiB: number;
    readonly pssKiB: number;
    readonly workers: number;
}

/** One graceful reload from `from` to `to` servers. */
export interface ReloadRun {
    readonly round: number;
    readonly from: number;
    readonly to: number;
    /** `nginx -t` of the new set, timed inside the container. */
    readonly testMs: number;
    /** SIGHUP to the master → its first new worker exists (nginx has read the new config and forked). */
    readonly forkedMs: number;
    /** SIGHUP → every worker is a new one (nginx waits 100 ms before it tells the old ones to quit). */
    readonly workersMs: number;
    /** SIGHUP → first health answer after that: only new workers serve. */
    readonly servedMs: number;
    /** nginx's memory a moment after the reload, at `to` servers. */
    readonly memory: NginxMemory;
}

export function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Medians per transition, in the order the transitions first ran. */
export function summarizeReloads(runs: readonly ReloadRun[]): {
    from: number;
    to: number;
    n: number;
    testMs: number;
    forkedMs: number;
    workersMs: number;
    servedMs: number;
    maxServedMs: number;
    rssKiB: number;
    pssKiB: number;
}[] {
    const keys = [...new Set(runs.map((r) => `${r.from}>${r.to}`))];
    return keys.map((k) => {
        const rs = runs.filter((r) => `${r.from}>${r.to}` === k);
        return {
            from: rs[0].from,
            to: rs[0].to,
            n: rs.length,
            testMs: median(rs.map((r) => r.testMs)),
            forkedMs: median(rs.map((r) => r.forkedMs)),
            workersMs: median(rs.map((r) => r.workersMs)),
            servedMs: median(rs.map((r) => r.servedMs)),
            maxServedMs: Math.max(...rs.map((r) => r.servedMs)),
            rssKiB: median(rs.map((r) => r.memory.rssKiB)),
            pssKiB: median(rs.map((r) => r.memory.pssKiB)),
        };
    });
}

const mib = (kib: number) => (kib / 1024).toFixed(1);

/** The markdown table of a run: one row per transition. */
export function reloadTable(runs: readonly ReloadRun[]): string {
    const rows = summarizeReloads(runs).map(
        (s) =>
            `| ${s.from} → ${s.to} | ${s.n} | ${s.testMs.toFixed(0)} | ${s.forkedMs.toFixed(0)} | ${s.workersMs.toFixed(0)} | ${s.servedMs.toFixed(0)} | ${s.maxServedMs.toFixed(0)} | ${mib(s.rssKiB)} | ${mib(s.pssKiB)} |`,
    );
    return [
        "| servers | reloads | nginx -t ms | first new worker ms | all workers new ms | only new serve ms | (max) | RSS MiB | PSS MiB |",
        "| ------- | ------: | ----------: | ------------------: | -----------------: | ----------------: | ----: | ------: | ------: |",
        ...rows,
    ].join("\n");
}
