// One argument parser for every CLI (rollout, replay, traffic, bench, soak): node:util parseArgs in strict mode,
// plus what it leaves to the caller. Strict mode already refuses an unknown flag, a flag missing its value
// (`--stack` last) and a flag whose value looks like a flag (`--stack --replay`). This adds: an empty value
// (`--min-requests ''` must not become 0), a single-valued flag given twice (the last one silently winning),
// typed numbers with ranges, and Pulumi's stack name rule. Every error names the flag and the value and ends
// with the usage.
import { parseArgs } from "node:util";

/** A flag: a string value (repeatable with `multiple`) or a boolean switch. */
export interface FlagSpec {
    readonly type: "string" | "boolean";
    readonly multiple?: boolean;
    readonly short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type Values<S extends FlagSpecs> = {
    [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : S[K]["multiple"] extends true ? string[] : string;
};

/** A command-line mistake: the message says what and how to fix it, then the usage. Exit code 2 by convention. */
export class UsageError extends Error {
    constructor(message: string, usage: string) {
        super(`${message}\n${usage}`);
        this.name = "UsageError";
    }
}

/** node's ERR_PARSE_ARGS_* messages, said once in our words (they name the flag; ours add the value). */
function explain(e: Error & { code?: string }): string {
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing/.test(e.message)) {
        // "Option '-n, --n <value>' argument missing" for a flag with a short form: the first name, no comma.
        const flag = /'(-[^ ',]+)/.exec(e.message)?.[1] ?? "";
        return `${flag} needs a value`;
    }
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /ambiguous/.test(e.message)) {
        const flag = /for '(-[^ ']+)'/.exec(e.message)?.[1] ?? "";
        return `${flag} needs a value, and the next argument is a flag; to pass a value that starts with '-', write ${flag}=VALUE`;
    }
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        const flag = /'([^']+)'/.exec(e.message)?.[1] ?? "";
        return `unknown argument '${flag}'`;
    }
    if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
        const arg = /'([^']+)'/.exec(e.message)?.[1] ?? "";
        return `unexpected argument '${arg}'`;
    }
    return e.message;
}

/**
 * Parses argv strictly against `flags`. `positionals` is how many bare arguments are allowed (a subcommand);
 * default none. Throws UsageError.
 */
export function parseCli<S extends FlagSpecs>(
    argv: readonly string[],
    flags: S,
    usage: string,
    positionals = 0,
): { values: Values<S>; positionals: string[] } {
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs({ args: [...argv], options: flags as never, strict: true, allowPositionals: positionals > 0, tokens: true });
    } catch (e) {
        throw new UsageError(explain(e as Error & { code?: string }), usage);
    }
    if (parsed.positionals.length > positionals) {
        throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'`, usage);
    }
    const seen = new Set<string>();
    for (const t of parsed.tokens ?? []) {
        if (t.kind !== "option") {
            continue;
        }
        const flag = t.rawName.startsWith("--") ? `--${t.name}` : t.rawName;
        if (!flags[t.name].multiple && seen.has(t.name)) {
            throw new UsageError(`${flag} is given twice; give it once`, usage);
        }
        seen.add(t.name);
        if (flags[t.name].type === "string" && (t.value ?? "").trim() === "") {
            throw new UsageError(`${flag} needs a value, got an empty one ('${t.value ?? ""}')`, usage);
        }
    }
    return { values: parsed.values as Values<S>, positionals: parsed.positionals };
}

/** The number a flag's text holds, within [min, max] (and whole, if `integer`); else a UsageError naming both. */
export function numberFlag(
    flag: string,
    text: string,
    range: { readonly min: number; readonly max: number; readonly integer?: boolean; readonly unit?: string },
    usage: string,
): number {
    // Number("") is 0 and Number(" 1") is 1: only plain decimal numbers count.
    const n = /^[+]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
    const kind = range.integer ? "a whole number" : "a number";
    const unit = range.unit ? ` ${range.unit}` : "";
    if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || n < range.min || n > range.max) {
        throw new UsageError(`${flag} must be ${kind} from ${range.min} to ${range.max}${unit}, got '${text}'`, usage);
    }
    return n;
}

/**
 * Pulumi's rule for a stack name (pulumi/sdk go/common/tokens: "may only contain alphanumeric, hyphens,
 * underscores, or periods", at most 100 characters), and a letter or digit first: the name goes into Docker
 * object names and into file names (`Pulumi.<stack>.yaml`, `.webstack/rollout-<stack>.json`), so no `/`,
 * no `..`, no leading `-` or `.`.
 */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** `text` if it is a valid stack name, else a UsageError that says the rule. */
export function stackFlag(text: string, usage: string, flag = "--stack"): string {
    if (!STACK_NAME.test(text) || text.includes("..")) {
        throw new UsageError(
            `${flag} '${text}' is not a stack name: 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit, no '..'`,
            usage,
        );
    }
    return text;
}
