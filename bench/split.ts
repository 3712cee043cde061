// The weighted split of our stack, counted the article's way: from nginx's upstreamlog.
import { inspectContainer, logs, sleep } from "../e2e/docker";
import { compareShares, parseUpstreamLog, sendRequests, worstDeltaPp } from "../e2e/traffic";
import type { OursUp } from "./ours";
import type { SplitResult } from "./result";

/** Sends `requests` GETs marked with a unique query and counts who answered each from the log. */
export async function measureSplit(s: OursUp, requests: number, flushSec: number): Promise<SplitResult> {
    const marker = `bench-split-${Date.now()}`;
    const replies = await sendRequests(`${s.url}?m=${marker}`, requests, 4);
    const failed = replies.filter((r) => r.status !== 200).length;
    await sleep(flushSec * 1000 + 500); // the access log is buffered
    const book = new Map<string, string>();
    for (const name of s.apps) {
        const info = await inspectContainer(name);
        for (const net of Object.values(info.NetworkSettings.Networks)) {
            book.set(`${net.IPAddress}:8000`, info.Config.Labels["webstack.service"]);
        }
    }
    const answered = parseUpstreamLog(await logs(s.nginx))
        .filter((l) => l.request.includes(marker))
        .map((l) => book.get(l.answeredBy) ?? `unknown ${l.answeredBy}`);
    if (failed > 0 || answered.length !== requests) {
        throw new Error(`split: ${failed} of ${requests} requests failed, ${answered.length} found in the nginx log`);
    }
    const rows = compareShares(s.ev.outputs!.upstreams as Record<string, { expectedShare: number }>, answered);
    return { requests, rows, worstDeltaPp: worstDeltaPp(rows) };
}
