// Writes one upstream set into the shared folder so that nginx's entrypoint never sees half of it: the
// files go into a new gen-<n>/ folder, then the `current` symlink is replaced by a rename (atomic).
// nginx's side (nginx/webstack-entrypoint.sh, discovery_watch) copies the folder `current` names.
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";

/** Generations kept besides the current one: nginx may still be copying the one just replaced. */
const KEEP_GENERATIONS = 3;

export function publishSet(dir: string, files: ReadonlyMap<string, string>, nowMs: number): string {
    const gen = `gen-${String(nowMs).padStart(14, "0")}`;
    const tmp = path.join(dir, `.${gen}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { mode: 0o755 });
    for (const [name, text] of files) {
        writeFileSync(path.join(tmp, name), text, { mode: 0o644 });
    }
    renameSync(tmp, path.join(dir, gen));
    const link = path.join(dir, ".current.tmp");
    rmSync(link, { force: true });
    symlinkSync(gen, link);
    renameSync(link, path.join(dir, "current"));
    const old = readdirSync(dir)
        .filter((n) => /^gen-\d+$/.test(n))
        .sort()
        .slice(0, -(KEEP_GENERATIONS + 1));
    for (const n of old) {
        rmSync(path.join(dir, n), { recursive: true, force: true });
    }
    return gen;
}
