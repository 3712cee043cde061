// issue 18 finding 10 (local containers) and finding 4 (the uploaded key), as the program declares them under the
// mock runtime. The engine side (docker inspect of the replayed stack, the key left in the config container) is
// test/engine/localLimits.test.ts.
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { isSecretValue } from "../../evaluation/hash";
import { planDiff } from "../../replay/plan";
import { DOCKER } from "../../evaluation/resourceTypes";
import { parseStackConfig } from "../../lib/config/config";
import { ConfigError } from "../../lib/config/validate";
import { appPidsLimit, defaultCpu, defaultMemoryMiB, dockerCpus, replicaUid } from "../../lib/local/limits";
import { LOCAL_LIMITS } from "../../lib/config/defaults";
import { NGINX_TLS_UPLOAD_DIR } from "../../lib/runtime";
import { labelMap } from "../support/graph";
import { availableParallelism } from "os";

const containers = (ev: Evaluation, role: string) =>
    ev.resources.filter((r) => r.type === DOCKER.container && labelMap(r)["webstack.role"] === role);

describe("sizing from workers and threads", () => {
    test.each([
        // workers, threads, host CPUs -> cpu, memoryMiB, pids
        [1, 1, 2, 1024, 162, 74],
        [3, 4, 2, 2048, 248, 104],
        [6, 4, 2, 2048, 368, 140],
        [6, 4, 16, 6144, 368, 140],
        [64, 64, 2, 2048, 10368, 8516],
    ])("%i workers × %i threads on %i CPUs: cpu %i, %i MiB, %i tasks", (workers, threads, host, cpu, mem, pids) => {
        expect([defaultCpu(workers, host), defaultMemoryMiB(workers, threads), appPidsLimit(workers, threads)]).toEqual([cpu, mem, pids]);
    });

    test.each([
        [1024, "1"],
        [1536, "1.5"],
        [256, "0.25"],
        [2048, "2"],
    ])("cpu %i is Docker cpus '%s'", (cpu, cpus) => {
        expect(dockerCpus(cpu)).toBe(cpus);
    });

    test("a replica's uid is stable, in the reserved range, and differs between replicas", () => {
        const uids = Array.from({ length: 200 }, (_, i) => replicaUid(`webstack-dev-application1-abcdef-${i + 1}`));
        expect(replicaUid("webstack-dev-application1-abcdef-1")).toBe(uids[0]);
        expect(new Set(uids).size).toBe(200);
        for (const u of uids) {
            expect(u).toBeGreaterThanOrEqual(LOCAL_LIMITS.app.uidBase);
            expect(u).toBeLessThan(LOCAL_LIMITS.app.uidBase + LOCAL_LIMITS.app.uidSpan);
        }
    });
});

describe("webstack:services[].cpu and memoryMiB on the local target", () => {
    const svc = (extra: Record<string, unknown>) => JSON.stringify([{ name: "application1", workers: 2, ...extra }]);

    test("set: used as given", () => {
        const c = parseStackConfig({ services: svc({ cpu: 512, memoryMiB: 300 }) }, { hostCpus: 2 });
        expect(c.services[0]).toMatchObject({ cpu: 512, memoryMiB: 300 });
    });

    test("unset: sized from workers and threads", () => {
        expect(parseStackConfig({ services: svc({ threads: 8 }) }, { hostCpus: 4 }).services[0]).toMatchObject({
            cpu: 2048,
            memoryMiB: 128 + 2 * (32 + 16),
        });
    });

    test.each([
        [{ cpu: 4096 }, /webstack:services\[0\]\.cpu: got 4096; must be an integer from 128 to 2048: .*at most the 2 CPUs this host has/],
        [{ cpu: 64 }, /webstack:services\[0\]\.cpu: got 64; must be an integer from 128/],
        [{ cpu: "1" }, /webstack:services\[0\]\.cpu: got "1"; must be an integer/],
        [{ memoryMiB: 16 }, /webstack:services\[0\]\.memoryMiB: got 16; must be an integer from 64 to 65536/],
        [{ memoryMiB: 1.5 }, /webstack:services\[0\]\.memoryMiB: got 1\.5/],
    ])("%j is refused, naming the key", (extra, message) => {
        expect(() => parseStackConfig({ services: svc(extra) }, { hostCpus: 2 })).toThrow(ConfigError);
        expect(() => parseStackConfig({ services: svc(extra) }, { hostCpus: 2 })).toThrow(message);
    });
});

