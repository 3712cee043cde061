import { readFileSync } from "fs";
import { articleWorkers, directives, loadArticleFixture, mainConfDrift, serverConfProblems } from "../../bench/article";

describe("directives", () => {
    test("block paths, repeats in order, quoted and commented text", () => {
        const text = [
            "user www-data; # a comment; with a semicolon",
            "events { worker_connections 768; }",
            "http {",
            "  include a.types;",
            "  log_format x '[$time_local] #not a comment' \"q\";",
            "  include /etc/nginx/conf.d/*.conf;",
            "  server { listen 8080; location / { proxy_pass http://app; } }",
            "}",
        ].join("\n");
        expect(Object.fromEntries(directives(text))).toEqual({
            user: ["www-data"],
            events: [""],
            "events/worker_connections": ["768"],
            http: [""],
            "http/include": ["a.types", "/etc/nginx/conf.d/*.conf"],
            "http/log_format": ["x '[$time_local] #not a comment' \"q\""],
            "http/server": [""],
            "http/server/listen": ["8080"],
            "http/server/location": ["/"],
            "http/server/location/proxy_pass": ["http://app"],
        });
    });
});

describe("mainConfDrift: the fixture is the stock file with the official settings", () => {
    const official = { worker_processes: "auto", worker_cpu_affinity: null, "events/worker_connections": "1024" };
    const stock =
        "user www-data;\nworker_processes auto;\nworker_cpu_affinity auto;\nevents { worker_connections 768; }\nhttp { gzip on; include /etc/nginx/conf.d/*.conf; }\n";
    const good =
        "# comments are free\nuser www-data;\nworker_processes auto;\nevents { worker_connections 1024; }\nhttp { gzip on; include /etc/nginx/conf.d/*.conf; }\n";
    test.each([
        ["stock plus the official settings", good, []],
        [
            "an official setting left as Debian has it",
            good.replace("1024", "768"),
            ['events/worker_connections: ["768"] in the fixture, ["1024"] in the official image'],
        ],
        [
            "a setting the official image does not have",
            good.replace("worker_processes auto;", "worker_processes auto;\nworker_cpu_affinity auto;"),
            ['worker_cpu_affinity: ["auto"] in the fixture, [] in the official image'],
        ],
        [
            "a stock directive changed",
            good.replace("gzip on", "gzip off"),
            ['http/gzip: ["off"] in the fixture, ["on"] in the base\'s stock file'],
        ],
        [
            "a directive the stock file lacks",
            good.replace("user www-data;", "user www-data;\nworker_rlimit_nofile 9;"),
            ['worker_rlimit_nofile: ["9"] in the fixture, [] in the base\'s stock file'],
        ],
        [
            "no conf.d include: the article's file would be ignored",
            good.replace(" include /etc/nginx/conf.d/*.conf;", ""),
            [
                'http/include: [] in the fixture, ["/etc/nginx/conf.d/*.conf"] in the base\'s stock file',
                "http/include: the fixture does not include /etc/nginx/conf.d/*.conf, so the article's file would not be read",
            ],
        ],
    ])("%s", (_label, fixture, problems) => {
        expect(mainConfDrift(stock, fixture, official)).toEqual(problems);
    });
});

describe("serverConfProblems: the article's file must work inside http {}", () => {
    test.each([
        ["upstream, log_format and server", "log_format l '$status';\nupstream app { server a:8000; }\nserver { listen 8080; }", []],
        ["an events block", "events { worker_connections 1000; }\nserver { listen 8080; }", ["events: not allowed inside http {}"]],
        [
            "a whole main config",
            "worker_processes 2;\nhttp { server { listen 80; } }",
            ["worker_processes: not allowed inside http {}", "http: not allowed inside http {}"],
        ],
    ])("%s", (_label, text, problems) => {
        expect(serverConfProblems(text)).toEqual(problems);
    });
});

test("the committed fixture: the article's file fits conf.d/, 6 + 3 sync workers", () => {
    const f = loadArticleFixture();
    expect(serverConfProblems(readFileSync(f.serverConf, "utf8"))).toEqual([]);
    expect(articleWorkers(f)).toBe(9);
});
