// A small Docker Engine API client over the unix socket (what the Pulumi Docker provider talks to),
// plus the CLI for builds and exec. No dependency beyond Node.
import { execFile } from "child_process";
import * as http from "http";

/** The engine's unix socket, from DOCKER_HOST (unix://...) or the default. */
export function socketPath(): string {
    const host = process.env.DOCKER_HOST;
    return host?.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}

export class DockerApiError extends Error {
    constructor(
        readonly status: number,
        readonly method: string,
        readonly path: string,
        body: string,
    ) {
        super(`docker API ${method} ${path} -> ${status}: ${body.trim()}`);
        this.name = "DockerApiError";
    }
}

/** Calls the Engine API; returns parsed JSON (or text), throws DockerApiError on a status >= 400. */
export function api<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
    return new Promise((resolve, reject) => {
        // A Buffer goes as a tar stream (archive uploads, as the provider sends them); anything else as JSON.
        const raw = Buffer.isBuffer(body);
        const payload = body === undefined ? undefined : raw ? body : JSON.stringify(body);
        const req = http.request(
            {
                socketPath: socketPath(),
                method,
                path,
                headers: payload
                    ? { "Content-Type": raw ? "application/x-tar" : "application/json", "Content-Length": Buffer.byteLength(payload) }
                    : {},
                timeout: timeoutMs,
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    if ((res.statusCode ?? 500) >= 400) {
                        reject(new DockerApiError(res.statusCode ?? 500, method, path, text));
                        return;
                    }
                    try {
                        resolve((text ? JSON.parse(text) : undefined) as T);
                    } catch {
                        resolve(text as unknown as T);
                    }
                });
            },
        );
        req.on("timeout", () => req.destroy(new Error(`docker API ${method} ${path} timed out`)));
        req.on("error", reject);
        if (payload) {
            req.write(payload);
        }
        req.end();
    });
}

/** Runs the docker CLI; resolves stdout, rejects with stderr in the message. */
export function cli(args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            "docker",
            [...args],
            { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 600_000, env: { ...process.env, ...opts.env } },
            (err, stdout, stderr) => {
                if (err) {
                    reject(new Error(`docker ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
                } else {
                    resolve(stdout);
                }
            },
        );
    });
}

/** True when an engine answers on the socket. */
export async function engineAnswers(): Promise<boolean> {
    try {
        await api("GET", "/_ping", undefined, 3000);
        return true;
    } catch {
        return false;
    }
}

export interface ContainerInfo {
    Id: string;
    Name: string;
    State: {
        Status: string;
        Running: boolean;
        Pid: number;
        StartedAt: string;
        Health?: { Status: string };
        RestartCount?: number;
        ExitCode: number;
    };
    RestartCount: number;
    Config: {
        Labels: Record<string, string>;
        Env: string[];
        Image: string;
        Hostname: string;
        User: string;
        Healthcheck?: { Test: string[] };
    };
    HostConfig: Record<string, unknown>;
    NetworkSettings: {
        Networks: Record<string, { IPAddress: string; Aliases: string[] | null }>;
        Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
    };
    Image: string;
}

export function inspectContainer(nameOrId: string): Promise<ContainerInfo> {
    return api<ContainerInfo>("GET", `/containers/${encodeURIComponent(nameOrId)}/json`);
}

/** Containers (all states) carrying every given label. */
export async function containersByLabel(
    labels: Readonly<Record<string, string>>,
): Promise<{ Id: string; Names: string[]; Labels: Record<string, string>; State: string }[]> {
    const filters = JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    return api("GET", `/containers/json?all=1&filters=${encodeURIComponent(filters)}`);
}

/** Networks carrying every given label. */
export async function networksByLabel(labels: Readonly<Record<string, string>>): Promise<{ Id: string; Name: string }[]> {
    const filters = JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    return api("GET", `/networks?filters=${encodeURIComponent(filters)}`);
}

/** Volumes carrying every given label. */
export async function volumesByLabel(labels: Readonly<Record<string, string>>): Promise<{ Name: string }[]> {
    const filters = JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    return (await api<{ Volumes: { Name: string }[] | null }>("GET", `/volumes?filters=${encodeURIComponent(filters)}`)).Volumes ?? [];
}

/** Stops (with a grace, when given) and removes a container; a missing one is not an error. */
export async function removeContainer(id: string, graceSec: number | undefined): Promise<void> {
    try {
        if (graceSec !== undefined) {
            await api("POST", `/containers/${encodeURIComponent(id)}/stop?t=${graceSec}`, undefined, (graceSec + 30) * 1000);
        }
        await api("DELETE", `/containers/${encodeURIComponent(id)}?force=1&v=1`);
    } catch (e) {
        if (!(e instanceof DockerApiError && e.status === 404)) {
            throw e;
        }
    }
}

/** Output of a command run inside a container (docker exec). */
export function exec(container: string, command: readonly string[]): Promise<string> {
    return cli(["exec", container, ...command]);
}

/** A container's log (stdout and stderr), optionally since a unix time. */
export function logs(container: string, sinceSec?: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const args = ["logs", ...(sinceSec !== undefined ? ["--since", String(sinceSec)] : []), container];
        execFile("docker", args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(err) : resolve(stdout + stderr)));
    });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
