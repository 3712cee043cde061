// A rollout as Ctrl-C leaves it, for the tests of --resume and --rollback (test/unit/rolloutCli.test.ts) and of
// the state file's checks (test/unit/cliArgs.test.ts): stable 3 : canary 1, steps 10 % and 50 %, the first
// step passed, the second applying or applied.
import { Deployer, weightsOf } from "../../rollout/run";
import { ServiceEntry, initialState, transition } from "../../rollout/state";
import { saveRolloutFile } from "../../rollout/stateFile";
import { judgeBake } from "../../rollout/watch";
import { weightsForPercent } from "../../rollout/weights";

export const ORIGINAL: readonly ServiceEntry[] = [
    { name: "stable", weight: 3, replicas: 1 },
    { name: "canary", weight: 1, replicas: 1 },
];

export const LIMITS = { maxErrorRatePercent: 1, minRequests: 0 };

/** A deployer that answers ORIGINAL and records every set of services it is asked to apply into `applied`. */
export function recordingDeployer(applied: ServiceEntry[][]): Deployer {
    return {
        name: "recording",
        services: async () => [...ORIGINAL],
        apply: async (services) => {
            applied.push([...services]);
        },
    };
}

/** Writes the interrupted rollout of `stack` to `file`; `second` is where the second step was cut off. */
export function saveInterruptedRollout(file: string, stack: string, second: "applying" | "applied"): void {
    let s = initialState({
        stack,
        from: "stable",
        to: "canary",
        promote: false,
        original: [...ORIGINAL],
        plans: [10, 50].map((p) => weightsForPercent(weightsOf([...ORIGINAL]), "stable", "canary", p)),
    });
    s = transition(s, { type: "applying", step: 0 });
    s = transition(s, { type: "applied", step: 0, at: new Date().toISOString() });
    s = transition(s, { type: "judged", step: 0, judgement: judgeBake([], "canary", LIMITS) });
    s = transition(s, { type: "applying", step: 1 });
    if (second === "applied") {
        s = transition(s, { type: "applied", step: 1, at: new Date().toISOString() });
    }
    saveRolloutFile(file, { state: s, bakeSec: 1, limits: LIMITS });
}
