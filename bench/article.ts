// The article's configuration as a fixture (bench/article/): its Gunicorn command lines, the nginx
// base's main config with the official image's settings, and the article's file for conf.d/. Also
// the check that the main config still is the base's stock file plus exactly those settings.
import { readFileSync } from "fs";
import * as path from "path";

export interface ArticleService {
    readonly name: string;
    readonly command: readonly string[];
}

export interface ArticleFixture {
    /** Absolute path of the main nginx.conf. */
    readonly mainConf: string;
    /** Absolute path of the article's file, copied to conf.d/default.conf. */
    readonly serverConf: string;
    readonly nginxPort: number;
    readonly services: readonly ArticleService[];
}

export const ARTICLE_DIR = path.join(__dirname, "article");

export function loadArticleFixture(dir = ARTICLE_DIR): ArticleFixture {
    const f = JSON.parse(readFileSync(path.join(dir, "fixture.json"), "utf8")) as ArticleFixture;
    return { ...f, mainConf: path.join(dir, f.mainConf), serverConf: path.join(dir, f.serverConf) };
}

/** Total Gunicorn workers the fixture runs (its `--workers` values). */
export function articleWorkers(f: ArticleFixture): number {
    return f.services.reduce((sum, s) => sum + Number(s.command[s.command.indexOf("--workers") + 1]), 0);
}

/**
 * The main nginx.conf of the official `nginx` image (docker-library/nginx, Debian variant) where
 * Debian's stock file differs in something that changes how nginx serves: key "block/directive",
 * value its arguments, null when the official file does not set it. The user directive is left out
 * on purpose: the official image's user `nginx` does not exist in our base (see nginx.conf).
 */
export const OFFICIAL_MAIN: Readonly<Record<string, string | null>> = {
    worker_processes: "auto",
    worker_cpu_affinity: null,
    error_log: "/var/log/nginx/error.log notice",
    "events/worker_connections": "1024",
    "http/sendfile": "on",
    "http/tcp_nopush": null,
    "http/keepalive_timeout": "65",
    "http/gzip": null,
};

/** Directives of an nginx config as "block/name" -> argument strings in order ("" for the top level). */
export function directives(text: string): Map<string, string[]> {
    const tokens = text.match(/#[^\n]*|'[^']*'|"[^"]*"|[;{}]|[^\s;{}#'"]+/g) ?? [];
    const out = new Map<string, string[]>();
    const blocks: string[] = [];
    let words: string[] = [];
    for (const t of tokens) {
        if (t.startsWith("#")) {
            continue;
        }
        if (t === ";" || t === "{") {
            const key = [...blocks, words[0]].join("/");
            out.set(key, [...(out.get(key) ?? []), words.slice(1).join(" ")]);
            if (t === "{") {
                blocks.push(words[0]);
            }
            words = [];
        } else if (t === "}") {
            blocks.pop();
        } else {
            words.push(t);
        }
    }
    return out;
}

/**
 * What keeps `fixture` (the article's main config) from being `stock` (the base's main config) with
 * OFFICIAL_MAIN applied, plus the conf.d include the article's file relies on; [] when nothing.
 */
export function mainConfDrift(stock: string, fixture: string, official = OFFICIAL_MAIN): string[] {
    const s = directives(stock);
    const f = directives(fixture);
    const problems: string[] = [];
    for (const key of [...new Set([...s.keys(), ...f.keys(), ...Object.keys(official)])].sort()) {
        const want = key in official ? (official[key] === null ? [] : [official[key]!]) : (s.get(key) ?? []);
        const got = f.get(key) ?? [];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
            const from = key in official ? "the official image" : "the base's stock file";
            problems.push(`${key}: ${JSON.stringify(got)} in the fixture, ${JSON.stringify(want)} in ${from}`);
        }
    }
    if (!(f.get("http/include") ?? []).includes("/etc/nginx/conf.d/*.conf")) {
        problems.push("http/include: the fixture does not include /etc/nginx/conf.d/*.conf, so the article's file would not be read");
    }
    return problems;
}

/** Directives a file under conf.d/ (inside http {}) may not hold: main and events context only. */
const NOT_IN_HTTP = ["events", "http", "user", "worker_processes", "worker_connections", "pid", "load_module"];

/** What keeps `text` from working as a conf.d/ file; [] when nothing. */
export function serverConfProblems(text: string): string[] {
    const top = [...directives(text).keys()].map((k) => k.split("/")[0]);
    return [...new Set(top.filter((d) => NOT_IN_HTTP.includes(d)))].map((d) => `${d}: not allowed inside http {}`);
}
