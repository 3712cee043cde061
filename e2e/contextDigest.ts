// The build context digest pulumi-docker's Image computes in Check (provider/provider.go: hashContext,
// getIgnorePatterns) and stores as `build.contextDigest`: any change to a file the build can see is a
// change of the Image's inputs, so the image is rebuilt and everything using its repoDigest rolls.
// Ported rule by rule:
// - ignore file: <dockerfile>.dockerignore if it exists, else <context>/.dockerignore (getIgnorePatterns),
//   parsed like moby/patternmatcher ignorefile.ReadAll;
// - walk: tonistiigi/fsutil Walk with the ignore patterns as ExcludePatterns (lexical order per folder,
//   lstat modes, folders not hashed, excluded folders skipped unless an exception could reach inside);
// - per file: slash path, Go FileMode.String(), sha256 of the content (of the link text for a symlink,
//   nothing for other irregular files), a NUL; the Dockerfile first under the name "Dockerfile", mode 0.
import { createHash } from "crypto";
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, Stats } from "fs";
import * as path from "path";

/** Patterns of the ignore file the provider would use for this Dockerfile and context ([] if none). */
export function ignorePatterns(dockerfile: string, context: string): string[] {
    for (const file of [`${dockerfile}.dockerignore`, path.join(context, ".dockerignore")]) {
        if (existsSync(file)) {
            return readIgnoreFile(readFileSync(file, "utf8"));
        }
    }
    return [];
}

/** moby/patternmatcher ignorefile.ReadAll: comments, trimming, Clean, no leading "/", "!" kept. */
export function readIgnoreFile(text: string): string[] {
    const out: string[] = [];
    text.replace(/^\uFEFF/, "")
        .split(/\r?\n/)
        .forEach((line) => {
            if (line.startsWith("#")) {
                return;
            }
            let p = line.trim();
            if (p === "") {
                return;
            }
            const invert = p.startsWith("!");
            if (invert) {
                p = p.slice(1).trim();
            }
            if (p.length > 0) {
                p = path.posix.normalize(p).replace(/\/+$/, "") || "/";
                if (p.length > 1 && p.startsWith("/")) {
                    p = p.slice(1);
                }
            }
            out.push(invert ? `!${p}` : p);
        });
    return out;
}

interface Pattern {
    readonly exclusion: boolean;
    readonly text: string;
    readonly match: (file: string) => boolean;
}

/** One pattern compiled as patternmatcher's Pattern.compile does (exact, prefix, suffix or regexp). */
export function compilePattern(raw: string): Pattern {
    let p = path.posix.normalize(raw.trim()).replace(/(.)\/+$/, "$1");
    const exclusion = p.startsWith("!");
    if (exclusion) {
        p = p.slice(1);
    }
    let re = "^";
    let type: "exact" | "prefix" | "suffix" | "regexp" = "exact";
    const chars = [...p];
    for (let i = 0; i < chars.length; i++) {
        const ch = chars[i];
        const start = i;
        if (ch === "*") {
            if (chars[i + 1] === "*") {
                i++;
                if (chars[i + 1] === "/") {
                    i++;
                }
                if (i + 1 >= chars.length) {
                    if (type === "exact") {
                        type = "prefix";
                    } else {
                        re += ".*";
                        type = "regexp";
                    }
                } else {
                    re += "(.*/)?";
                    type = "regexp";
                }
                if (start === 0) {
                    type = "suffix";
                }
            } else {
                re += "[^/]*";
                type = "regexp";
            }
        } else if (ch === "?") {
            re += "[^/]";
            type = "regexp";
        } else if (".+()|{}$".includes(ch)) {
            re += `\\${ch}`;
        } else if (ch === "\\") {
            if (i + 1 < chars.length) {
                re += `\\${chars[++i]}`;
                type = "regexp";
            } else {
                re += "\\\\";
            }
        } else if (ch === "[" || ch === "]") {
            re += ch;
            type = "regexp";
        } else {
            re += ch;
        }
    }
    const text = p;
    let match: (file: string) => boolean;
    if (type === "exact") {
        match = (f) => f === text;
    } else if (type === "prefix") {
        match = (f) => f.startsWith(text.slice(0, -2));
    } else if (type === "suffix") {
        const suffix = text.slice(2);
        match = (f) => f.endsWith(suffix) || (suffix.startsWith("/") && f === suffix.slice(1));
    } else {
        const rx = new RegExp(`${re}$`, "u");
        match = (f) => rx.test(f);
    }
    return { exclusion, text, match };
}

/** patternmatcher.MatchesUsingParentResults: `parent` carries the parent folder's per-pattern results. */
function matches(
    patterns: readonly Pattern[],
    file: string,
    parent: readonly boolean[] | undefined,
): { matched: boolean; info: boolean[] } {
    let matched = false;
    const info = patterns.map(() => false);
    patterns.forEach((pattern, i) => {
        let m = parent ? parent[i] : false;
        if (!m) {
            if (pattern.exclusion !== matched) {
                return;
            }
            m = pattern.match(file);
            if (!m && !parent) {
                const dirs = path.posix.dirname(file);
                if (dirs !== ".") {
                    const parts = dirs.split("/");
                    for (let j = 0; j < parts.length && !m; j++) {
                        m = pattern.match(parts.slice(0, j + 1).join("/"));
                    }
                }
            }
        }
        info[i] = m;
        if (m) {
            matched = !pattern.exclusion;
        }
    });
    return { matched, info };
}