describe("every local container has memory and pids limits; app replicas a CPU limit too", () => {
    let def: Evaluation;
    let tls: Evaluation;
    beforeAll(async () => {
        def = await evaluate({});
        tls = await evaluate({ tls: { mode: "self-signed" } });
    });

    test("app replicas: cpus, memory without swap, nproc from workers and threads, and a uid of their own", () => {
        const apps = containers(def, "app");
        expect(apps).toHaveLength(2);
        const hostCpus = availableParallelism();
        for (const [service, workers, threads] of [
            ["application1", 6, 4],
            ["application2", 3, 4],
        ] as const) {
            const r = apps.find((a) => labelMap(a)["webstack.service"] === service)!;
            const pids = appPidsLimit(workers, threads);
            expect(r.inputs).toMatchObject({
                cpus: dockerCpus(defaultCpu(workers, hostCpus)),
                memory: defaultMemoryMiB(workers, threads),
                memorySwap: defaultMemoryMiB(workers, threads),
                ulimits: [{ name: "nproc", soft: pids, hard: pids }],
                user: `${replicaUid(r.inputs.name as string)}:10001`,
            });
        }
    });

    test("nginx and its config container: memory without swap and the nproc ceiling of nginx's uid", () => {
        for (const [role, l] of [
            ["nginx", LOCAL_LIMITS.nginx],
            ["nginx-config", LOCAL_LIMITS.nginxConfig],
        ] as const) {
            expect(containers(def, role)[0].inputs).toMatchObject({
                memory: l.memoryMiB,
                memorySwap: l.memoryMiB,
                ulimits: [{ name: "nproc", soft: l.pidsLimit, hard: l.pidsLimit }],
            });
        }
    });

    test("more memory is an in-place update of the same replicas (the provider updates memory in place)", async () => {
        const more = await evaluate({
            services: [{ name: "application1", weight: 3, workers: 6, memoryMiB: 1024 }, { name: "application2" }],
        });
        const base = await evaluate({ services: [{ name: "application1", weight: 3, workers: 6 }, { name: "application2" }] });
        const steps = planDiff(base, more).steps.filter((s) => s.type === DOCKER.container);
        expect(steps.map((s) => [s.op, s.name, s.changedKeys])).toEqual([
            ["update", expect.stringMatching(/^webstack-application1-[0-9a-f]{6}-1$/), ["memory", "memorySwap"]],
        ]);
    });

    test("another CPU limit is a new generation: created before the old replicas are deleted, never replaced in place", async () => {
        const base = await evaluate({ services: [{ name: "application1", weight: 3, workers: 1 }, { name: "application2" }] });
        const cpu = await evaluate({ services: [{ name: "application1", weight: 3, workers: 1, cpu: 512 }, { name: "application2" }] });
        const steps = planDiff(base, cpu).steps.filter((s) => s.type === DOCKER.container);
        expect(steps.map((s) => s.op).sort()).toEqual(["create", "delete"]);
        expect(steps.every((s) => /^webstack-application1-[0-9a-f]{6}-1$/.test(s.name))).toBe(true);
    });

    test("issue 18 #4: the key is uploaded 0600 and owned by nginx's uid; the certificate 0644", () => {
        const publisher = containers(tls, "nginx-config")[0];
        expect(isSecretValue(publisher.inputs.uploads)).toBe(true);
        const uploads = (publisher.inputs.uploads as { value: Record<string, unknown>[] }).value;
        expect(uploads.map((u) => [u.file, u.permissions, u.owner, u.group])).toEqual([
            [`${NGINX_TLS_UPLOAD_DIR}/cert.pem`, "0644", "101", "101"],
            [`${NGINX_TLS_UPLOAD_DIR}/key.pem`, "0600", "101", "101"],
        ]);
    });
});
