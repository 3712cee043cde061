// Evaluates the program under Pulumi's mock runtime and returns every resource it declares, with its
// inputs and options. Tests use it to assert the graph and to diff plans; the replay applies it.
import * as pulumi from "@pulumi/pulumi";
import { INVOKE_RESULTS, RESOURCE_OUTPUTS, State, mockId } from "./mocks";

/** One declared resource, as the engine would receive it. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    /** False for component resources. */
    readonly custom: boolean;
    /** Inputs with every Output resolved (as the mock runtime resolved them). */
    readonly inputs: State;
    /** Mocked outputs (inputs plus RESOURCE_OUTPUTS). */
    readonly state: State;
    /** Mocked physical ID. */
    readonly id: string;
    /** Parent URN ("" for none). */
    readonly parent: string;
    /** URNs of resources this one depends on. */
    readonly dependencies: readonly string[];
    /** The deleteBeforeReplace option. */
    readonly deleteBeforeReplace: boolean;
    /** Former types this resource is aliased to (the `aliases` option; "" keeps the type). Unset in hand-made fixtures. */
    readonly aliasTypes?: readonly string[];
    /** Inputs the engine keeps at their old values on update (the `ignoreChanges` option). Unset in hand-made fixtures. */
    readonly ignoreChanges?: readonly string[];
    /** The `customTimeouts` option's create and update ("" when unset). Unset in hand-made fixtures. */
    readonly customTimeouts?: { readonly create: string; readonly update: string };
    /** URN of this resource. */
    readonly urn: string;
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
}

/** The options of one registration, keyed "<type>::<name>" by captureOptions. */
export interface Captured {
    urn: string;
    parent: string;
    dependencies: string[];
    deleteBeforeReplace: boolean;
    aliasTypes: string[];
    ignoreChanges: string[];
    customTimeouts: { create: string; update: string };
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
                const state = { ...inputs, ...(RESOURCE_OUTPUTS[args.type]?.(args.name, inputs) ?? {}) };
                const id = args.custom === false ? "" : mockId(args.type, args.name, inputs);
                const opts = captured.get(`${args.type}::${args.name}`) ?? {
                    urn: "",
                    parent: "",
                    dependencies: [],
                    deleteBeforeReplace: false,
                    aliasTypes: [],
                    ignoreChanges: [],
                    customTimeouts: { create: "", update: "" },
                };
                resources.push({ type: args.type, name: args.name, custom: args.custom !== false, inputs, state, id, ...opts });
                return { id, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const result = INVOKE_RESULTS[args.token];
                if (!result) {
                    throw new Error(`no mock result for invoke ${args.token}; add one to e2e/mocks.ts`);
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
    pulumi.runtime.setAllConfig(flat);

    // Imported here, after the mocks are set, as Pulumi's testing guide requires.
    const { main } = await import("../program");
    let outputs: Record<string, unknown> | undefined;
    let error: Error | undefined;
    try {
        const out = main() as unknown as Record<string, pulumi.Output<unknown>>;
        outputs = {};
        for (const [key, value] of Object.entries(out)) {
            outputs[key] = await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve));
        }
    } catch (e) {
        error = e as Error;
        outputs = undefined;
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
    monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
        captured.set(`${req.getType()}::${req.getName()}`, {
            urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            aliasTypes: req.getAliasesList().map((a) => a.getSpec()?.getType() ?? ""),
            ignoreChanges: req.getIgnorechangesList(),
            customTimeouts: { create: req.getCustomtimeouts()?.getCreate() ?? "", update: req.getCustomtimeouts()?.getUpdate() ?? "" },
        });
        return original(req, cb);
    };
}

interface RegisterRequest {
    getIgnorechangesList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string } | undefined;
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
    getAliasesList(): { getSpec(): { getType(): string } | undefined }[];
}

/** The resources of one type, in declaration order. */
export function ofType(evaluation: Evaluation, type: string): DeclaredResource[] {
    return evaluation.resources.filter((r) => r.type === type);
}
