// Evaluates the program under Pulumi's mock runtime and returns every resource it declares, with its
// inputs and options. Tests use it to assert the graph and to diff plans; the replay applies it.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { checkImage } from "./dockerSchema";
import { INVOKE_RESULTS, RESOURCE_OUTPUTS, State, mockId } from "./mocks";
import { DOCKER } from "./resourceTypes";

/** The program's folder (Pulumi.yaml): providers resolve relative paths, such as build contexts, from it. */
export const PROGRAM_ROOT = path.resolve(__dirname, "..");

/** One declared resource, as the engine would receive it. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    /** False for component resources. */
    readonly custom: boolean;
    /** Inputs with every Output resolved (as the mock runtime resolved them). */
    readonly inputs: State;
    /**
     * The inputs after the provider's Check, which plans compare (pulumi-docker's Image adds
     * build.contextDigest and defaults). Absent: same as `inputs`.
     */
    readonly checked?: State;
    /** Mocked outputs (inputs plus RESOURCE_OUTPUTS). */
    readonly state: State;
    /** Mocked physical ID. */
    readonly id: string;
    /** Parent URN ("" for none). */
    readonly parent: string;
    /** URNs of resources this one depends on. */
    readonly dependencies: readonly string[];
    /** The deleteBeforeReplace option (false when unset). */
    readonly deleteBeforeReplace: boolean;
    /** Former types this resource is aliased to (the `aliases` option; "" keeps the type). Unset in hand-made fixtures. */
    readonly aliasTypes?: readonly string[];
    /**
     * URNs this resource was known by: its `aliases` option, plus those it inherits from its parent's aliases
     * (the engine's rule: a child whose name starts with its parent's takes the parent's former name). Unset in
     * hand-made fixtures.
     */
    readonly aliasUrns?: readonly string[];
    /** True when the program set deleteBeforeReplace (true or false); unset leaves it to the provider. */
    readonly deleteBeforeReplaceDefined?: boolean;
    /** The replaceOnChanges option: property paths whose change forces a replacement. */
    readonly replaceOnChanges?: readonly string[];
    /** The ignoreChanges option: property paths whose change is ignored. */
    readonly ignoreChanges?: readonly string[];
    /** The `customTimeouts` option's create and update ("" when unset). Unset in hand-made fixtures. */
    readonly customTimeouts?: { readonly create: string; readonly update: string };
    /** URN of this resource. */
    readonly urn: string;
    /** The inputs as sent to the engine, secrets still in Pulumi's secret wrapper (what state would store encrypted). Unset in hand-made fixtures. */
    readonly serializedInputs?: unknown;
}

export interface Evaluation {
    readonly resources: DeclaredResource[];
    /** Resolved stack outputs; undefined when the program threw. */
    readonly outputs?: Record<string, unknown>;
    /** What the program threw, if anything. */
    readonly error?: Error;
}

export interface EvaluateOptions {
    /** Stack name. Default "dev". */
    readonly stack?: string;
    /** Project name. Default "webstack". */
    readonly project?: string;
    /** Folder relative build contexts resolve from, as the provider's. Default PROGRAM_ROOT. */
    readonly root?: string;
    /** Config keys Pulumi holds as secrets (set with --secret). Default none. */
    readonly secretKeys?: readonly string[];
}

/** The options of one registration, keyed "<type>::<name>" by captureOptions. */
export interface Captured {
    urn: string;
    parent: string;
    dependencies: string[];
    deleteBeforeReplace: boolean;
    aliasTypes: string[];
    aliasUrns: string[];
    deleteBeforeReplaceDefined: boolean;
    replaceOnChanges: string[];
    ignoreChanges: string[];
    customTimeouts: { create: string; update: string };
    serializedInputs?: unknown;
}

/**
 * Runs `program.main` with the given config (keys without namespace get "webstack:"; non-string values
 * are passed as JSON, as Pulumi passes structured config). One evaluation at a time per process.
 */
