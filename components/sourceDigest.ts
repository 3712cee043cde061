// The digest of a Docker build context, computed by the program itself (like pulumi-docker's
// contextDigest): a code edit changes it, so the image is rebuilt and, through the names derived
// from it, the replicas roll create-before-delete.
import { createHash } from "crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";

/** Patterns of a .dockerignore this digest honours: `name`, `dir/` and `*.ext`, matched per path part. */
export function ignored(relPath: string, patterns: readonly string[]): boolean {
    const parts = relPath.split("/");
    return patterns.some((p) => {
        const bare = p.replace(/\/$/, "");
        if (bare.startsWith("*.")) {
            return relPath.endsWith(bare.slice(1));
        }
        return bare.includes("/") ? relPath === bare || relPath.startsWith(`${bare}/`) : parts.includes(bare);
    });
}

/** sha256 (hex) over the relative path and bytes of every file the build context sends. */
export function contextDigest(dir: string): string {
    const ignoreFile = path.join(dir, ".dockerignore");
    const patterns = existsSync(ignoreFile)
        ? readFileSync(ignoreFile, "utf8")
              .split("\n")
              .map((l) => l.trim())
              .filter((l) => l !== "" && !l.startsWith("#"))
        : [];
    const files: string[] = [];
    const walk = (rel: string) => {
        for (const entry of readdirSync(path.join(dir, rel)).sort()) {
            const child = rel === "" ? entry : `${rel}/${entry}`;
            if (ignored(child, patterns)) {
                continue;
            }
            if (statSync(path.join(dir, child)).isDirectory()) {
                walk(child);
            } else {
                files.push(child);
            }
        }
    };
    walk("");
    const hash = createHash("sha256");
    for (const f of files) {
        hash.update(`${f}\0`)
            .update(readFileSync(path.join(dir, f)))
            .update("\0");
    }
    return hash.digest("hex");
}
