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
