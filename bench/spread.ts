// How keep-alive connections spread over Gunicorn's workers under load: read inside each app
// container (/proc), while wrk drives the configuration. Uneven spread is what makes the tail: a
// request waits behind others on a busy worker while another worker idles.
import { exec, sleep } from "../e2e/docker";
import { runWrk } from "./wrk";

/**
 * The TCP tables first (the moment that counts), then each process's name and its fds: three
 * commands, no fork per fd, so the snapshot is quick even on a saturated host. Only sh, cat, grep, ls.
 */
const SCRIPT = "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; grep -H . /proc/[0-9]*/comm 2>/dev/null; ls -l /proc/[0-9]*/fd/ 2>/dev/null";

/** Established connections on local `port` per Gunicorn worker (comm gunicorn, not pid 1), largest first. */
export function connectionsPerWorker(output: string, port: number): number[] {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const established = new Set<string>();
    const workers = new Map<string, number>();
    const inodeOwner = new Map<string, string>();
    let pid = "";
    for (const line of output.split("\n")) {
        const f = line.trim().split(/\s+/);
        const comm = /^\/proc\/(\d+)\/comm:(.*)$/.exec(line);
        const dir = /^\/proc\/(\d+)\/fd\/?:$/.exec(line);
        const sock = /-> socket:\[(\d+)\]$/.exec(line);
        if (comm) {
            if (comm[2] === "gunicorn" && comm[1] !== "1") {
                workers.set(comm[1], 0);
            }
        } else if (dir) {
            pid = dir[1];
        } else if (sock) {
            inodeOwner.set(sock[1], pid);
        } else if (/^\d+:$/.test(f[0] ?? "") && f[3] === "01" && f[1]?.endsWith(`:${hexPort}`)) {
            established.add(f[9]);
        }
    }
    for (const inode of established) {
        const owner = inodeOwner.get(inode);
        if (owner !== undefined && workers.has(owner)) {
            workers.set(owner, workers.get(owner)! + 1);
        }
    }
    return [...workers.values()].sort((x, y) => y - x);
}

/** Drives `url` for `seconds` and, a third of the way in, reads the spread in each container. */
export async function spreadUnderLoad(url: string, containers: readonly string[], seconds = 8): Promise<Record<string, number[]>> {
    const load = runWrk({ url, durationSec: seconds, connections: 16, threads: 1, timeoutSec: 5 });
    await sleep((seconds * 1000) / 3);
    const out: Record<string, number[]> = {};
    for (const c of containers) {
        out[c] = connectionsPerWorker(await exec(c, ["sh", "-c", SCRIPT]), 8000);
    }
    await load;
    return out;
}
