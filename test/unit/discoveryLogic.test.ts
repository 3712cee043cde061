// The discovery sidecar's decisions (discovery/logic.ts), one table per decision.
import { parseDiscoveryConfig } from "../../discovery/config";
import {
    MAX_BACKOFF_SEC,
    backoffSec,
    changedServices,
    decide,
    errorLine,
    errorName,
    okLine,
    publishDelayMs,
    renderUpstreamFiles,
    serviceLine,
} from "../../discovery/logic";
import { DISCOVERY, DiscoveryConfig } from "../../lib/runtime";
import { renderNginxConfig } from "../../nginx/render";
import { DEFAULT_NGINX } from "../../lib/config/defaults";

const CONFIG: DiscoveryConfig = {
    namespace: "webstack-aws.internal",
    services: [
        { name: "alpha", weight: 1, backup: false, minReplicas: 2 },
        { name: "beta", weight: 3, backup: false, minReplicas: 0 },
        { name: "canary", weight: 1, backup: true, minReplicas: 1 },
    ],
    port: 8000,
    failTimeoutSec: 2,
    pollSec: DISCOVERY.pollSec,
    coalesceSec: DISCOVERY.coalesceSec,
};

describe("changedServices: a revision that differs, in either direction, is a change", () => {
    test.each([
        ["first answer", {}, { a: 5 }, ["a"]],
        ["same revision", { a: 5 }, { a: 5 }, []],
        ["grew (AWS)", { a: 5 }, { a: 6 }, ["a"]],
        ["shrank (moto sums instance revisions; a recreated service restarts)", { a: 40 }, { a: 39 }, ["a"]],
        ["only the changed one of two", { a: 1, b: 2 }, { a: 1, b: 3 }, ["b"]],
    ])("%s", (_, before, now, changed) => {
        expect(changedServices(new Map(Object.entries(before)), new Map(Object.entries(now)))).toEqual(changed);
    });
});

describe("decide: an empty answer never empties a service that had tasks, unless the config allows 0", () => {
    test.each([
        ["cold start, tasks", undefined, ["10.0.0.2", "10.0.0.1"], 1, { kind: "accept", ips: ["10.0.0.1", "10.0.0.2"] }],
        ["cold start, none yet", undefined, [], 1, { kind: "accept", ips: [] }],
        ["had tasks, now none, min 1", ["10.0.0.1"], [], 1, { kind: "fault", error: "NoHealthyInstances" }],
        ["had tasks, now none, min 0", ["10.0.0.1"], [], 0, { kind: "accept", ips: [] }],
        ["had none, still none", [], [], 1, { kind: "accept", ips: [] }],
        ["40 to 1 is a scale-in, not a fault", ["10.0.0.1", "10.0.0.2"], ["10.0.0.2"], 2, { kind: "accept", ips: ["10.0.0.2"] }],
        [
            "duplicates and numeric order",
            undefined,
            ["10.0.0.10", "10.0.0.9", "10.0.0.10"],
            1,
            { kind: "accept", ips: ["10.0.0.9", "10.0.0.10"] },
        ],
    ])("%s", (_, previous, answer, min, expected) => {
        expect(decide(previous, answer, min)).toEqual(expected);
    });
});

describe("backoffSec: exponential from pollSec, capped, with equal jitter", () => {
    test.each([
        [1, 0, 2],
        [1, 0.999, 4],
        [2, 0, 4],
        [3, 0.5, 12],
        [4, 0, MAX_BACKOFF_SEC / 2],
        [10, 0.999, MAX_BACKOFF_SEC],
    ])("error %d, random %d: %d s", (n, random, expected) => {
        expect(backoffSec(n, 2, random)).toBeCloseTo(expected, 1);
    });
    test("never below half the ceiling, never above it: tasks that failed together spread out", () => {
        for (let n = 1; n < 12; n++) {
            const ceiling = Math.min(MAX_BACKOFF_SEC, 2 * 2 ** n);
            for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
                const b = backoffSec(n, 2, r);
                expect(b).toBeGreaterThanOrEqual(ceiling / 2);
                expect(b).toBeLessThanOrEqual(ceiling);
            }
        }
    });
});

describe("publishDelayMs: at most one publish per coalesceSec", () => {
    test.each([
        ["never published", undefined, 10_000, 0],
        ["just published", 10_000, 10_000, 3000],
        ["1 s ago", 9000, 10_000, 2000],
        ["exactly coalesceSec ago", 7000, 10_000, 0],
        ["long ago", 0, 10_000, 0],
    ])("%s", (_, last, now, expected) => {
        expect(publishDelayMs(last, now, 3)).toBe(expected);
    });
});

