import { CpuSnapshot, containerOf, cpuPerRequest, groupOf, hostBusyTicks, parseProcStat, workerShares } from "../../bench/cpu";
import { medianByKey } from "../../bench/stats";

describe("parseProcStat", () => {
    test.each([
        ["a plain name", "1234 (gunicorn) S 1 1 1 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 5 0 100 0 0", "gunicorn", "1", 300, 0],
        [
            "a name with spaces and parentheses",
            "77 (kworker/0:1-(events)) I 2 0 0 0 -1 69238880 0 0 0 0 3 4 0 0 20 0 1 0 5 0 0",
            "kworker/0:1-(events)",
            "2",
            7,
            0,
        ],
        ["nginx worker", "88 (nginx) S 80 80 80 0 -1 4194624 10 0 0 0 1200 3400 0 0 20 0 1 0 9 0 0", "nginx", "80", 4600, 0],
        ["node with reaped children (wrk)", "99 (node) S 1 99 99 0 -1 0 10 0 0 0 500 100 1200 300 20 0 11 0 5 0 0", "node", "1", 600, 1500],
    ])("%s", (_label, line, comm, ppid, ticks, childTicks) => {
        expect(parseProcStat(line)).toEqual({ comm, ppid, ticks, childTicks });
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
    ["wrk", "other"],
])("groupOf(%s) = %s", (comm, group) => {
    expect(groupOf(comm)).toBe(group);
});

test("hostBusyTicks: everything but idle and iowait, guest already in user", () => {
    expect(hostBusyTicks("cpu  100 5 50 1000 20 3 7 1 40 0")).toBe(100 + 5 + 50 + 3 + 7 + 1);
});

describe("cpuPerRequest", () => {
    const snap = (hostBusy: number, procs: [string, string, number][], childTicks = 0): CpuSnapshot => ({
        hostBusy,
        childTicks,
        procs: new Map(procs.map(([pid, g, t]) => [pid, [g, t] as const])),
        workers: new Map(),
    });
    test("ms per request by group; other = total - attributed; processes alive at one end only are not attributed", () => {
        const before = snap(1000, [
            ["1", "gunicorn", 100],
            ["2", "gunicorn", 50],
            ["3", "nginx", 10],
            ["4", "other", 5],
            ["9", "gunicorn", 500], // exits during the run
        ]);
        const after = snap(
            1300,
            [
                ["1", "gunicorn", 250],
                ["2", "gunicorn", 100],
                ["3", "nginx", 40],
                ["4", "other", 25],
                ["10", "gunicorn", 30], // started during the run
            ],
            40, // the load generator, reaped by this process
        );
        // 300 busy ticks = 3 s over 1000 requests = 3 ms each; gunicorn 200 ticks = 2 ms; nginx 0.3 ms; wrk 0.4 ms.
        expect(cpuPerRequest(before, after, 1000)).toEqual({
            gunicorn: 2,
            nginx: 0.3,
            "docker-proxy": 0,
            "dockerd+containerd": 0,
            "wrk/h2load": 0.4,
            other: 0.3,
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

test.each([
    [
        "cgroup v1",
        "4:memory:/docker/446f9412128d36ced5d5f9f9f0f35e190878b931dcd26566662f118191d8da3c\n",
        "446f9412128d36ced5d5f9f9f0f35e190878b931dcd26566662f118191d8da3c",
    ],
    [
        "systemd cgroup v2",
        "0::/system.slice/docker-2480688cdb166b414906bc3fdae1670cb35be49fa96cf42cd4fdf668163149ec.scope\n",
        "2480688cdb166b414906bc3fdae1670cb35be49fa96cf42cd4fdf668163149ec",
    ],
    ["the host", "0::/init.scope\n", undefined],
])("containerOf: %s", (_label, cgroup, id) => {
    expect(containerOf(cgroup)).toBe(id);
});

describe("workerShares", () => {
    const snap = (workers: [string, string, number][]): CpuSnapshot => ({
        hostBusy: 0,
        childTicks: 0,
        procs: new Map(),
        workers: new Map(workers.map(([pid, c, t]) => [pid, [c, t] as const])),
    });
    const before = snap([
        ["1", "a", 100],
        ["2", "a", 100],
        ["3", "b", 100],
        ["4", "other", 0],
        ["5", "a", 50], // exits during the run
    ]);
    test.each([
        ["two containers, largest first; other containers and processes alive at one end left out", ["a", "b"], [60, 30, 10]],
        ["one container", ["a"], [66.7, 33.3]],
        ["a container without workers", ["c"], []],
    ])("%s", (_label, ids, shares) => {
        const after = snap([
            ["1", "a", 160],
            ["2", "a", 130],
            ["3", "b", 110],
            ["4", "other", 900],
            ["6", "a", 40], // started during the run
        ]);
        expect(workerShares(before, after, ids)).toEqual(shares);
    });
    test("no CPU used: zeros, not NaN", () => {
        expect(workerShares(before, before, ["a"])).toEqual([0, 0, 0]);
    });
});