// fsutil patternWithoutTrailingGlob: "a/**" and "a/*" reach the same folders as "a".
const withoutTrailingGlob = (text: string) => text.replace(/\/\*\*$/, "").replace(/\/\*$/, "");

export interface ContextFile {
    /** Slash path relative to the context. */
    readonly rel: string;
    readonly stats: Stats;
}

/** The files (not folders) fsutil.Walk yields for `context` with these exclude patterns, in walk order. */
export function walkContext(context: string, excludes: readonly string[]): ContextFile[] {
    const patterns = excludes.filter((e) => e.trim() !== "").map(compilePattern);
    const exceptions = patterns.filter((p) => p.exclusion);
    // fsutil skips an excluded folder outright unless an exception could match inside it; exceptions
    // with wildcards disable that shortcut (onlyPrefixExcludeExceptions).
    const onlyPrefixExceptions = exceptions.every((p) => !/[*[\]?^\\]/.test(withoutTrailingGlob(p.text)));
    const out: ContextFile[] = [];
    const visit = (dirAbs: string, dirRel: string, parentInfo: boolean[] | undefined) => {
        // Go's WalkDir reads a folder's entries sorted by name (byte order).
        const names = readdirSync(dirAbs).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));
        for (const name of names) {
            const abs = path.join(dirAbs, name);
            const rel = dirRel ? `${dirRel}/${name}` : name;
            const stats = lstatSync(abs);
            const { matched, info } = patterns.length ? matches(patterns, rel, parentInfo) : { matched: false, info: [] };
            if (stats.isDirectory()) {
                if (matched && onlyPrefixExceptions) {
                    const reach = exceptions.some((p) => `${withoutTrailingGlob(p.text)}/`.startsWith(`${rel}/`));
                    if (!reach) {
                        continue;
                    }
                }
                visit(abs, rel, patterns.length ? info : undefined);
            } else if (!matched) {
                out.push({ rel, stats });
            }
        }
    };
    visit(context, "", undefined);
    return out;
}

/** Go's fs.FileMode.String() for an lstat result ("-rw-r--r--", "Lrwxrwxrwx", "drwxr-xr-x"). */
export function goFileMode(
    stats: Pick<Stats, "mode" | "isDirectory" | "isSymbolicLink" | "isFIFO" | "isSocket" | "isCharacterDevice" | "isBlockDevice">,
): string {
    let prefix = "";
    if (stats.isDirectory()) prefix += "d";
    if (stats.isSymbolicLink()) prefix += "L";
    if (stats.isBlockDevice() || stats.isCharacterDevice()) prefix += "D";
    if (stats.isFIFO()) prefix += "p";
    if (stats.isSocket()) prefix += "S";
    if (stats.mode & 0o4000) prefix += "u";
    if (stats.mode & 0o2000) prefix += "g";
    if (stats.isCharacterDevice()) prefix += "c";
    if (stats.mode & 0o1000) prefix += "t";
    const rwx = "rwxrwxrwx";
    let perm = "";
    for (let i = 0; i < 9; i++) {
        perm += stats.mode & (1 << (8 - i)) ? rwx[i] : "-";
    }
    return (prefix || "-") + perm;
}

/** Go's FileMode(0).String(), the mode the provider hashes the Dockerfile with. */
const ZERO_MODE = "----------";

function fileEntry(abs: string, rel: string, mode: string, stats: Stats | undefined, linkBase: string | undefined): Buffer {
    const h = createHash("sha256");
    if (stats?.isSymbolicLink()) {
        // The provider hashes the resolved link path (filepath.EvalSymlinks, relative when the context
        // path was relative), not the target's content.
        const real = realpathSync(abs);
        h.update(linkBase === undefined ? real : path.relative(linkBase, real));
    } else if (!stats || stats.isFile()) {
        h.update(readFileSync(abs));
    }
    return Buffer.concat([Buffer.from(path.posix.normalize(rel)), Buffer.from(mode), h.digest(), Buffer.from([0])]);
}

/**
 * hashContext(context, dockerfile) of pulumi-docker: hex sha256 over every entry. Paths are as the
 * program gives them, resolved against `root` (the program's folder, where the provider runs).
 */
export function contextDigest(root: string, context: string, dockerfile: string): string {
    const ctx = path.resolve(root, context);
    const df = path.resolve(root, dockerfile);
    const linkBase = path.isAbsolute(context) ? undefined : root;
    const parts = [fileEntry(df, "Dockerfile", ZERO_MODE, undefined, linkBase)];
    for (const f of walkContext(ctx, ignorePatterns(df, ctx))) {
        parts.push(fileEntry(path.join(ctx, f.rel), f.rel, goFileMode(f.stats), f.stats, linkBase));
    }
    return createHash("sha256").update(Buffer.concat(parts)).digest("hex");
}
