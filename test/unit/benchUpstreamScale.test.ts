// The pure parts of the upstream-size measurement (bench/upstreamScale.ts): addresses, the include
// files and the config that includes them, /proc parsing, and the report.
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import { renderNginxConfig, renderServerLine, upstreamZoneKiB } from "../../nginx/render";
import {
    ReloadRun,
    configWithIncludes,
    hostAddresses,
    median,
    parentPid,
    procKiB,
    reloadTable,
    serviceInclude,
    splitServers,
    summarizeReloads,
} from "../../bench/upstreamScale";

const SERVICES = [
    { name: "application1", weight: 3 },
    { name: "application2", weight: 1 },
];

describe("hostAddresses", () => {
    test.each([
        ["172.18.0.0/16", 3, [], ["172.18.0.10", "172.18.0.11", "172.18.0.12"]],
        ["172.18.5.7/16", 1, [], ["172.18.0.10"]],
        ["10.0.0.0/24", 2, ["10.0.0.10"], ["10.0.0.11", "10.0.0.12"]],
        ["10.0.0.248/29", 0, [], []],
    ])("%s, %d addresses, excluding %j", (cidr, n, exclude, expected) => {
        expect(hostAddresses(cidr, n, exclude)).toEqual(expected);
    });

    test("crosses octets", () => {
        expect(hostAddresses("192.168.0.0/16", 246).slice(-2)).toEqual(["192.168.0.254", "192.168.0.255"]);
        expect(hostAddresses("192.168.0.0/16", 248).slice(-2)).toEqual(["192.168.1.0", "192.168.1.1"]);
    });

    test.each([
        ["a /24 holds 245 after the first 10, without the broadcast address", "10.0.0.0/24", 246, /room for 245 of the 246/],
        ["no CIDR", "10.0.0.0", 1, /not an IPv4 CIDR/],
        ["no hosts", "10.0.0.0/31", 1, /not an IPv4 CIDR/],
        ["IPv6", "fd00::/64", 1, /not an IPv4 CIDR/],
    ])("refuses: %s", (_, cidr, n, error) => {
        expect(() => hostAddresses(cidr, n)).toThrow(error);
    });
});

describe("splitServers", () => {
    const addresses = hostAddresses("10.1.0.0/16", 500);

    test.each([
        [8, [4, 4]],
        [100, [50, 50]],
        [500, [250, 250]],
        [7, [4, 3]],
        [1, [1, 0]],
    ])("%d servers over two services: %j", (total, parts) => {
        const s = splitServers(total, SERVICES, addresses);
        expect(s.map((x) => x.addresses.length)).toEqual(parts);
        // Every server has its own address, and each service keeps its weight.
        expect(new Set(s.flatMap((x) => x.addresses)).size).toBe(total);
        expect(s.map((x) => [x.name, x.weight])).toEqual(SERVICES.map((x) => [x.name, x.weight]));
    });

    test("refuses more servers than addresses", () => {
        expect(() => splitServers(501, SERVICES, addresses)).toThrow("501 servers need 501 addresses, got 500");
    });
});

test("a service's include file is one renderServerLine per task, after a comment", () => {
    const text = serviceInclude({ name: "application1", weight: 3, addresses: ["10.1.0.10", "10.1.0.11"] }, 8000, DEFAULT_NGINX);
    expect(text.split("\n")).toEqual([
        "# application1: 2 tasks, weight 3 each",
        renderServerLine({ host: "10.1.0.10", port: 8000, weight: 3, resolve: false }, DEFAULT_NGINX),
        renderServerLine({ host: "10.1.0.11", port: 8000, weight: 3, resolve: false }, DEFAULT_NGINX),
        "",
    ]);
    expect(text).not.toContain("resolve");
});

describe("configWithIncludes", () => {
    const args = { services: SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost"], upstreamServersMax: 1000 };

    test("replaces each service's server line in the upstream block by an include of its file, and nothing else", () => {
        const rendered = renderNginxConfig(args).split("\n");
        const included = configWithIncludes(args, "/etc/x").split("\n");
        const changed = rendered.map((l, i) => [l, included[i]]).filter(([a, b]) => a !== b);
        expect(changed.map(([, b]) => b)).toEqual([
            "        include /etc/x/application1.conf;",
            "        include /etc/x/application2.conf;",
        ]);
        expect(changed.map(([a]) => a.trim())).toEqual([
            expect.stringMatching(/^server application1:8000 weight=3 .* resolve;$/),
            expect.stringMatching(/^server application2:8000 weight=1 .* resolve;$/),
        ]);
        expect(included.length).toBe(rendered.length);
        expect(included).toContain(`        zone webstack_app ${upstreamZoneKiB(1000)}k;`);
    });
});

test.each([
    [undefined, 256],
    [0, 256],
    [190, 256],
    [500, 564],
    [1000, 1064],
])("upstreamZoneKiB(%p) = %d: never below the default, 1 KiB per server above it (nginx 1.30 takes ~810 B)", (n, kib) => {
    expect(upstreamZoneKiB(n)).toBe(kib);
});

describe("/proc parsing", () => {
    test.each([
        ["1234 (nginx) S 1 1234 1234 0 -1", 1],
        ["77 (nginx: worker) S 42 42 42 0 -1", 42],
        ["9 (a) (b) c) R 3 9 9", 3],
    ])("parent pid of %j is %d", (stat, ppid) => {
        expect(parentPid(stat)).toBe(ppid);
    });

    const status = "Name:\tnginx\nVmPeak:\t   12000 kB\nVmRSS:\t    9728 kB\nRssAnon:\t 1200 kB\n";
    test("a kB field", () => {
        expect(procKiB(status, "VmRSS")).toBe(9728);
        expect(procKiB("Rss:                2204 kB\nPss:                 243 kB\n", "Pss")).toBe(243);
        expect(() => procKiB(status, "Pss")).toThrow("no Pss in the /proc text");
    });
});

const run = (round: number, from: number, to: number, servedMs: number, rssKiB: number): ReloadRun => ({
    round,
    from,
    to,
    testMs: 10,
    forkedMs: 20,
    workersMs: servedMs - 5,
    servedMs,
    memory: { masterRssKiB: 5000, rssKiB, pssKiB: rssKiB / 2, workers: 2 },
});

test("median", () => {
    expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([])]).toEqual([2, 2.5, NaN]);
});

test("reloads are summarized per transition, in first-run order, with medians and the worst time", () => {
    const runs = [run(0, 8, 500, 300, 20480), run(0, 500, 8, 200, 18432), run(1, 8, 500, 500, 22528), run(1, 500, 8, 100, 18432)];
    expect(summarizeReloads(runs)).toEqual([
        { from: 8, to: 500, n: 2, testMs: 10, forkedMs: 20, workersMs: 395, servedMs: 400, maxServedMs: 500, rssKiB: 21504, pssKiB: 10752 },
        { from: 500, to: 8, n: 2, testMs: 10, forkedMs: 20, workersMs: 145, servedMs: 150, maxServedMs: 200, rssKiB: 18432, pssKiB: 9216 },
    ]);
    expect(reloadTable(runs).split("\n").slice(2)).toEqual([
        "| 8 → 500 | 2 | 10 | 20 | 395 | 400 | 500 | 21.0 | 10.5 |",
        "| 500 → 8 | 2 | 10 | 20 | 145 | 150 | 200 | 18.0 | 9.0 |",
    ]);
});
