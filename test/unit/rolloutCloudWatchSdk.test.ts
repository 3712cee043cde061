// The real SDK client (@aws-sdk/client-cloudwatch-logs, what rollout/watchers.ts builds) driving the bake
// watcher, against a local HTTP stand-in of the CloudWatch Logs endpoint (awsJson1_1, 127.0.0.1 only): what
// the SDK sends for a window and a nextToken, and that a ThrottlingException answer is retried by the watcher.
import * as http from "http";
import type { AddressInfo } from "net";
import { CloudWatchLogs } from "@aws-sdk/client-cloudwatch-logs";
import { CloudWatchLogWatcher } from "../../rollout/cloudwatch";
import { judgeBake } from "../../rollout/watch";
import { parseUpstreamLog } from "../../traffic/traffic";
import { CAPTURED } from "../support/capturedNginxLog";

const START = Date.parse("2026-11-28T06:00:00Z");

interface Stand {
    readonly url: string;
    /** Each request's X-Amz-Target and JSON body. */
    readonly requests: { target: string; body: Record<string, unknown> }[];
    close(): Promise<void>;
}

/** Serves the bad canary's captured window, 10 events a page; the calls numbered in `throttle` answer ThrottlingException. */
function standIn(throttle: readonly number[]): Promise<Stand> {
    const events = CAPTURED.bad.events.map((e, i) => ({
        eventId: `ev-${i}`,
        logStreamName: "nginx/nginx/task-1",
        timestamp: START + e.offsetMs,
        ingestionTime: START + e.offsetMs,
        message: e.message,
    }));
    const requests: Stand["requests"] = [];
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (c: Buffer) => (text += c.toString()));
        req.on("end", () => {
            const body = JSON.parse(text) as { startTime: number; endTime: number; nextToken?: string };
            requests.push({ target: String(req.headers["x-amz-target"]), body });
            res.setHeader("content-type", "application/x-amz-json-1.1");
            if (throttle.includes(requests.length)) {
                res.statusCode = 400;
                res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
                return;
            }
            const matching = events.filter((e) => e.timestamp >= body.startTime && e.timestamp <= body.endTime);
            const at = Number(body.nextToken ?? 0);
            res.end(
                JSON.stringify({
                    events: matching.slice(at, at + 10),
                    ...(at + 10 < matching.length ? { nextToken: String(at + 10) } : {}),
                }),
            );
        });
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () =>
            resolve({
                url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
                requests,
                close: () => new Promise((r) => server.close(() => r())),
            }),
        ),
    );
}

/** Runs `fn` with a watcher on the real SDK client pointed at a fresh stand-in. */
async function withStand(throttle: readonly number[], fn: (watcher: CloudWatchLogWatcher, stand: Stand) => Promise<void>): Promise<void> {
    const stand = await standIn(throttle);
    try {
        const client = new CloudWatchLogs({
            region: "us-east-1",
            endpoint: stand.url,
            credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
            // The SDK would retry a throttled call itself; one attempt shows the watcher's own retry.
            maxAttempts: 1,
        });
        await fn(new CloudWatchLogWatcher(client, { logGroupName: "/ecs/webstack-aws/nginx", sleep: async () => undefined }), stand);
    } finally {
        await stand.close();
    }
}

const END = START + CAPTURED.bad.windowMs;

describe("the watcher with the real SDK client, against a local stand-in of the endpoint", () => {
    test("the messages the SDK returns fail the bad canary", async () => {
        await withStand([], async (watcher) => {
            const lines = (await watcher.readWindow(START, END)).flatMap((e) => parseUpstreamLog(e.message ?? ""));
            expect(judgeBake(lines, "canary", { maxErrorRatePercent: 1, minRequests: 10 }).reasons.join()).toMatch(/canary 5xx rate/);
        });
    });

    test("each call names the group and the window, and carries the previous page's nextToken", async () => {
        await withStand([], async (watcher, stand) => {
            await watcher.readWindow(START, END);
            expect(stand.requests.every((r) => r.target === "Logs_20140328.FilterLogEvents")).toBe(true);
            expect(stand.requests[0].body).toEqual({ logGroupName: "/ecs/webstack-aws/nginx", startTime: START, endTime: END });
            expect(stand.requests.map((r) => r.body.nextToken ?? null)).toEqual([null, "10", "20", "30", "40", "50"]);
        });
    });

    test("a ThrottlingException answer (as the SDK deserializes it) makes the watcher ask for the same page again", async () => {
        await withStand([2], async (watcher, stand) => {
            await watcher.readWindow(START, END);
            expect(stand.requests.map((r) => r.body.nextToken ?? null)).toEqual([null, "10", "10", "20", "30", "40", "50"]);
        });
    });
});