describe("renderUpstreamFiles", () => {
    test("one server line per task with the service's per-replica weight; a backup service stays backup", () => {
        const files = renderUpstreamFiles(
            CONFIG,
            new Map([
                ["alpha", ["10.0.0.1", "10.0.0.2"]],
                ["beta", ["10.0.1.1"]],
                ["canary", ["10.0.2.1"]],
            ]),
        );
        expect([...files.keys()]).toEqual(["alpha.conf", "beta.conf", "canary.conf"]);
        expect(files.get("alpha.conf")).toMatchSnapshot();
        expect(files.get("beta.conf")).toContain("server 10.0.1.1:8000 weight=3 max_fails=1 fail_timeout=2s;");
        expect(files.get("canary.conf")).toContain("server 10.0.2.1:8000 weight=1 max_fails=1 fail_timeout=2s backup;");
        expect([...files.values()].join("")).not.toContain("resolve");
    });
    test("shares: weight × healthy tasks / Σ, for any task count (200 × 1 and 100 × 3: 40 % / 60 %)", () => {
        const ips = (n: number, net: number) => Array.from({ length: n }, (_, i) => `10.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
        const files = renderUpstreamFiles(
            CONFIG,
            new Map([
                ["alpha", ips(200, 1)],
                ["beta", ips(100, 2)],
                ["canary", []],
            ]),
        );
        const weights = (f: string) => [...files.get(f)!.matchAll(/weight=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
        expect([weights("alpha.conf"), weights("beta.conf"), weights("canary.conf")]).toEqual([200, 300, 0]);
    });
    test("no task anywhere: a `down` placeholder keeps the upstream valid for nginx -t", () => {
        const files = renderUpstreamFiles(
            CONFIG,
            new Map([
                ["alpha", []],
                ["beta", []],
                ["canary", []],
            ]),
        );
        expect(files.get("alpha.conf")).toContain("server 127.0.0.1:8000 down;");
        expect(files.get("beta.conf")).not.toContain("server");
    });
    test("the rendered nginx.conf includes exactly these files from nginx's upstream folder", () => {
        const conf = renderNginxConfig({
            services: [
                { name: "alpha", weight: 1 },
                { name: "beta", weight: 3 },
            ],
            tuning: DEFAULT_NGINX,
            serverNames: ["localhost"],
            upstreamIncludeDir: "/run/webstack/upstream",
        });
        expect(conf).toContain("        include /run/webstack/upstream/alpha.conf;\n        include /run/webstack/upstream/beta.conf;\n");
        expect(conf).not.toMatch(/server \S+ .*resolve;/);
    });
});

describe("status lines (DISCOVERY-CONTRACT.md)", () => {
    test("never carry the access log's fields, so the request metric filters do not count them", () => {
        const lines = [
            okLine({ revision: "alpha=3", instances: 3, services: 1, lastSuccessAgeSec: 0, reloads: 2 }),
            serviceLine("alpha", 3),
            errorLine({ error: "ThrottlingException", consecutiveErrors: 2, lastSuccessAgeSec: 7, backoffSec: 5.1 }),
        ].map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const l of lines) {
            expect(Object.keys(l)).not.toEqual(expect.arrayContaining(["status"]));
            expect(l).not.toHaveProperty("svc");
            expect(l).not.toHaveProperty("rt");
        }
        expect(lines[0]).toEqual({
            event: "discovery",
            ok: true,
            revision: "alpha=3",
            instances: 3,
            services: 1,
            consecutiveErrors: 0,
            lastSuccessAgeSec: 0,
            reloads: 2,
        });
        expect(lines[2]).toEqual({
            event: "discovery",
            ok: false,
            error: "ThrottlingException",
            consecutiveErrors: 2,
            lastSuccessAgeSec: 7,
            backoffSec: 5.1,
        });
    });
    test.each([
        ["SDK error", Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }), "ThrottlingException"],
        ["network error", Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), "ECONNREFUSED"],
        ["plain", new Error("x"), "Error"],
        ["not an error", "x", "Error"],
    ])("errorName: %s", (_, e, name) => {
        expect(errorName(e)).toBe(name);
    });
});

describe("parseDiscoveryConfig", () => {
    test("reads what lib/runtime.ts writes", () => {
        expect(parseDiscoveryConfig(JSON.stringify(CONFIG))).toEqual(CONFIG);
    });
    test.each([
        [undefined, "not set"],
        ["{", "not JSON"],
        [JSON.stringify({ ...CONFIG, namespace: "" }), "namespace"],
        [JSON.stringify({ ...CONFIG, services: [] }), "services must be a non-empty list"],
        [JSON.stringify({ ...CONFIG, services: [{ name: "A_b", weight: 1, minReplicas: 1 }] }), "services[0].name"],
        [JSON.stringify({ ...CONFIG, services: [{ name: "a", weight: 0, minReplicas: 1 }] }), "services[0].weight"],
        [JSON.stringify({ ...CONFIG, pollSec: 0 }), "pollSec"],
    ])("refuses %s", (text, message) => {
        expect(() => parseDiscoveryConfig(text)).toThrow(message);
    });
});
