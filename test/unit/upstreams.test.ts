import { computeUpstreams } from "../../lib/upstreams";

describe("computeUpstreams: share = weight × replicas / Σ weight × replicas", () => {
    test.each([
        [
            "the article: 3:1, one replica each",
            [
                ["a", 3, 1],
                ["b", 1, 1],
            ],
            { a: 0.75, b: 0.25 },
        ],
        [
            "weight applies to each replica",
            [
                ["a", 3, 2],
                ["b", 1, 1],
            ],
            { a: 0.8571, b: 0.1429 },
        ],
        [
            "equal weights, replicas decide",
            [
                ["a", 1, 3],
                ["b", 1, 1],
            ],
            { a: 0.75, b: 0.25 },
        ],
        [
            "three services mixed",
            [
                ["a", 3, 1],
                ["b", 1, 2],
                ["c", 2, 1],
            ],
            { a: 0.4286, b: 0.2857, c: 0.2857 },
        ],
        [
            "a service at 0 replicas gets nothing",
            [
                ["a", 5, 0],
                ["b", 1, 1],
            ],
            { a: 0, b: 1 },
        ],
        ["everything at 0 replicas", [["a", 1, 0]], { a: 0 }],
    ] as [string, [string, number, number][], Record<string, number>][])("%s", (_label, rows, expected) => {
        const out = computeUpstreams(rows.map(([name, weight, replicas]) => ({ name, weight, replicas })));
        expect(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.expectedShare]))).toEqual(expected);
        for (const [name, weight, replicas] of rows) {
            expect(out[name]).toMatchObject({ weight, replicas });
        }
    });
});
