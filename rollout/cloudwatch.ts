// A bake on the aws target, judged from what nginx logged to CloudWatch Logs (the awslogs driver sends each
// access-log line as one event of the nginx log group). The lines are parsed exactly as `docker logs` is
// locally, so judgeBake (rollout/watch.ts) cannot tell the targets apart.
import type { FilterLogEventsCommandInput, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { LogLine, parseUpstreamLog } from "../traffic/traffic";
import type { Watcher } from "./run";

/** The one CloudWatch Logs call the watcher makes; the SDK's `CloudWatchLogs` client has it, tests pass a fake. */
export interface FilterLogEventsClient {
    filterLogEvents(input: FilterLogEventsCommandInput): Promise<{ events?: FilteredLogEvent[]; nextToken?: string }>;
}

export interface CloudWatchWatcherOptions {
    /** The nginx log group (stack output `logGroups`, key `nginx`). */
    readonly logGroupName: string;
    /** Time from the window's end to the first read, in seconds. Default 15: nginx flushes its log each second, awslogs sends a batch every 5 s, then CloudWatch ingests. */
    readonly minSettleSec?: number;
    /** Seconds between reads; the read is final when one found exactly the events of the read before it. Default 5. */
    readonly pollSec?: number;
    /** Longest wait from the window's end, in seconds; then the events found so far are judged, with a warning. Default 120. */
    readonly maxSettleSec?: number;
    /** Tries of one call while CloudWatch answers ThrottlingException. Default 6. */
    readonly throttleAttempts?: number;
    /** First backoff after a throttled call, in ms; doubled on every further one. Default 1000. */
    readonly throttleBackoffMs?: number;
    /** Messages (waits, throttling). Default: none. */
    readonly log?: (line: string) => void;
    /** Waits; injectable so tests need not. Default setTimeout. */
    readonly sleep?: (ms: number) => Promise<void>;
    /** Epoch ms. Default Date.now. */
    readonly now?: () => number;
}

/** Whether an SDK error is CloudWatch throttling the account's calls (FilterLogEvents has a low per-account TPS quota). */
export function isThrottling(e: unknown): boolean {
    return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "ThrottlingException";
}

/** An event's identity: its eventId (CloudWatch always sets one), else where and when it was logged and what. */
function eventKey(e: FilteredLogEvent): string {
    return e.eventId ?? `${e.logStreamName}\0${e.timestamp}\0${e.message}`;
}

/** nginx's access log in CloudWatch Logs, read once the window's events have stopped arriving. */
export class CloudWatchLogWatcher implements Watcher {
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;
    private readonly log: (line: string) => void;

    constructor(
        private readonly client: FilterLogEventsClient,
        private readonly o: CloudWatchWatcherOptions,
    ) {
        this.sleep = o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
        this.now = o.now ?? Date.now;
        this.log = o.log ?? (() => undefined);
    }

    async lines(fromMs: number, toMs: number): Promise<LogLine[]> {
        const events = await this.settledEvents(fromMs, toMs);
        return events.flatMap((e) => parseUpstreamLog(e.message ?? ""));
    }

    /**
     * Events are searchable only after ingestion, seconds (sometimes more) after nginx wrote them. So
     * the window is read no sooner than minSettleSec after its end, then again every pollSec until a read
     * finds no event the previous one had not, or maxSettleSec has passed.
     */
    async settledEvents(fromMs: number, toMs: number): Promise<FilteredLogEvent[]> {
        const minAt = toMs + (this.o.minSettleSec ?? 15) * 1000;
        const maxAt = toMs + (this.o.maxSettleSec ?? 120) * 1000;
        const pollMs = (this.o.pollSec ?? 5) * 1000;
        await this.sleep(Math.max(0, minAt - this.now()));
        let previous: ReadonlySet<string> | undefined;
        for (;;) {
            const events = await this.readWindow(fromMs, toMs);
            if (previous !== undefined && events.every((e) => previous!.has(eventKey(e)))) {
                return events;
            }
            if (this.now() >= maxAt) {
                this.log(
                    `  CloudWatch: events of the bake still arriving ${((this.now() - toMs) / 1000).toFixed(0)} s after it ended; judging the ${events.length} found`,
                );
                return events;
            }
            previous = new Set(events.map(eventKey));
            await this.sleep(Math.min(pollMs, Math.max(0, maxAt - this.now())));
        }
    }

    /** Every event of the window, following nextToken to the end; an event on two pages counts once. */
    async readWindow(fromMs: number, toMs: number): Promise<FilteredLogEvent[]> {
        const byId = new Map<string, FilteredLogEvent>();
        let nextToken: string | undefined;
        do {
            const input: FilterLogEventsCommandInput = {
                logGroupName: this.o.logGroupName,
                startTime: Math.floor(fromMs),
                endTime: Math.ceil(toMs),
                ...(nextToken !== undefined ? { nextToken } : {}),
            };
            const out = await this.call(input);
            for (const e of out.events ?? []) {
                byId.set(eventKey(e), e);
            }
            nextToken = out.nextToken;
        } while (nextToken !== undefined);
        return [...byId.values()];
    }

    private async call(input: FilterLogEventsCommandInput): Promise<{ events?: FilteredLogEvent[]; nextToken?: string }> {
        const attempts = this.o.throttleAttempts ?? 6;
        let backoffMs = this.o.throttleBackoffMs ?? 1000;
        for (let attempt = 1; ; attempt++) {
            try {
                return await this.client.filterLogEvents(input);
            } catch (e) {
                if (!isThrottling(e) || attempt >= attempts) {
                    throw e;
                }
                this.log(`  CloudWatch throttled FilterLogEvents (try ${attempt}/${attempts}); again in ${backoffMs} ms`);
                await this.sleep(backoffMs);
                backoffMs *= 2;
            }
        }
    }
}
