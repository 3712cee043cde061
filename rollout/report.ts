// The rollout report: one row per step, what was expected and what nginx saw.
import type { RolloutState } from "./state";

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** A plain-text table of every step, then the outcome. */
export function formatRolloutReport(state: RolloutState): string {
    const header = [
        "step",
        "target",
        "weights (from:to)",
        "expected",
        "observed",
        "requests",
        "canary",
        "5xx",
        "err rate",
        "p99",
        "result",
    ];
    const rows = state.steps.map((s, i) => {
        const w = (name: string) => {
            const svc = s.services.find((x) => x.name === name);
            return svc?.backup ? "backup" : String(svc?.weight ?? "?");
        };
        const j = s.judgement;
        return [
            String(i + 1),
            `${s.targetPercent} %`,
            `${w(state.from)}:${w(state.to)}`,
            pct(s.expectedShare),
            j ? pct(j.observedShare) : "-",
            j ? String(j.requests) : "-",
            j ? String(j.canaryRequests) : "-",
            j ? String(j.canary5xx) : "-",
            j ? `${j.errorRatePercent.toFixed(2)} %` : "-",
            j?.p99Ms !== undefined ? `${j.p99Ms.toFixed(0)} ms` : "-",
            s.status,
        ];
    });
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: readonly string[]) =>
        cells
            .map((x, c) => x.padEnd(widths[c]))
            .join("  ")
            .trimEnd();
    const outcome = `rollout ${state.from} -> ${state.to} on ${state.stack}: ${state.status}${state.reason ? ` (${state.reason})` : ""}`;
    return [line(header), ...rows.map(line), outcome].join("\n");
}
