// A stand-in for CloudWatch Logs' FilterLogEvents, with the behaviour the bake watcher must cope with:
// the [startTime, endTime] window on event timestamps (both inclusive), pages joined by an opaque
// nextToken (and, as the real service does, pages that come back empty but still carry a token), events
// searchable only from their ingestion time on, and ThrottlingException (the SDK's own class).
import { FilterLogEventsCommandInput, FilteredLogEvent, ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import type { FilterLogEventsClient } from "../../rollout/cloudwatch";

export interface FakeEvent {
    /** When the awslogs driver read the line (epoch ms): what the window filters on. */
    readonly timestamp: number;
    /** When the event becomes searchable (epoch ms). Default: at once. */
    readonly ingestionTime?: number;
    readonly message: string;
    /** Default "nginx/nginx/task-1". */
    readonly logStreamName?: string;
}

export interface FakeOptions {
    /** Events per page. Default 10,000 (the real default limit). */
    readonly pageSize?: number;
    /** Every n-th call answers an empty page with a token to go on. Default: never. */
    readonly emptyPageEvery?: number;
    /** Calls, by 1-based number, that fail with ThrottlingException. Default none. */
    readonly throttleCalls?: readonly number[];
    /** The clock ingestion is measured against. */
    readonly now: () => number;
}

export class FakeCloudWatchLogs implements FilterLogEventsClient {
    /** Every call's input, in order (throttled ones too). */
    readonly calls: FilterLogEventsCommandInput[] = [];
    private readonly events: FilteredLogEvent[];

    constructor(
        events: readonly FakeEvent[],
        private readonly o: FakeOptions,
    ) {
        this.events = events
            .map((e, i) => ({
                eventId: `ev-${String(i).padStart(6, "0")}`,
                logStreamName: e.logStreamName ?? "nginx/nginx/task-1",
                timestamp: e.timestamp,
                ingestionTime: e.ingestionTime ?? e.timestamp,
                message: e.message,
            }))
            .sort((a, b) => a.timestamp - b.timestamp);
    }

    async filterLogEvents(input: FilterLogEventsCommandInput): Promise<{ events?: FilteredLogEvent[]; nextToken?: string }> {
        this.calls.push(input);
        const n = this.calls.length;
        if (this.o.throttleCalls?.includes(n)) {
            throw new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
        }
        const at = input.nextToken === undefined ? 0 : Number(input.nextToken.replace(/^page@/, ""));
        if (this.o.emptyPageEvery && n % this.o.emptyPageEvery === 0) {
            return { events: [], nextToken: `page@${at}` };
        }
        const now = this.o.now();
        const matching = this.events.filter(
            (e) => e.timestamp! >= (input.startTime ?? -Infinity) && e.timestamp! <= (input.endTime ?? Infinity) && e.ingestionTime! <= now,
        );
        const size = this.o.pageSize ?? 10_000;
        const page = matching.slice(at, at + size);
        return { events: page, ...(at + size < matching.length ? { nextToken: `page@${at + size}` } : {}) };
    }
}

/** A clock and a sleep that advances it, so a watcher's waits take no real time and can be measured. */
export function fakeClock(startMs: number): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
    let t = startMs;
    const slept: number[] = [];
    return {
        now: () => t,
        sleep: async (ms: number) => {
            slept.push(ms);
            t += ms;
        },
        slept,
    };
}
