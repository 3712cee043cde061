// The aws bake watcher (rollout/cloudwatch.ts) against the fake FilterLogEvents, fed with real nginx lines
// (test/support/capturedNginxLog.ts, captured by test/engine/bakeCloudWatch.test.ts), and the choice of
// watcher by the stack's target (rollout/watchers.ts).
import { CloudWatchLogWatcher, CloudWatchWatcherOptions } from "../../rollout/cloudwatch";
import { judgeBake } from "../../rollout/watch";
import { chooseWatcher } from "../../rollout/watchers";
import { CAPTURED } from "../support/capturedNginxLog";
import { FakeCloudWatchLogs, FakeEvent, FakeOptions, fakeClock } from "../support/cloudwatchFake";

const START = Date.parse("2026-11-28T06:00:00Z");
const LIMITS = { maxErrorRatePercent: 1, minRequests: 10 };

/** A captured window's events at START, each searchable `ingestMs` after its timestamp. */
function windowEvents(w: (typeof CAPTURED)["good" | "bad"], ingestMs = 0): FakeEvent[] {
    return w.events.map((e) => ({ timestamp: START + e.offsetMs, ingestionTime: START + e.offsetMs + ingestMs, message: e.message }));
}

function setup(events: readonly FakeEvent[], fake: Omit<FakeOptions, "now"> = {}, o: Partial<CloudWatchWatcherOptions> = {}) {
    const clock = fakeClock(START);
    const client = new FakeCloudWatchLogs(events, { ...fake, now: clock.now });
    const log: string[] = [];
    const watcher = new CloudWatchLogWatcher(client, {
        logGroupName: "/ecs/webstack-aws/nginx",
        sleep: clock.sleep,
        now: clock.now,
        log: (l) => log.push(l),
        ...o,
    });
    return { clock, client, watcher, log };
}

const windowEnd = (w: (typeof CAPTURED)["good" | "bad"]) => START + w.windowMs;

describe("CloudWatchLogWatcher: the bake verdict from real nginx JSON lines", () => {
    test("a good canary passes", async () => {
        const { watcher } = setup(windowEvents(CAPTURED.good));
        const j = judgeBake(await watcher.lines(START, windowEnd(CAPTURED.good)), "canary", LIMITS);
        expect([j.passed, j.reasons]).toEqual([true, []]);
    });

    test("a bad canary (its 500s in the log) fails on the 5xx rate", async () => {
        const { watcher } = setup(windowEvents(CAPTURED.bad));
        const j = judgeBake(await watcher.lines(START, windowEnd(CAPTURED.bad)), "canary", LIMITS);
        expect(j.passed).toBe(false);
        expect(j.reasons.join("; ")).toMatch(/^canary 5xx rate \d+\.\d\d % > 1 %/);
    });

    test("only the window's lines are judged: the warm-up before it and nginx's stderr lines are not", async () => {
        const { watcher } = setup(windowEvents(CAPTURED.good));
        const lines = await watcher.lines(START, windowEnd(CAPTURED.good));
        // The capture sent 60 GETs inside the window, after a warm-up whose lines are in the log too.
        expect(lines).toHaveLength(60);
        expect(CAPTURED.good.events.filter((e) => e.message.startsWith("{")).length).toBeGreaterThan(60);
    });
});

