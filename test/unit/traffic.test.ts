import { compareShares, countByVersion, formatReport, formatVersions, parseUpstreamLog, worstDeltaPp } from "../../traffic/traffic";

describe("parseUpstreamLog (the article's upstreamlog format)", () => {
    test.each([
        [
            "one upstream",
            "[27/Nov/2026:03:01:12 +0000] 127.0.0.1 to: 172.18.0.3:8000: GET / HTTP/1.1 200",
            ["172.18.0.3:8000"],
            "172.18.0.3:8000",
            200,
        ],
        [
            "a retry: the last address answered",
            "[27/Nov/2026:03:01:12 +0000] localhost to: 172.18.0.3:8000, 172.18.0.4:8000: GET /?m=x HTTP/1.1 200",
            ["172.18.0.3:8000", "172.18.0.4:8000"],
            "172.18.0.4:8000",
            200,
        ],
        [
            "an error status",
            "[27/Nov/2026:03:01:12 +0000] localhost to: 10.0.1.7:8000: GET /missing HTTP/1.1 404",
            ["10.0.1.7:8000"],
            "10.0.1.7:8000",
            404,
        ],
        [
            "a 502 after every peer failed",
            "[27/Nov/2026:03:01:12 +0000] h to: 10.0.1.7:8000, 10.0.1.8:8000: GET / HTTP/1.1 502",
            ["10.0.1.7:8000", "10.0.1.8:8000"],
            "10.0.1.8:8000",
            502,
        ],
    ])("%s", (_label, line, addrs, answeredBy, status) => {
        expect(parseUpstreamLog(line)).toEqual([expect.objectContaining({ addrs, answeredBy, status })]);
    });

    test("skips lines that are not upstreamlog lines, and requests nginx answered itself", () => {
        const text = [
            "webstack-entrypoint: wrote /etc/nginx/nginx.conf (resolvers: 127.0.0.11)",
            "2026/11/27 03:01:12 [warn] 1#1: something",
            "[27/Nov/2026:03:01:12 +0000] localhost to: -: GET /nginx-healthz HTTP/1.1 200",
            "[27/Nov/2026:03:01:13 +0000] localhost to: 172.18.0.3:8000: GET / HTTP/1.1 200",
            "",
        ].join("\n");
        expect(parseUpstreamLog(text).map((l) => l.answeredBy)).toEqual(["172.18.0.3:8000"]);
    });
});

describe("compareShares", () => {
    test.each([
        ["exact", { a: 0.75, b: 0.25 }, { a: 75, b: 25 }, { a: 0, b: 0 }],
        ["off by 2 points", { a: 0.75, b: 0.25 }, { a: 77, b: 23 }, { a: 2, b: -2 }],
        ["a service nobody expected", { a: 1 }, { a: 90, x: 10 }, { a: -10, x: 10 }],
        ["an expected service that never answered", { a: 0.5, b: 0.5 }, { a: 100 }, { a: 50, b: -50 }],
    ] as [string, Record<string, number>, Record<string, number>, Record<string, number>][])("%s", (_label, expected, counts, deltas) => {
        const answered = Object.entries(counts).flatMap(([s, n]) => Array<string>(n).fill(s));
        const rows = compareShares(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, { expectedShare: v }])), answered);
        expect(Object.fromEntries(rows.map((r) => [r.service, Math.round(r.deltaPp * 1000) / 1000]))).toEqual(deltas);
        expect(worstDeltaPp(rows)).toBeCloseTo(Math.max(...Object.values(deltas).map(Math.abs)), 6);
    });
});

test("formatReport: table and bars (snapshot of rendered text)", () => {
    const rows = compareShares({ application1: { expectedShare: 0.75 }, application2: { expectedShare: 0.25 } }, [
        ...Array<string>(1510).fill("application1"),
        ...Array<string>(490).fill("application2"),
    ]);
    expect(formatReport(rows, 20)).toMatchSnapshot();
});

describe("versions (canary releases)", () => {
    test("the appended svc/ver/rt fields are read; '-' (nginx answered itself or no header) is absent", () => {
        const [withFields, bare] = parseUpstreamLog(
            [
                "[28/Nov/2026:02:00:00 +0000] localhost to: 172.18.0.3:8000: GET / HTTP/1.1 200 svc=canary ver=2.0.0 rt=0.012",
                "[28/Nov/2026:02:00:00 +0000] localhost to: 172.18.0.4:8000: GET / HTTP/1.1 502 svc=- ver=- rt=1.001",
            ].join("\n"),
        );
        expect(withFields).toMatchObject({ status: 200, service: "canary", version: "2.0.0", requestMs: 12 });
        expect([bare.status, bare.service, bare.version, bare.requestMs]).toEqual([502, undefined, undefined, 1001]);
    });

    test("requests are grouped by service and version, most first", () => {
        const rows = countByVersion([
            { service: "stable", version: "1" },
            { service: "canary", version: "2" },
            { service: "stable", version: "1" },
            { service: "stable", version: "2" },
        ]);
        expect(rows.map((r) => [r.service, r.version, r.count])).toEqual([
            ["stable", "1", 2],
            ["canary", "2", 1],
            ["stable", "2", 1],
        ]);
        expect(formatVersions(rows).split("\n")[1]).toMatch(/^stable\s+1\s+2\s+50\.0%$/);
    });
});

describe("parseUpstreamLog (the JSON format the aws nginx logs, nginx/render.ts JSON_LOG_FIELDS)", () => {
    // Lines as nginx writes them with `escape=json` (the engine test checks real ones: test/engine/ecsLocal.test.ts).
    const json = [
        '{"time_local":"28/Nov/2026:05:40:01 +0000","host":"example","upstream_addr":"10.0.1.7:8000","request":"GET / HTTP/1.1","status":200,"svc":"application1","ver":"src-1a2b","rt":0.004,"urt":"0.004","client":"203.0.113.7"}',
        '{"time_local":"28/Nov/2026:05:40:01 +0000","host":"example","upstream_addr":"10.0.1.7:8000, 10.0.1.8:8000","request":"GET /?q=\\"x\\" HTTP/1.1","status":200,"svc":"application2","ver":"","rt":1.25,"urt":"1.001, 0.249","client":"203.0.113.7"}',
        '{"time_local":"28/Nov/2026:05:40:02 +0000","host":"","upstream_addr":"","request":"GET / HTTP/2.0","status":505,"svc":"","ver":"","rt":0.000,"urt":"","client":"203.0.113.7"}',
    ].join("\n");

    test("service, version, status and request time (ms) are read; a retry answers from its last address; nginx's own answer is skipped", () => {
        expect(parseUpstreamLog(json)).toEqual([
            {
                host: "example",
                addrs: ["10.0.1.7:8000"],
                answeredBy: "10.0.1.7:8000",
                request: "GET / HTTP/1.1",
                status: 200,
                service: "application1",
                version: "src-1a2b",
                requestMs: 4,
            },
            {
                host: "example",
                addrs: ["10.0.1.7:8000", "10.0.1.8:8000"],
                answeredBy: "10.0.1.8:8000",
                request: 'GET /?q="x" HTTP/1.1',
                status: 200,
                service: "application2",
                requestMs: 1250,
            },
        ]);
    });

    test("text and JSON lines in one log both count", () => {
        const mixed = `[27/Nov/2026:03:01:13 +0000] localhost to: 172.18.0.3:8000: GET / HTTP/1.1 200\n${json}`;
        expect(parseUpstreamLog(mixed).map((l) => l.answeredBy)).toEqual(["172.18.0.3:8000", "10.0.1.7:8000", "10.0.1.8:8000"]);
    });
});
