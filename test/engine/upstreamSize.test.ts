// Issue 19, "500 tasks": nginx with the upstream discovery renders for 500 tasks (one include file per
// service, every line from renderServerLine) passes `nginx -t` in our real nginx image, reloads
// gracefully 8 → 100 → 500 → 100 → 8, and its memory is measured at each size.
// No traffic goes to the upstream: its addresses lie in a network this test creates, with no container
// at them, and the only requests go to nginx's health location (answered by nginx itself).
import { writeFileSync } from "fs";
import * as path from "path";
import { DEFAULT_NGINX } from "../../lib/config/defaults";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { cli } from "../../replay/docker";
import { upstreamZoneKiB } from "../../nginx/render";
import { SCALE_SERVICES, UPSTREAM_INCLUDE_DIR, UpstreamNginx, writeSet } from "../../bench/upstreamNginx";
import { ReloadRun, configWithIncludes, reloadTable, splitServers } from "../../bench/upstreamScale";
import { ROOT, describeEngine } from "../support/engine";

jest.setTimeout(180_000);

const NAME = `webstack-upsize-${process.pid}`;
const LABELS = { "webstack.test": "upstream-size" };
const IMAGE = "webstack-upsize-nginx:local";
const PORT = 18261;
/** The sizes the issue names, up and back down. */
const STEPS = [100, 500, 100, 8];
const ROUNDS = 2;
/** Two services at the per-service limit: the largest upstream the zone is sized for here. */
const MAX_SERVERS = 1000;

async function nginxTest(n: UpstreamNginx, conf: string): Promise<{ ok: boolean; output: string }> {
    try {
        return { ok: true, output: await cli(["exec", n.container, "nginx", "-e", "stderr", "-t", "-c", conf]) };
    } catch (e) {
        return { ok: false, output: (e as Error).message };
    }
}

describeEngine("nginx with 500 upstream servers from per-service include files (issue 19)", () => {
    let nginx: UpstreamNginx;
    const runs: ReloadRun[] = [];

    beforeAll(async () => {
        await cli(
            [
                "build",
                "--tag",
                IMAGE,
                "--network",
                "none",
                "--build-arg",
                `BASE_IMAGE=${OFFLINE_BASES.nginxBaseImage}`,
                path.join(ROOT, "nginx"),
            ],
            {
                env: { DOCKER_BUILDKIT: "0" },
            },
        );
        nginx = await UpstreamNginx.start({
            name: NAME,
            labels: LABELS,
            image: IMAGE,
            hostPort: PORT,
            maxServers: MAX_SERVERS,
            initialServers: 8,
        });
    });

    afterAll(async () => {
        if (runs.length > 0) {
            console.log(`nginx reloads (worker_processes auto, 2 cores; ${ROUNDS} rounds):\n${reloadTable(runs)}`);
        }
        await nginx?.remove();
    });

    test("with the zone left at its default (256k), 500 servers fail nginx -t: the zone must be sized", async () => {
        writeSet(nginx.dir, splitServers(500, SCALE_SERVICES, nginx.addresses));
        const small = configWithIncludes(
            { services: SCALE_SERVICES, tuning: DEFAULT_NGINX, serverNames: ["localhost", "127.0.0.1"], resolvers: "127.0.0.11" },
            UPSTREAM_INCLUDE_DIR,
        );
        writeFileSync(path.join(nginx.dir, "default-zone.conf"), small, { mode: 0o644 });
        const r = await nginxTest(nginx, `${UPSTREAM_INCLUDE_DIR}/default-zone.conf`);
        expect([r.ok, /no memory in upstream zone "webstack_app"/.test(r.output)]).toEqual([false, true]);
        writeSet(nginx.dir, splitServers(8, SCALE_SERVICES, nginx.addresses));
    });

    test(`a zone of upstreamZoneKiB(n) holds n servers: 500 (one service at its limit) and ${MAX_SERVERS}`, async () => {
        for (const n of [500, MAX_SERVERS]) {
            writeSet(nginx.dir, splitServers(n, SCALE_SERVICES, nginx.addresses));
            const conf = configWithIncludes(
                {
                    services: SCALE_SERVICES,
                    tuning: DEFAULT_NGINX,
                    serverNames: ["localhost", "127.0.0.1"],
                    resolvers: "127.0.0.11",
                    upstreamServersMax: n,
                },
                UPSTREAM_INCLUDE_DIR,
            );
            writeFileSync(path.join(nginx.dir, `zone-${n}.conf`), conf, { mode: 0o644 });
            const r = await nginxTest(nginx, `${UPSTREAM_INCLUDE_DIR}/zone-${n}.conf`);
            expect([n, `${upstreamZoneKiB(n)}k`, r.ok, r.ok ? "" : r.output]).toEqual([n, `${upstreamZoneKiB(n)}k`, true, ""]);
        }
        writeSet(nginx.dir, splitServers(8, SCALE_SERVICES, nginx.addresses));
    });

    test("graceful reloads 8 → 100 → 500 → 100 → 8: nginx -t passes, new workers serve, memory stays bounded", async () => {
        const start = nginx.memory();
        console.log(
            `at 8 servers before any reload: RSS ${(start.rssKiB / 1024).toFixed(1)} MiB, PSS ${(start.pssKiB / 1024).toFixed(1)} MiB`,
        );
        for (let round = 0; round < ROUNDS; round++) {
            for (const to of STEPS) {
                const run = await nginx.reloadTo(to, round);
                runs.push(run);
                // The config on disk names exactly `to` servers (nginx -T expands the includes).
                expect([to, await nginx.configuredServers()]).toEqual([to, to]);
                console.log(
                    `round ${round + 1} ${run.from} → ${to}: nginx -t ${run.testMs.toFixed(0)} ms; after SIGHUP: first new worker ${run.forkedMs.toFixed(0)} ms, ` +
                        `all workers new ${run.workersMs.toFixed(0)} ms, only new ones serving ${run.servedMs.toFixed(0)} ms after SIGHUP; ` +
                        `RSS ${(run.memory.rssKiB / 1024).toFixed(1)} MiB (master ${(run.memory.masterRssKiB / 1024).toFixed(1)}), ` +
                        `PSS ${(run.memory.pssKiB / 1024).toFixed(1)} MiB, ${run.memory.workers} workers`,
                );
            }
        }
        // Generous bounds (a loaded 2-core CI machine): what matters is that every reload completed.
        expect(runs.filter((r) => r.servedMs > 20_000)).toEqual([]);
        const at500 = runs.filter((r) => r.to === 500).map((r) => r.memory);
        expect(at500.filter((m) => m.rssKiB > 256 * 1024 || m.workers < 1)).toEqual([]);
        // Back at 8, nginx holds no memory of the 500 (the old zone and workers are gone): PSS within 8 MiB of the start.
        const back = runs[runs.length - 1].memory;
        expect(back.pssKiB - start.pssKiB).toBeLessThan(8 * 1024);
        // Nothing was sent to the upstream's addresses, and no reload failed.
        expect(await nginx.upstreamErrors()).toEqual([]);
    });
});
