// Stable JSON and short hashes, shared by the docker and aws mocks and by the plan (its own module so
// that neither mock module imports the other).
import { createHash } from "crypto";

/** Resource inputs or outputs, as the mock runtime passes them. */
export type State = Record<string, unknown>;

/** JSON with sorted object keys, so equal values always give equal text. */
export function stableJson(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
            : v,
    );
}

/** Stable short hash (hex sha256 prefix) of any JSON-able value. */
export function digest(value: unknown, length = 12): string {
    return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, length);
}
