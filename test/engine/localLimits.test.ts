// issue 18 findings 4 and 10 on the real engine: the replayed default stack (with TLS) carries the memory, CPU and
// pids limits the program declares (docker inspect), a fork bomb in one replica stops at its own limit while the
// others serve, and the TLS key exists only as nginx's copies (0600, uid 101), never in the config container's
// writable layer. The replay applies uploads and limits as the provider does (replay/replay.ts, citing kreuzwerker
// internal/provider/resource_docker_container_funcs.go: upload tar header mode, hostConfig.Memory/NanoCPUs/Ulimits).
import { execFile } from "child_process";
import { promisify } from "util";
import { inspectContainer } from "../../replay/docker";
import { adopt, applyPlan } from "../../replay/replay";
import { evaluate } from "../../evaluation/evaluate";
import { planDiff } from "../../replay/plan";
import { sendRequests } from "../../traffic/traffic";
import { LOCAL_LIMITS } from "../../lib/config/defaults";
import { appPidsLimit, defaultMemoryMiB, replicaUid } from "../../lib/local/limits";
import { NGINX_CONF_DIR, NGINX_TLS_DIR, NGINX_TLS_UPLOAD_DIR } from "../../lib/runtime";
import { ROOT, UpStack, describeEngine, downStack, upStack } from "../support/engine";

jest.setTimeout(600_000);
const run = promisify(execFile);
const docker = async (...args: string[]) => (await run("docker", args, { maxBuffer: 1 << 20 })).stdout.trim();
const MiB = 1024 * 1024;

