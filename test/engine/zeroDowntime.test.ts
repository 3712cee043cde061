// Every kind of change, applied once to a running local stack under load while a busy loop keeps one
// core busy: 0 failed requests out of at least 2,000, and the new state fully serving within 10 s of
// the end of the apply (new code text on every reply, or the new split within 2 pp).
import { compareShares, worstDeltaPp } from "../../traffic/traffic";
import { get } from "../../traffic/traffic";
import { inspectContainer } from "../../replay/docker";
import {
    ChangeStack,
    KINDS,
    applyBrokenConfig,
    changeOf,
    downChangeStack,
    expectedUpstreams,
    publishedConfigId,
    upChangeStack,
} from "../support/changes";
import { describeEngine } from "../support/engine";
import { ChangeResult, LOAD, markdownTable, measureChange } from "../support/zeroDowntime";

jest.setTimeout(600_000);

const ZD_SERVICES = [
    { name: "application1", weight: 3, replicas: 2, workers: 2 },
    { name: "application2", weight: 1, replicas: 1, workers: 2 },
];

describeEngine("zero failed requests for every kind of change (local target, busy core)", () => {
    let s: ChangeStack;
    const results: ChangeResult[] = [];
    beforeAll(async () => {
        s = await upChangeStack("e2e-zd", { httpPort: 18085, services: ZD_SERVICES, nginx: {} });
    });
    afterAll(async () => {
        console.log(markdownTable(results));
        await downChangeStack(s);
    });

    test.each(KINDS.map((k) => [k]))("%s", async (kind) => {
        const r = await measureChange(s.url, changeOf(s, kind));
        results.push(r);
        console.log(
            `${kind}: ${r.requests} requests, ${r.failed.length} failed, ${r.retriedReused} retried on a reused connection; ` +
                `worst ${r.worstMs.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms; apply ${r.applyMs} ms; fully serving ${r.servingMs} ms` +
                (r.failed.length ? `\nfailures: ${JSON.stringify(r.failed.slice(0, 10))}` : ""),
        );
        expect(r.failed).toEqual([]);
        expect(r.requests).toBeGreaterThanOrEqual(LOAD.minRequests);
        expect(r.servingMs).toBeDefined();
        expect(r.servingMs! - r.applyMs).toBeLessThanOrEqual(LOAD.servingDeadlineMs);
        if (kind === "weight change") {
            // The new split, counted over the replies once every reply carried the new config.
            const rows = compareShares(
                expectedUpstreams(s),
                r.after.map((x) => x.service ?? "?"),
            );
            console.log(rows.map((x) => `${x.service} expected ${x.expected} observed ${x.observed.toFixed(4)} (${x.count})`).join("\n"));
            expect(r.after.length).toBeGreaterThanOrEqual(1000);
            expect(worstDeltaPp(rows)).toBeLessThanOrEqual(2);
        }
    });

    test("a config that fails nginx -t fails the apply; nginx keeps serving the previous config, never restarted", async () => {
        const serving = publishedConfigId(s.ev);
        const nginxStarted = (await inspectContainer(s.nginx)).State.StartedAt;
        const error = await applyBrokenConfig(s);
        expect(error?.message).toMatch(/nginx-config-[0-9a-f]{8}.*(exited|not healthy)/);
        const replies = await Promise.all(Array.from({ length: 20 }, () => get(s.url)));
        expect(replies.map((r) => [r.status, r.config])).toEqual(replies.map(() => [200, serving]));
        expect((await inspectContainer(s.nginx)).State.StartedAt).toBe(nginxStarted);
    });
});
