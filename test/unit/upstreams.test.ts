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

describe("computeUpstreams with autoscaling: each share is a range", () => {
    test("docs/aws-autoscaling.md's worked example: application1 (w3, 2 fixed) against application2 (w1, 2..6)", () => {
        const out = computeUpstreams([
            { name: "application1", weight: 3, replicas: 2 },
            { name: "application2", weight: 1, replicas: 2, autoscaling: { min: 2, max: 6 } },
        ]);
        expect([out.application1.expectedShare, out.application1.shareRange]).toEqual([0.75, [0.5, 0.75]]);
        expect([out.application2.expectedShare, out.application2.shareRange]).toEqual([0.25, [0.25, 0.5]]);
    });

    test("an autoscaled heavy service (w3, 2..6 tasks) against a fixed light one (w1, 2)", () => {
        const out = computeUpstreams([
            { name: "a", weight: 3, replicas: 2, autoscaling: { min: 2, max: 6 } },
            { name: "b", weight: 1, replicas: 2 },
        ]);
        // a: 3×2/(3×2+1×2) = 0.75 at the start; 6/8 .. 18/20 as a floats.
        expect(out.a).toEqual({ weight: 3, replicas: 2, expectedShare: 0.75, replicasRange: [2, 6], shareRange: [0.75, 0.9] });
        // b's count is fixed, yet its share floats with a's.
        expect(out.b).toEqual({ weight: 1, replicas: 2, expectedShare: 0.25, replicasRange: [2, 2], shareRange: [0.1, 0.25] });
    });

    test("two autoscaled services: each low end meets the other's high end", () => {
        const out = computeUpstreams([
            { name: "a", weight: 1, replicas: 2, autoscaling: { min: 1, max: 4 } },
            { name: "b", weight: 1, replicas: 2, autoscaling: { min: 2, max: 8 } },
        ]);
        expect(out.a.shareRange).toEqual([0.1111, 0.6667]);
        expect(out.b.shareRange).toEqual([0.3333, 0.8889]);
    });

    test("every share at the declared replicas lies inside its range, and no range without autoscaling", () => {
        const services = [
            { name: "a", weight: 5, replicas: 3, autoscaling: { min: 2, max: 5 } },
            { name: "b", weight: 2, replicas: 1 },
            { name: "c", weight: 1, replicas: 4, autoscaling: { min: 3, max: 8 } },
        ];
        for (const s of Object.values(computeUpstreams(services))) {
            expect(s.expectedShare).toBeGreaterThanOrEqual(s.shareRange![0]);
            expect(s.expectedShare).toBeLessThanOrEqual(s.shareRange![1]);
        }
        expect(Object.keys(computeUpstreams([{ name: "a", weight: 1, replicas: 1 }]).a)).toEqual(["weight", "replicas", "expectedShare"]);
    });
});
