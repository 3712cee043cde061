// No module imports itself through others: shared types, helpers and labels live in modules of their own.
import { readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "../..");
const SKIP = new Set(["node_modules", ".git", "bin", ".webstack", "coverage"]);

function tsFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        if (SKIP.has(entry)) {
            return [];
        }
        if (statSync(full).isDirectory()) {
            return tsFiles(full);
        }
        return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [full] : [];
    });
}

/** Relative imports of one file (type-only ones too), resolved to files. */
export function importsOf(file: string, text: string): string[] {
    const specs = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)/g)].map(
        (m) => m[1] ?? m[2] ?? m[3],
    );
    return specs.map((s) => path.resolve(path.dirname(file), s)).map((p) => (p.endsWith(".ts") ? p : `${p}.ts`));
}

/** Every cycle of a directed graph, each as the list of its nodes (found by depth-first search). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const found: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string): void => {
        state.set(node, "open");
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (state.get(next) === "open") {
                found.push(stack.slice(stack.indexOf(next)));
            } else if (!state.has(next)) {
                visit(next);
            }
        }
        stack.pop();
        state.set(node, "done");
    };
    [...graph.keys()].sort().forEach((n) => state.has(n) || visit(n));
    return found;
}

test("the cycle finder finds a cycle of three and ignores a diamond", () => {
    const g = new Map([
        ["a", ["b"]],
        ["b", ["c"]],
        ["c", ["a"]],
        ["d", ["e", "f"]],
        ["e", ["g"]],
        ["f", ["g"]],
    ]);
    expect(cycles(g)).toEqual([["a", "b", "c"]]);
});

test("no import cycle anywhere in the project", () => {
    const graph = new Map(tsFiles(ROOT).map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));
    const rel = (p: string) => path.relative(ROOT, p);
    expect(cycles(graph).map((c) => c.map(rel).join(" -> "))).toEqual([]);
});

/** A folder rule: files under `from` may not import files under any of `not` (folders relative to the root, "" = the root's own files). */
interface Rule {
    readonly from: readonly string[];
    readonly not: readonly string[];
    readonly why: string;
}

const under = (rel: string, folder: string) => (folder === "" ? !rel.includes("/") : rel.startsWith(`${folder}/`));

/** Every import that breaks a rule, as "importer -> imported (why)"; paths relative to the root. */
export function forbiddenImports(graph: ReadonlyMap<string, readonly string[]>, rules: readonly Rule[]): string[] {
    const found: string[] = [];
    for (const [file, imports] of graph) {
        for (const imported of imports) {
            for (const rule of rules) {
                if (rule.from.some((f) => under(file, f)) && rule.not.some((f) => under(imported, f))) {
                    found.push(`${file} -> ${imported} (${rule.why})`);
                }
            }
        }
    }
    return found.sort();
}

const TOOLS = ["evaluation", "replay", "traffic", "rollout", "bench", "scripts"];
const PROGRAM = ["", "lib", "components", "nginx", "discovery"];
/** The layout's direction (docs/layout.md): tests use everything, tools use the program, the program uses neither. */
const LAYERS: readonly Rule[] = [
    { from: [...PROGRAM, ...TOOLS], not: ["test"], why: "nothing people run imports from test/" },
    { from: PROGRAM, not: TOOLS, why: "the program does not depend on the tools that evaluate, apply or drive it" },
    {
        from: ["evaluation"],
        not: ["replay", "traffic", "rollout", "bench"],
        why: "the evaluation is what the replay and the tools build on",
    },
];

test("the folder rules find an operator tool importing a test helper, and allow the reverse", () => {
    const g = new Map([
        ["rollout/run.ts", ["test/support/busyCore.ts", "replay/plan.ts"]],
        ["test/unit/x.test.ts", ["rollout/run.ts"]],
        ["index.ts", ["test/support/pem.ts"]],
        ["lib/config/config.ts", ["evaluation/hash.ts"]],
    ]);
    expect(forbiddenImports(g, LAYERS)).toEqual([
        "index.ts -> test/support/pem.ts (nothing people run imports from test/)",
        "lib/config/config.ts -> evaluation/hash.ts (the program does not depend on the tools that evaluate, apply or drive it)",
        "rollout/run.ts -> test/support/busyCore.ts (nothing people run imports from test/)",
    ]);
});

test("the project follows the folder rules: nothing outside test/ imports from test/", () => {
    const rel = (p: string) => path.relative(ROOT, p);
    const graph = new Map(tsFiles(ROOT).map((f) => [rel(f), importsOf(f, readFileSync(f, "utf8")).map(rel)]));
    expect(forbiddenImports(graph, LAYERS)).toEqual([]);
});
