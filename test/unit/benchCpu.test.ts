import { CpuSnapshot, cpuPerRequest, groupOf, hostBusyTicks, parseProcStat } from "../../bench/cpu";
import { medianByKey } from "../../bench/stats";
import { connectionsPerWorker } from "../../bench/spread";

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
    ["wrk", "other"],
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

describe("connectionsPerWorker", () => {
    const output = [
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001 0 100 1 0000000000000000 100 0 0 10 0",
        "   1: 030012AC:1F40 020012AC:9C40 01 00000000:00000000 00:00000000 00000000 10001 0 101 1 0000000000000000 20 4 30 10 -1",
        "   2: 030012AC:1F40 020012AC:9C42 01 00000000:00000000 00:00000000 00000000 10001 0 102 1 0000000000000000 20 4 30 10 -1",
        "   3: 030012AC:1F40 020012AC:9C44 01 00000000:00000000 00:00000000 00000000 10001 0 103 1 0000000000000000 20 4 30 10 -1",
        "   4: 030012AC:1F40 020012AC:9C46 06 00000000:00000000 03:00000F1F 00000000 0 0 104 3 0000000000000000",
        "   5: 0100007F:C350 0100007F:1F40 01 00000000:00000000 00:00000000 00000000 10001 0 105 1 0000000000000000 20 4 30 10 -1",
        "/proc/1/comm:gunicorn",
        "/proc/30/comm:python3",
        "/proc/7/comm:gunicorn",
        "/proc/8/comm:gunicorn",
        "/proc/9/comm:gunicorn",
        "/proc/1/fd/:",
        "total 0",
        "lrwx------ 1 app app 64 Nov 27 05:48 3 -> socket:[100]",
        "/proc/30/fd/:",
        "lrwx------ 1 app app 64 Nov 27 05:48 3 -> socket:[105]",
        "/proc/7/fd/:",
        "lrwx------ 1 app app 64 Nov 27 05:48 0 -> /dev/null",
        "lrwx------ 1 app app 64 Nov 27 05:48 5 -> socket:[101]",
        "lrwx------ 1 app app 64 Nov 27 05:48 6 -> socket:[102]",
        "lrwx------ 1 app app 64 Nov 27 05:48 7 -> socket:[104]",
        "/proc/8/fd/:",
        "lrwx------ 1 app app 64 Nov 27 05:48 5 -> socket:[103]",
        "/proc/9/fd/:",
        "l-wx------ 1 app app 64 Nov 27 05:48 1 -> pipe:[1963210]",
    ].join("\n");
    test("established connections on the port per worker, the master and other programs left out, idle workers as 0", () => {
        // worker 7: 101 and 102 (104 is TIME_WAIT); worker 8: 103; worker 9: none; 105 is an outgoing connection of python3.
        expect(connectionsPerWorker(output, 8000)).toEqual([2, 1, 0]);
    });
});
