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

/** Pulumi's wire marker of a secret value ({[SECRET_SIG]: SECRET_VALUE, value}), as mocks receive inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value Pulumi passed as a secret. */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return !!value && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** The value with every secret marker replaced by what it wraps (what the provider receives, decrypted). */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}
