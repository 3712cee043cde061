import { CpuSnapshot, cpuPerRequest, groupOf, hostBusyTicks, parseProcStat } from "../../bench/cpu";
import { medianByKey } from "../../bench/stats";

describe("parseProcStat", () => {
    test.each([
        ["a plain name", "1234 (gunicorn) S 1 1 1 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 5 0 100 0 0", "gunicorn", 300],
        [
            "a name with spaces and parentheses",
            "77 (kworker/0:1-(events)) I 2 0 0 0 -1 69238880 0 0 0 0 3 4 0 0 20 0 1 0 5 0 0",
            "kworker/0:1-(events)",
            7,
        ],
        ["nginx worker", "88 (nginx) S 80 80 80 0 -1 4194624 10 0 0 0 1200 3400 0 0 20 0 1 0 9 0 0", "nginx", 4600],
    ])("%s", (_label, line, comm, ticks) => {
        expect(parseProcStat(line)).toEqual({ comm, ticks });
    });
    test("garbage gives undefined", () => {
        expect(parseProcStat("no parentheses here")).toBeUndefined();
        expect(parseProcStat("1 (x) S")).toBeUndefined();
    });
});

test.each([
    ["gunicorn", "gunicorn"],
    ["nginx", "nginx"],
    ["docker-proxy", "docker-proxy"],
    ["containerd-shim", "dockerd+containerd"],
    ["dockerd", "dockerd+containerd"],
    ["python3", "other"],
    ["wrk", "wrk/h2load"],
    ["h2load", "wrk/h2load"],
])("groupOf(%s) = %s", (comm, group) => {
    expect(groupOf(comm)).toBe(group);
});

test("hostBusyTicks: everything but idle and iowait, guest already in user", () => {
    expect(hostBusyTicks("cpu  100 5 50 1000 20 3 7 1 40 0")).toBe(100 + 5 + 50 + 3 + 7 + 1);
});

describe("cpuPerRequest", () => {
    const snap = (hostBusy: number, procs: [string, string, number][]): CpuSnapshot => ({
        hostBusy,
        procs: new Map(procs.map(([pid, g, t]) => [pid, [g, t] as const])),
    });
    test("ms per request by group; other = total - attributed; processes alive at one end only are not attributed", () => {
        const before = snap(1000, [
            ["1", "gunicorn", 100],
            ["2", "gunicorn", 50],
            ["3", "nginx", 10],
            ["4", "other", 5],
            ["9", "gunicorn", 500], // exits during the run
        ]);
        const after = snap(1300, [
            ["1", "gunicorn", 250],
            ["2", "gunicorn", 100],
            ["3", "nginx", 40],
            ["4", "other", 25],
            ["10", "gunicorn", 30], // started during the run
        ]);
        // 300 busy ticks = 3 s over 1000 requests = 3 ms each; gunicorn 200 ticks = 2 ms; nginx 0.3 ms.
        expect(cpuPerRequest(before, after, 1000)).toEqual({
            gunicorn: 2,
            nginx: 0.3,
            "docker-proxy": 0,
            "dockerd+containerd": 0,
            "wrk/h2load": 0,
            other: 0.7,
            total: 3,
        });
    });
    test("no requests: zeros, not infinities", () => {
        expect(Object.values(cpuPerRequest(snap(0, []), snap(100, []), 0)).every((v) => v === 0)).toBe(true);
    });
});

test("medianByKey", () => {
    expect(medianByKey([{ a: 1, b: 10 }, { a: 3, b: 20 }, { a: 2 }])).toEqual({ a: 2, b: 15 });
});