describe("CloudWatchLogWatcher: reading FilterLogEvents", () => {
    test("follows nextToken through every page, empty ones included, and asks for exactly the window", async () => {
        const events = windowEvents(CAPTURED.good);
        const end = windowEnd(CAPTURED.good);
        const all = await setup(events).watcher.readWindow(START, end);
        const paged = setup(events, { pageSize: 5, emptyPageEvery: 3 });
        const read = await paged.watcher.readWindow(START, end);
        expect(read.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
        expect(paged.client.calls.length).toBeGreaterThan(Math.ceil(all.length / 5));
        expect(paged.client.calls.every((c) => c.startTime === START && c.endTime === end)).toBe(true);
    });

    test("an event served on two pages counts once", async () => {
        // The fake pages by offset in time order. The earliest event becomes searchable between the first
        // and second call, so it shifts the later pages by one: the second page repeats the first's last
        // event, and the late one is left for the next read (the settle loop reads again until nothing is new).
        const events = windowEvents(CAPTURED.good)
            .map((e) => ({ ...e, ingestionTime: 0 }))
            .sort((x, y) => x.timestamp - y.timestamp);
        events[0] = { ...events[0], ingestionTime: START + 2 };
        let calls = 0;
        const client = new FakeCloudWatchLogs(events, { pageSize: 5, now: () => START + ++calls });
        const read = await new CloudWatchLogWatcher(client, { logGroupName: "g" }).readWindow(START - 60_000, START + 60_000);
        expect([read.length, new Set(read.map((e) => e.eventId)).size]).toEqual([events.length - 1, events.length - 1]);
    });

    test("a throttled call is retried after a doubling backoff", async () => {
        const { watcher, clock, client } = setup(windowEvents(CAPTURED.good), { throttleCalls: [1, 2] }, { throttleBackoffMs: 500 });
        const read = await watcher.readWindow(START, windowEnd(CAPTURED.good));
        expect(read.length).toBeGreaterThan(0);
        expect([client.calls.length, clock.slept]).toEqual([3, [500, 1000]]);
    });

    test("throttling that outlasts the tries is an error (the rollout then aborts and restores)", async () => {
        const { watcher } = setup(windowEvents(CAPTURED.good), { throttleCalls: [1, 2, 3] }, { throttleAttempts: 3 });
        await expect(watcher.readWindow(START, windowEnd(CAPTURED.good))).rejects.toThrow("Rate exceeded");
    });
});

describe("CloudWatchLogWatcher: waiting for ingestion", () => {
    test("reads no sooner than minSettleSec after the window, then until a read adds nothing", async () => {
        // Every event searchable 20 s after nginx wrote it: the first read (15 s) finds none of the window's.
        const end = windowEnd(CAPTURED.bad);
        const { watcher, clock } = setup(windowEvents(CAPTURED.bad, 20_000), {}, { minSettleSec: 15, pollSec: 5 });
        const j = judgeBake(await watcher.lines(START, end), "canary", LIMITS);
        expect(j.passed).toBe(false);
        expect(j.requests).toBe(judgeBake(await setup(windowEvents(CAPTURED.bad)).watcher.lines(START, end), "canary", LIMITS).requests);
        // 15 s, a read with nothing yet; +5 s, the events; +5 s, the same events: final, 25 s after the end.
        expect(clock.now() - end).toBe(25_000);
    });

    test("events still arriving at maxSettleSec: the ones found are judged, with a warning", async () => {
        // One event becomes searchable every 4 s, so no two reads 5 s apart ever agree.
        const end = windowEnd(CAPTURED.good);
        const events = windowEvents(CAPTURED.good).map((e, i) => ({ ...e, ingestionTime: end + i * 4_000 }));
        const { watcher, clock, log } = setup(events, {}, { minSettleSec: 15, pollSec: 5, maxSettleSec: 60 });
        await watcher.lines(START, end);
        expect(clock.now() - end).toBe(60_000);
        expect(log.join("\n")).toMatch(/still arriving 60 s after it ended/);
    });
});

describe("the watcher follows the stack's target", () => {
    test.each([
        ["local (unset)", {}, { kind: "docker" }],
        ["local", { target: "local" }, { kind: "docker" }],
        [
            "aws",
            {
                target: "aws",
                region: "eu-west-1",
                logGroups: { application1: "/ecs/webstack-aws/application1", nginx: "/ecs/webstack-aws/nginx" },
            },
            { kind: "cloudwatch", logGroupName: "/ecs/webstack-aws/nginx", region: "eu-west-1" },
        ],
    ])("%s", (_label, facts, choice) => {
        expect(chooseWatcher("s", facts)).toEqual(choice);
    });

    test.each([
        ["no outputs (never deployed)", { target: "aws", region: "us-east-1" }, /no nginx log group in its outputs \(logGroups\.nginx\)/],
        ["no nginx group", { target: "aws", region: "us-east-1", logGroups: { application1: "/x" } }, /no nginx log group/],
        ["no region", { target: "aws", logGroups: { nginx: "/x" } }, /no aws:region/],
    ])("aws with %s is an error", (_label, facts, message) => {
        expect(() => chooseWatcher("s", facts)).toThrow(message);
    });
});
