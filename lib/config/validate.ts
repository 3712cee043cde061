// Small building blocks for config validation. Every problem names the key, the bad value and the fix,
// and all problems are collected so a user fixes a stack file in one pass, not one error per `pulumi up`.
// A value under a secret path (webstack:tls, or a key set with --secret) or holding key material is never
// quoted: the message says its kind instead. That rule lives here, in the one place messages are built.
import * as pulumi from "@pulumi/pulumi";

/**
 * Thrown before any resource is declared when stack config is invalid. A RunError, so the Pulumi Node
 * runtime prints only the message, once (@pulumi/pulumi cmd/run/run.js: "Always hide the stack for RunErrors").
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack config:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Shortest run of a secret's characters no message may contain (the fuzz suite checks the same). */
export const SECRET_RUN = 8;
/** Always secret: webstack:tls holds key material, whatever else it holds. */
const ALWAYS_SECRET = "webstack:tls";

/** Which config paths hold secrets, and the secret text itself. */
export interface Secrecy {
    /** Config paths (a key set with --secret) whose values and sub-values are never quoted; webstack:tls always is. */
    readonly paths: readonly string[];
    /** Secret text no message may contain SECRET_RUN characters of: the last guard, for rule and fix text. */
    readonly values: readonly string[];
}

/** Collects problems; each one is a single line: `<key>: got <value>; <rule>. Fix: <how>`. */
export class Problems {
    private readonly items: string[] = [];
    private readonly paths: readonly string[];
    private readonly runs = new Set<string>();
    /** Keys already refused for holding null: their other problems would only repeat it. */
    private readonly nulls = new Set<string>();

    constructor(secrecy: Partial<Secrecy> = {}) {
        this.paths = [ALWAYS_SECRET, ...(secrecy.paths ?? [])];
        for (const text of (secrecy.values ?? []).map(guardedText)) {
            for (let i = 0; i + SECRET_RUN <= text.length; i++) {
                this.runs.add(text.slice(i, i + SECRET_RUN));
            }
        }
    }

    add(key: string, value: unknown, rule: string, fix: string): void {
        if (this.nulls.has(key)) {
            return;
        }
        const secretPath = this.paths.find((s) => key === s || key.startsWith(`${s}.`) || key.startsWith(`${s}[`));
        const line = `${key}: got ${secretPath ? describe(value, secretPath) : show(value)}; ${rule}. Fix: ${fix}`;
        // A rule or fix that interpolated a secret is withheld whole; the key and the value's kind remain.
        this.items.push(
            this.quotesSecret(line)
                ? `${key}: got ${describe(value, "")}; the full message would quote a secret value. Fix: correct ${key} (docs/config.md lists each key's rule)`
                : line,
        );
    }

    /** `<parent>.<name>` is null: YAML's `~` or a key with no value, which never stands for the default here. */
    refuseNull(parent: string, name: string): void {
        const key = `${parent}.${keyName(name)}`;
        this.add(
            key,
            null,
            "null does not mean the default (YAML reads `~`, `null` and a key with no value as null)",
            `remove '${keyName(name)}' from ${parent} in Pulumi.<stack>.yaml to take the default, or set a value`,
        );
        this.nulls.add(key);
    }

    get count(): number {
        return this.items.length;
    }

    throwIfAny(): void {
        if (this.items.length > 0) {
            throw new ConfigError(this.items);
        }
    }

    private quotesSecret(line: string): boolean {
        for (let i = 0; this.runs.size > 0 && i + SECRET_RUN <= line.length; i++) {
            if (this.runs.has(line.slice(i, i + SECRET_RUN))) {
                return true;
            }
        }
        return false;
    }
}

/** A PEM header: the value is key material or a certificate, and is never quoted. */
const PEM_HEADER = /-----BEGIN [^\n]*?-----/;

/** A run of base64 as long as a PEM line is (64) or most of one: key material pasted without its PEM lines. Hex digests (one case) stay quotable. */
const BASE64_RUN = /[A-Za-z0-9+/=]{40,}/g;

/** The part of a secret to guard: a PEM's base64 body (its header words are public), else the value. */
function guardedText(value: string): string {
    if (PEM_HEADER.test(value)) {
        return value
            .split("\n")
            .filter((l) => !l.startsWith("-----") && !/^[A-Za-z-]+:/.test(l))
            .join("")
            .replace(/\s/g, "");
    }
    return value;
}

/** What a message says of a value it may not quote: its kind only. */
function describe(value: unknown, path: string): string {
    if (value === undefined || value === null) {
        return value === null ? "null" : "nothing";
    }
    const kind =
        typeof value === "string"
            ? value.trim() === ""
                ? "an empty string"
                : "a string"
            : Array.isArray(value)
              ? `a list of ${value.length}`
              : typeof value === "object"
                ? "an object"
                : `a ${typeof value}`;
    const why = path === "" ? "secret" : path === ALWAYS_SECRET ? `${path} holds key material` : `${path} is a secret`;
    return `${kind} (not shown: ${why})`;
}

/** Renders a config value the way the user wrote it, short enough for one line; never a PEM block. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    if (PEM_HEADER.test(text)) {
        return "a PEM block (not shown: it may be key material)";
    }
    if ((text.match(BASE64_RUN) ?? []).some((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run))) {
        return "a base64 string (not shown: it may be key material)";
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A key name as a message shows it: the name when it looks like one, else only its length (a pasted value is no name). */
export function keyName(name: string): string {
    return /^[A-Za-z0-9_$-]{1,64}$/.test(name) ? name : `<a key name of ${name.length} characters>`;
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
        const m = meant(value);
        const fits = typeof m === "number" && Number.isInteger(m) && m >= min && m <= max;
        problems.add(
            key,
            value,
            `must be an integer from ${min} to ${max} (${meaning})${textOk ? "" : quotedNote(value)}`,
            setCommand(key, fits ? m : example),
        );
        return undefined;
    }
    return n;
}

/** Checks true/false; a quoted "true" gets a fix that sets true. */
export function bool(problems: Problems, key: string, value: unknown, rule: string, example: boolean): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    const m = meant(value);
    problems.add(key, value, `${rule}${quotedNote(value)}`, setCommand(key, typeof m === "boolean" ? m : example));
    return undefined;
}

/** What quoted text most likely meant: "3" is 3, " true " is true; undefined for other values. */
export function meant(value: unknown): number | boolean | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const t = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(t)) {
        return Number(t);
    }
    return t === "true" || t === "false" ? t === "true" : undefined;
}

/** Said after a rule when the value is a quoted number or boolean: the quotes are the problem. */
export function quotedNote(value: unknown): string {
    return meant(value) === undefined ? "" : ` (a quoted ${JSON.stringify(value)} is text)`;
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
                `${key}.${keyName(k)}`,
                obj[k],
                `unknown key${near ? ` (did you mean '${near}'?)` : ""}; known keys are ${known.join(", ")}`,
                `rename or remove '${keyName(k)}' in Pulumi.<stack>.yaml`,
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
    // Then a known name the typo starts or ends with (`privateKey` for `key`, `certificatePem` for `certificate`).
    const t = typo.toLowerCase();
    return (
        known.find((n) => closeTo(n, typo)) ??
        known.find((n) => n.length >= 3 && (t.startsWith(n.toLowerCase()) || t.endsWith(n.toLowerCase())))
    );
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

/** An image reference as Docker takes it: repo/name:tag, optionally with a registry host:port or @digest. */
export const IMAGE_REF = /^[a-z0-9]+([._/:@-][a-zA-Z0-9_.-]+)*$/;
