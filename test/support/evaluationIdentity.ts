// The program's evaluation under the mock runtime as canonical JSON, resource for resource, for a few
// configs: the stack files as the program reads them (Pulumi.dev.yaml, Pulumi.aws.yaml) and two richer
// ones. A change that must not change what is declared (a file move, a refactor) is checked against the
// committed fixtures (test/unit/evaluationIdentity.test.ts); regenerate them deliberately with
// `npm run evaluation:fixture` (this file run as a script).
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { DeclaredResource, PROGRAM_ROOT, evaluate } from "../../evaluation/evaluate";
import { stableJson } from "../../evaluation/hash";
import { stackConfig } from "../../replay/stackFile";
import { configOf } from "./awsSwitches";

export const FIXTURE_DIR = path.join(__dirname, "../fixtures/evaluation");

/** Host CPUs the local target's defaults are sized from, pinned so the fixture does not depend on the machine. */
const HOST_CPUS = 2;
// The module object itself (an `import * as` copy is read-only): lib/config/config.ts reads availableParallelism off it at each call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeOs = require("os") as { availableParallelism: () => number };

interface Case {
    readonly stack: string;
    readonly config: () => Record<string, unknown>;
    readonly secretKeys?: readonly string[];
}

/** The configs evaluated: name → stack and config. */
export const CASES: Readonly<Record<string, Case>> = {
    dev: { stack: "dev", config: () => stackConfig(PROGRAM_ROOT, "dev") },
    aws: { stack: "aws", config: () => stackConfig(PROGRAM_ROOT, "aws") },
    "dev-tls": {
        stack: "dev",
        config: () => stackConfig(PROGRAM_ROOT, "dev", { tls: { mode: "self-signed", hostnames: ["app.example.test"] } }),
    },
    "aws-switches": {
        stack: "aws",
        config: () =>
            configOf({
                tls: "acm-domain",
                egress: "endpoints",
                secrets: "secretsmanager",
                exec: true,
                capacity: "spot",
                platform: "linux/arm64",
                autoscaling: true,
            }).config,
        secretKeys: [],
    },
};

/** One resource as the fixture records it: everything the engine would receive, nothing mock-internal. */
function canonicalResource(r: DeclaredResource): Record<string, unknown> {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent,
        id: r.id,
        inputs: r.inputs,
        ...(r.checked !== undefined ? { checked: r.checked } : {}),
        dependencies: [...r.dependencies].sort(),
        deleteBeforeReplace: r.deleteBeforeReplace,
        deleteBeforeReplaceDefined: r.deleteBeforeReplaceDefined ?? false,
        aliasTypes: r.aliasTypes ?? [],
        aliasUrns: [...(r.aliasUrns ?? [])].sort(),
        replaceOnChanges: r.replaceOnChanges ?? [],
        ignoreChanges: r.ignoreChanges ?? [],
        customTimeouts: r.customTimeouts ?? { create: "", update: "" },
    };
}

/** The evaluation of one case as canonical JSON text: sorted keys, resources sorted by URN, the checkout's path as "<root>". */
export async function canonicalEvaluation(name: string): Promise<string> {
    const c = CASES[name];
    const original = nodeOs.availableParallelism;
    nodeOs.availableParallelism = () => HOST_CPUS;
    try {
        const ev = await evaluate(c.config(), { stack: c.stack, secretKeys: c.secretKeys });
        const resources = ev.resources.map(canonicalResource).sort((a, b) => String(a.urn).localeCompare(String(b.urn)));
        const doc = { error: ev.error ? String(ev.error.message) : null, outputs: ev.outputs ?? null, resources };
        const text = stableJson(doc).split(PROGRAM_ROOT).join("<root>");
        return `${JSON.stringify(JSON.parse(text), null, 1)}\n`;
    } finally {
        nodeOs.availableParallelism = original;
    }
}

export function fixtureFile(name: string): string {
    return path.join(FIXTURE_DIR, `${name}.json`);
}

if (require.main === module) {
    (async () => {
        mkdirSync(FIXTURE_DIR, { recursive: true });
        for (const name of Object.keys(CASES)) {
            const text = await canonicalEvaluation(name);
            writeFileSync(fixtureFile(name), text);
            const count = (JSON.parse(text) as { resources: unknown[] }).resources.length;
            console.log(`${path.relative(PROGRAM_ROOT, fixtureFile(name))}: ${count} resources`);
        }
    })().catch((e: unknown) => {
        console.error(e);
        process.exit(1);
    });
}