describeEngine("local limits and the TLS key (issue 18 #4, #10)", () => {
    let s: UpStack;
    /** The real self-signed certificate the replay made (Pulumi would hold it in state). */
    let ca: string;
    const ports = { httpPort: 18371, httpsPort: 18771 };
    const names = (role: string) =>
        s.state &&
        s.ev.resources
            .filter((r) =>
                (r.inputs.labels as { label: string; value: string }[] | undefined)?.some(
                    (l) => l.label === "webstack.role" && l.value === role,
                ),
            )
            .map((r) => r.inputs.name as string);

    beforeAll(async () => {
        s = await upStack("e2e-seclocal", { ...ports, tls: { mode: "self-signed" } });
        ca = s.state.refs.get(String(s.ev.outputs!.certificatePem))!;
    });
    afterAll(async () => {
        await downStack("e2e-seclocal");
    });

    test("docker inspect: every app replica has its memory (no swap), CPU and nproc limits and a uid of its own", async () => {
        const apps = names("app");
        expect(apps).toHaveLength(2);
        const uids = new Set<string>();
        for (const name of apps) {
            const workers = name.includes("application1") ? 6 : 3;
            const declared = s.ev.resources.find((r) => r.inputs.name === name)!.inputs;
            const info = (await inspectContainer(name)) as unknown as {
                Config: { User: string };
                HostConfig: {
                    Memory: number;
                    MemorySwap: number;
                    NanoCpus: number;
                    Ulimits: { Name: string; Soft: number; Hard: number }[];
                };
            };
            const pids = appPidsLimit(workers, 4);
            expect(info.HostConfig.Memory).toBe(defaultMemoryMiB(workers, 4) * MiB);
            expect(info.HostConfig.MemorySwap).toBe(defaultMemoryMiB(workers, 4) * MiB);
            expect(info.HostConfig.NanoCpus).toBe(Number(declared.cpus) * 1e9);
            expect(info.HostConfig.NanoCpus).toBeGreaterThan(0);
            expect(info.HostConfig.Ulimits).toEqual([{ Name: "nproc", Soft: pids, Hard: pids }]);
            expect(info.Config.User).toBe(`${replicaUid(name)}:10001`);
            // The app really runs as that uid, and the kernel holds it to the limit.
            expect(await docker("exec", name, "sh", "-c", "id -u; grep 'Max processes' /proc/self/limits")).toMatch(
                new RegExp(`^${replicaUid(name)}\nMax processes +${pids} +${pids} `),
            );
            uids.add(info.Config.User);
        }
        expect(uids.size).toBe(2);
    });

    test("docker inspect: nginx and its config container have their memory and the nproc ceiling", async () => {
        for (const [role, l] of [
            ["nginx", LOCAL_LIMITS.nginx],
            ["nginx-config", LOCAL_LIMITS.nginxConfig],
        ] as const) {
            const info = (await inspectContainer(names(role)[0])) as unknown as {
                HostConfig: { Memory: number; Ulimits: { Name: string; Soft: number; Hard: number }[] };
            };
            expect(info.HostConfig.Memory).toBe(l.memoryMiB * MiB);
            expect(info.HostConfig.Ulimits).toEqual([{ Name: "nproc", Soft: l.pidsLimit, Hard: l.pidsLimit }]);
        }
    });

    test("a fork bomb in one replica stops at its own pids limit; the other replica and nginx can still fork, and then all serve", async () => {
        const [bombed] = names("app").filter((n) => n.includes("application1"));
        const [other] = names("app").filter((n) => n.includes("application2"));
        const limit = appPidsLimit(6, 4);
        // Ask for more sleeping processes than the limit allows. sh exits when a fork fails, so the count goes to a
        // file, read back with builtins only (no fork left in this uid's pool).
        const loop = `i=0; while [ $i -lt ${limit + 20} ]; do sleep 6 & i=$((i+1)); echo $i > /tmp/bomb; done`;
        const out = await docker("exec", bombed, "sh", "-c", `sh -c '${loop}' 2>/dev/null; read n < /tmp/bomb; echo $n`);
        const started = Number(out.split("\n").pop());
        expect(started).toBeGreaterThan(0);
        expect(started).toBeLessThan(limit);
        for (const name of [other, s.nginx]) {
            expect(await docker("exec", name, "sh", "-c", "sleep 0 & wait; echo forked")).toBe("forked");
        }
        await new Promise((r) => setTimeout(r, 8000));
        const replies = await sendRequests(`https://127.0.0.1:${ports.httpsPort}/`, 40, 2, ca);
        expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    });

    test("#4: no key.pem in the config container outside nginx's volume; nginx's copies are 0600, uid 101", async () => {
        const config = names("nginx-config")[0];
        const found = (await docker("exec", config, "sh", "-c", "find / -name '*.pem' -path '*key*' 2>/dev/null || true"))
            .split("\n")
            .filter(Boolean);
        expect(found).toEqual([`${NGINX_CONF_DIR}/tls/key.pem`]);
        // The writable layer holds no copy, not even a deleted-then-recreated one.
        expect(await docker("diff", config)).not.toMatch(/key\.pem/);
        await expect(docker("cp", `${config}:${NGINX_TLS_UPLOAD_DIR}/key.pem`, "-")).rejects.toThrow(/Could not find the file|No such/);
        expect(await docker("exec", config, "stat", "-c", "%a %u", `${NGINX_CONF_DIR}/tls/key.pem`)).toBe("600 101");
        expect(await docker("exec", s.nginx, "stat", "-c", "%a %u", `${NGINX_TLS_DIR}/key.pem`)).toBe("600 101");
        // ...and nginx serves with it.
        const replies = await sendRequests(`https://127.0.0.1:${ports.httpsPort}/`, 4, 1, ca);
        expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    });

    test("a later apply from another process (adopt) still finds the key, on the volume, for a new config container", async () => {
        const after = await evaluate(
            {
                ...s.config,
                services: [
                    { name: "application1", weight: 1, workers: 6 },
                    { name: "application2", weight: 1 },
                ],
            },
            { stack: "e2e-seclocal" },
        );
        const state = await adopt(s.ev, { root: ROOT, log: () => undefined });
        await applyPlan(state, planDiff(s.ev, after), after);
        const config = after.resources.find(
            (r) => /-config-/.test(String(r.inputs.name)) && r.type === "docker:index/container:Container",
        )!;
        expect(await docker("exec", String(config.inputs.name), "stat", "-c", "%a %u", `${NGINX_CONF_DIR}/tls/key.pem`)).toBe("600 101");
        const replies = await sendRequests(`https://127.0.0.1:${ports.httpsPort}/`, 4, 1, ca);
        expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
        s = { ...s, ev: after };
    });
});
