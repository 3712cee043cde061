// The problems a raw stack config produces, straight from the parser (no mock evaluation).
import { ProviderConfig, parseStackConfig } from "../../lib/config/config";
import { ConfigError } from "../../lib/config/validate";

/** Every problem parseStackConfig reports for `raw`; [] when it parses. */
export function problemsOf(raw: Readonly<Record<string, string>>, provider: ProviderConfig = {}): readonly string[] {
    try {
        parseStackConfig(raw, provider);
        return [];
    } catch (e) {
        if (e instanceof ConfigError) {
            return e.problems;
        }
        throw e;
    }
}