export async function evaluate(config: Record<string, unknown>, options: EvaluateOptions = {}): Promise<Evaluation> {
    const project = options.project ?? "webstack";
    const stack = options.stack ?? "dev";
    const resources: DeclaredResource[] = [];
    const captured = new Map<string, Captured>();

    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const inputs = args.inputs as State;
                // The provider's Check runs before anything else sees the inputs (and computes outputs).
                const checked = args.type === DOCKER.image ? checkImage(inputs, options.root ?? PROGRAM_ROOT) : inputs;
                const state = { ...inputs, ...(RESOURCE_OUTPUTS[args.type]?.(args.name, checked) ?? {}) };
                const id = args.custom === false ? "" : mockId(args.type, args.name, inputs);
                const opts = captured.get(`${args.type}::${args.name}`) ?? {
                    urn: "",
                    parent: "",
                    dependencies: [],
                    deleteBeforeReplace: false,
                    aliasTypes: [],
                    aliasUrns: [],
                    deleteBeforeReplaceDefined: false,
                    replaceOnChanges: [],
                    ignoreChanges: [],
                    customTimeouts: { create: "", update: "" },
                };
                const custom = args.custom !== false;
                resources.push({
                    type: args.type,
                    name: args.name,
                    custom,
                    inputs,
                    ...(checked !== inputs ? { checked } : {}),
                    state,
                    id,
                    ...opts,
                });
                return { id, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const result = INVOKE_RESULTS[args.token];
                if (!result) {
                    throw new Error(`no mock result for invoke ${args.token}; add one to evaluation/mocks.ts`);
                }
                return result(args.inputs as State);
            },
        },
        project,
        stack,
        false,
    );
    captureOptions(captured);
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        flat[key.includes(":") ? key : `webstack:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    // Keys set with `pulumi config set --secret` (the runtime's isConfigSecret reads this list).
    pulumi.runtime.setAllConfig(
        flat,
        (options.secretKeys ?? []).map((k) => (k.includes(":") ? k : `webstack:${k}`)),
    );

    // Imported here, after the mocks are set, as Pulumi's testing guide requires.
    const { main } = await import("../program");
    let outputs: Record<string, unknown> | undefined;
    let error: Error | undefined;
    // Pulumi runs a program in its project folder, and the program hashes its build contexts from there:
    // `root`, when given, stands for that folder.
    const cwd = process.cwd();
    try {
        process.chdir(options.root ?? cwd);
        const out = main() as unknown as Record<string, pulumi.Output<unknown>>;
        process.chdir(cwd);
        outputs = {};
        for (const [key, value] of Object.entries(out)) {
            outputs[key] = await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve));
        }
    } catch (e) {
        error = e as Error;
        outputs = undefined;
    } finally {
        process.chdir(cwd);
    }
    await settled(resources);
    return { resources, outputs, error };
}

// The SDK hands registrations to the (mock) monitor asynchronously; wait until no new one arrives.
async function settled(resources: readonly unknown[]): Promise<void> {
    let quiet = 0;
    let last = -1;
    while (quiet < 5) {
        await new Promise((r) => setTimeout(r, 10));
        quiet = resources.length === last ? quiet + 1 : 0;
        last = resources.length;
    }
}

// The mock API does not pass resource options to newResource; read them off the request instead.
export function captureOptions(captured: Map<string, Captured>): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: unknown): unknown;
        newUrn(parent: string, type: string, name: string): string;
    };
    const original = monitor.registerResource.bind(monitor);
    const byUrn = new Map<string, { name: string; aliasUrns: string[] }>();
    monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        const explicit = req.getAliasesList().flatMap((a) => {
            const spec = a.getSpec();
            if (!spec || (!spec.getName() && !spec.getParenturn() && !spec.getNoparent())) {
                return []; // a type-only alias: aliasTypes carries it
            }
            const parent = spec.getParenturn() || (spec.getNoparent() ? "" : req.getParent());
            return [monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName())];
        });
        const parent = byUrn.get(req.getParent());
        const inherited = (parent?.aliasUrns ?? []).map((parentAlias) => {
            const formerParentName = parentAlias.split("::").pop()!;
            const name = req.getName().startsWith(parent!.name)
                ? formerParentName + req.getName().slice(parent!.name.length)
                : req.getName();
            return monitor.newUrn(parentAlias, req.getType(), name);
        });
        const aliasUrns = [...new Set([...explicit, ...inherited])].filter((u) => u !== urn);
        byUrn.set(urn, { name: req.getName(), aliasUrns });
        captured.set(`${req.getType()}::${req.getName()}`, {
            urn,
            aliasUrns,
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            aliasTypes: req.getAliasesList().map((a) => a.getSpec()?.getType() ?? ""),
            deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
            replaceOnChanges: req.getReplaceonchangesList(),
            ignoreChanges: req.getIgnorechangesList(),
            customTimeouts: { create: req.getCustomtimeouts()?.getCreate() ?? "", update: req.getCustomtimeouts()?.getUpdate() ?? "" },
            serializedInputs: req.getObject()?.toJavaScript(),
        });
        return original(req, cb);
    };
}

interface RegisterRequest {
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string } | undefined;
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
    getAliasesList(): {
        getSpec(): { getType(): string; getName(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
    }[];
    getDeletebeforereplacedefined(): boolean;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getObject(): { toJavaScript(): unknown } | undefined;
}

/** The resources of one type, in declaration order. */
export function ofType(evaluation: Evaluation, type: string): DeclaredResource[] {
    return evaluation.resources.filter((r) => r.type === type);
}
