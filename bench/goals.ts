// The goals issue 5 sets for our defaults, evaluated from measured numbers.
import type { Summary } from "./stats";

export interface Goal {
    readonly id: string;
    /** What is asked, in words. */
    readonly text: string;
    /** The measured value (undefined when it could not be measured). */
    readonly measured?: number;
    readonly op: "<=" | ">=";
    readonly target: number;
    readonly unit: string;
    /** undefined when not measured. */
    readonly met?: boolean;
}

export interface GoalInputs {
    readonly summary: Summary;
    /** Requests the split was measured over. Default 2,000. */
    readonly splitRequests?: number;
    /** Worst weighted-split error, percentage points. */
    readonly splitWorstPp?: number;
    /** New replica: container start to first served request, ms. */
    readonly scaleFirstServedMs?: number;
    /** Code-only rebuild time / cold build time. */
    readonly rebuildRatio?: number;
}

export interface Ratios {
    /** ours / article, sustained req/s medians. */
    readonly rpsOursOverArticle?: number;
    /** ours / article, sustained p99 medians. */
    readonly p99OursOverArticle?: number;
    /** ours / direct, sustained req/s medians. */
    readonly rpsOursOverDirect?: number;
    /** ours / direct, sustained p99 medians. */
    readonly p99OursOverDirect?: number;
}

const div = (a?: number, b?: number) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

export function ratios(s: Summary): Ratios {
    const rps = (c: "article" | "ours" | "direct") => s[c]?.sustained?.reqPerSec.median;
    const p99 = (c: "article" | "ours" | "direct") => s[c]?.sustained?.p99Ms.median;
    return {
        rpsOursOverArticle: div(rps("ours"), rps("article")),
        p99OursOverArticle: div(p99("ours"), p99("article")),
        rpsOursOverDirect: div(rps("ours"), rps("direct")),
        p99OursOverDirect: div(p99("ours"), p99("direct")),
    };
}

function goal(id: string, text: string, measured: number | undefined, op: "<=" | ">=", target: number, unit: string): Goal {
    const met = measured === undefined ? undefined : op === "<=" ? measured <= target : measured >= target;
    return { id, text, ...(measured === undefined ? {} : { measured }), op, target, unit, ...(met === undefined ? {} : { met }) };
}

export function evaluateGoals(g: GoalInputs): Goal[] {
    const r = ratios(g.summary);
    const overhead = r.rpsOursOverDirect === undefined ? undefined : 1 - r.rpsOursOverDirect;
    return [
        goal("throughput", "sustained req/s, ours / article", r.rpsOursOverArticle, ">=", 3, "x"),
        goal("latency", "sustained p99, ours / article", r.p99OursOverArticle, "<=", 0.5, "x"),
        goal("proxyOverhead", "proxy overhead, 1 - ours / direct (sustained req/s)", overhead, "<=", 0.1, "fraction"),
        goal(
            "split",
            `weighted-split error at ${(g.splitRequests ?? 2000).toLocaleString("en-US")} requests`,
            g.splitWorstPp,
            "<=",
            1,
            "pp",
        ),
        goal("scaleUp", "new replica: container start to first served request", g.scaleFirstServedMs, "<=", 10_000, "ms"),
        goal("rebuild", "code-only rebuild / cold build", g.rebuildRatio, "<=", 0.1, "x"),
    ];
}
