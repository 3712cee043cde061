// A small evaluator of CloudWatch Logs' JSON filter pattern syntax: the subset lib/aws/operations.ts writes,
// `{ $.key = "text" }`, `{ $.key >= 500 }` and terms joined by `&&`. Tests run each metric filter's pattern
// over real nginx log lines with it; it refuses anything outside the subset instead of guessing.

/** One comparison `$.key op value`. */
interface Term {
    readonly path: readonly string[];
    readonly op: "=" | "!=" | ">" | ">=" | "<" | "<=";
    readonly value: string | number;
}

const TERM = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(=|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)$/;

/** Parses `{ term && term ... }`; throws on syntax the evaluator does not cover. */
export function parseFilterPattern(pattern: string): readonly Term[] {
    const body = /^\{\s*(.*?)\s*\}$/.exec(pattern.trim());
    if (!body) {
        throw new Error(`not a JSON filter pattern: ${pattern}`);
    }
    return body[1].split("&&").map((raw) => {
        const m = TERM.exec(raw.trim());
        if (!m) {
            throw new Error(`unsupported term '${raw.trim()}' in ${pattern}`);
        }
        const value = m[3].startsWith('"') ? (JSON.parse(m[3]) as string) : Number(m[3]);
        // CloudWatch compares numbers only with numeric operators; = / != on text.
        if (typeof value === "string" && m[2] !== "=" && m[2] !== "!=") {
            throw new Error(`operator ${m[2]} needs a number in ${pattern}`);
        }
        return { path: m[1].slice(1).split("."), op: m[2] as Term["op"], value };
    });
}

/** The value at `$.a.b` of a parsed log event, or undefined. */
export function selectField(event: unknown, selector: string): unknown {
    if (!selector.startsWith("$.")) {
        throw new Error(`not a JSON selector: ${selector}`);
    }
    let v: unknown = event;
    for (const k of selector.slice(2).split(".")) {
        v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
    }
    return v;
}

function holds(t: Term, event: unknown): boolean {
    const v = selectField(event, `$.${t.path.join(".")}`);
    if (typeof t.value === "string") {
        // A text term matches only a string field; a missing field never matches, not even `!=`.
        return typeof v === "string" && (t.op === "=" ? v === t.value : v !== t.value);
    }
    if (typeof v !== "number") {
        return false;
    }
    switch (t.op) {
        case "=":
            return v === t.value;
        case "!=":
            return v !== t.value;
        case ">":
            return v > t.value;
        case ">=":
            return v >= t.value;
        case "<":
            return v < t.value;
        case "<=":
            return v <= t.value;
    }
}

/** True when a log line (raw text) matches the pattern; a line that is not a JSON object never does. */
export function matchesFilter(pattern: string, line: string): boolean {
    let event: unknown;
    try {
        event = JSON.parse(line);
    } catch {
        return false;
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
        return false;
    }
    return parseFilterPattern(pattern).every((t) => holds(t, event));
}
