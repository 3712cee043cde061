// Small building blocks for config validation. Every problem names the key, the bad value and the fix,
// and all problems are collected so a user fixes a stack file in one pass, not one error per `pulumi up`.

/** Thrown before any resource is declared when stack config is invalid. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack config:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Collects problems; each one is a single line: `<key>: got <value>; <rule>. Fix: <how>`. */
export class Problems {
    private readonly items: string[] = [];

    add(key: string, value: unknown, rule: string, fix: string): void {
        this.items.push(`${key}: got ${show(value)}; ${rule}. Fix: ${fix}`);
    }

    get count(): number {
        return this.items.length;
    }

    throwIfAny(): void {
        if (this.items.length > 0) {
            throw new ConfigError(this.items);
        }
    }
}

/** Renders a config value the way the user wrote it, short enough for one line. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The `pulumi config set` command that sets one key (with --path for nested keys). */
export function setCommand(key: string, example: string | number | boolean): string {
    const nested = /[.[]/.test(key.replace(/^webstack:/, ""));
    return `pulumi config set${nested ? " --path" : ""} '${key}' ${example}`;
}

/**
 * Checks an integer in [min, max]. Top-level scalars arrive as text (`textOk`); inside structured
 * config a quoted "3" is a string, and is rejected like any other string.
 */
export function intIn(
    problems: Problems,
    key: string,
    value: unknown,
    min: number,
    max: number,
    meaning: string,
    example: number,
    textOk = false,
): number | undefined {
    const n = textOk && typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
        problems.add(key, value, `must be an integer from ${min} to ${max} (${meaning})`, setCommand(key, example));
        return undefined;
    }
    return n;
}

/** Checks that a value is one of a fixed set; returns it typed, or undefined after adding a problem. */
export function oneOf<T extends string>(
    problems: Problems,
    key: string,
    value: unknown,
    allowed: readonly T[],
    rule: string,
    example: T,
): T | undefined {
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
        return value as T;
    }
    problems.add(key, value, rule, setCommand(key, example));
    return undefined;
}

/** Flags keys of an object that the schema does not know, so a typo like `wieght` is never ignored. */
export function unknownKeys(problems: Problems, key: string, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
        if (!known.includes(k)) {
            const near = suggest(known, k);
            problems.add(
                `${key}.${k}`,
                obj[k],
                `unknown key${near ? ` (did you mean '${near}'?)` : ""}; known keys are ${known.join(", ")}`,
                `rename or remove '${k}' in Pulumi.<stack>.yaml`,
            );
        }
    }
}

/** Pulumi hands structured config over as JSON text; a plain scalar stays a string. */
export function jsonOrText(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** True for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The known key a typo most likely meant, if any. */
export function suggest(known: readonly string[], typo: string): string | undefined {
    return known.find((n) => closeTo(n, typo));
}

// Same letters in another order, or one edit apart: enough to catch `wieght` and `replica`.
function closeTo(a: string, b: string): boolean {
    if (a === b) {
        return false;
    }
    if (a.length === b.length && [...a].sort().join("") === [...b].sort().join("")) {
        return true;
    }
    const [s, t] = a.length <= b.length ? [a, b] : [b, a];
    if (t.length - s.length > 1) {
        return false;
    }
    let i = 0;
    while (i < s.length && s[i] === t[i]) {
        i++;
    }
    const rest = s.length === t.length ? i + 1 : i;
    return s.slice(rest) === t.slice(i + 1);
}
