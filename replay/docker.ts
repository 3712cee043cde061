// The project's thin layer over the Docker Engine API (what the Pulumi Docker provider talks to): dockerode
// makes every call; this module adds what the project means by them (errors as DockerApiError with the
// engine's status, stop-then-remove, teardown by label, exec's exit code, logs split from their multiplex
// frames) and keeps the docker CLI only where the CLI is the thing wanted (see replay/README.md, "Libraries").
import { execFile } from "child_process";
import Docker from "dockerode";

/** The engine's unix socket, from DOCKER_HOST (unix://...) or the default. */
export function socketPath(): string {
    const host = process.env.DOCKER_HOST;
    return host?.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}

/** The one client every Engine API call goes through. */
export const docker = new Docker({ socketPath: socketPath() });

export class DockerApiError extends Error {
    constructor(
        readonly status: number,
        readonly what: string,
        /** The engine's message. */
        readonly detail: string,
    ) {
        super(`docker API ${what} -> ${status}: ${detail.trim()}`);
        this.name = "DockerApiError";
    }
}

/**
 * Awaits a dockerode call; an engine error (dockerode's statusCode and json) becomes a DockerApiError naming
 * `what`, so callers test `status` (404: gone) or the engine's message. 304 (already started/stopped) is an
 * answer, not a failure, as the Engine API documents it: it resolves undefined.
 */
export async function call<T>(what: string, request: Promise<T>): Promise<T> {
    try {
        return await request;
    } catch (e) {
        const err = e as Error & { statusCode?: number; json?: unknown };
        if (typeof err.statusCode !== "number") {
            throw e;
        }
        if (err.statusCode === 304) {
            return undefined as T;
        }
        const json = err.json as { message?: string } | string | Buffer | null | undefined;
        const detail = typeof json === "object" && json !== null && !Buffer.isBuffer(json) ? json.message : json?.toString();
        throw new DockerApiError(err.statusCode, what, (detail || err.message).trim());
    }
}

/** dockerode's per-call deadline (the client has none by default). */
export const within = (ms: number) => ({ abortSignal: AbortSignal.timeout(ms) });

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
        // The typings omit ping's options; dockerode passes abortSignal on like every call's.
        await (docker.ping as (o: object) => Promise<unknown>).call(docker, within(3000));
        return true;
    } catch {
        return false;
    }
}

export type ContainerInfo = Docker.ContainerInspectInfo;

export function inspectContainer(nameOrId: string): Promise<ContainerInfo> {
    return call(`inspect container ${nameOrId}`, docker.getContainer(nameOrId).inspect());
}

const labelFilter = (labels: Readonly<Record<string, string>>) => ({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });

/** Containers (all states) carrying every given label. */
export function containersByLabel(labels: Readonly<Record<string, string>>): Promise<Docker.ContainerInfo[]> {
    return call("list containers", docker.listContainers({ all: true, filters: labelFilter(labels) }));
}

/** Networks carrying every given label. */
export function networksByLabel(labels: Readonly<Record<string, string>>): Promise<Docker.NetworkInspectInfo[]> {
    return call("list networks", docker.listNetworks({ filters: labelFilter(labels) }));
}

/** Volumes carrying every given label. */
export async function volumesByLabel(labels: Readonly<Record<string, string>>): Promise<Docker.VolumeInspectInfo[]> {
    return (await call("list volumes", docker.listVolumes({ filters: labelFilter(labels) }))).Volumes ?? [];
}

/**
 * POST /containers/create with `body` as the config. dockerode would also copy every option into the query
 * string (its generic request builder), which would put the whole config, environment included, into the
 * request line; `_query`/`_body` (docker-modem) keep the name in the query and the config in the body.
 */
export async function createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    const created = await call(
        `create container ${name}`,
        docker.createContainer({ _query: { name }, _body: body } as Docker.ContainerCreateOptions),
    );
    return created.id;
}

/**
 * DELETE /volumes/{name}?force=1. dockerode's Volume.remove builds a path with no query, so `force` would be
 * dropped; this goes through dockerode's modem (the same socket and error handling) with the query.
 */
export function removeVolume(name: string): Promise<unknown> {
    return call(
        `remove volume ${name}`,
        new Promise((resolve, reject) =>
            docker.modem.dial(
                {
                    path: `/volumes/${encodeURIComponent(name)}?`,
                    method: "DELETE",
                    options: { force: true },
                    statusCodes: { 204: true, 404: "no such volume", 409: "conflict", 500: "server error" },
                },
                (err, data) => (err ? reject(err) : resolve(data)),
            ),
        ),
    );
}

/** Stops (with a grace, when given) and removes a container; a missing one is not an error. */
export async function removeContainer(id: string, graceSec: number | undefined): Promise<void> {
    const c = docker.getContainer(id);
    try {
        if (graceSec !== undefined) {
            await call(`stop container ${id}`, c.stop({ t: graceSec, ...within((graceSec + 30) * 1000) }));
        }
        await call(`remove container ${id}`, c.remove({ force: true, v: true }));
    } catch (e) {
        if (!(e instanceof DockerApiError && e.status === 404)) {
            throw e;
        }
    }
}

/**
 * stdout and stderr of the Engine's multiplexed stream: frames of an 8-byte header (stream 0/1/2, 3 zero
 * bytes, big-endian length) and the payload. A stream that does not start with such a header is a TTY's
 * raw output: all stdout. Kept by hand: docker-modem's demuxStream copies the rest of its buffer and
 * recurses once per frame (1,000 log lines: 0.7 s; 5,000: stack overflow; replay/README.md "Libraries"), and
 * has no buffer variant (apocas/docker-modem#129).
 */
export function demuxFrames(raw: Buffer): { stdout: string; stderr: string } {
    const framed = raw.length === 0 || (raw.length >= 8 && raw[0] <= 2 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0);
    if (!framed) {
        return { stdout: raw.toString("utf8"), stderr: "" };
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for (let at = 0; at + 8 <= raw.length;) {
        const end = Math.min(raw.length, at + 8 + raw.readUInt32BE(at + 4));
        (raw[at] === 2 ? err : out).push(raw.subarray(at + 8, end));
        at = end;
    }
    return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
}

/**
 * Output of a command run inside a container (what `docker exec` does: create, attach, then inspect for the
 * exit code). A non-zero exit rejects with the command's stderr in the message.
 */
export async function exec(container: string, command: readonly string[]): Promise<string> {
    const what = `docker exec ${container} ${command.join(" ")}`;
    try {
        const run = await call(what, docker.getContainer(container).exec({ Cmd: [...command], AttachStdout: true, AttachStderr: true }));
        const out = demuxFrames(await readAll(await call(what, run.start({ hijack: true, stdin: false }))));
        // The attach stream can end a moment before the engine records the exit code (the CLI polls too).
        let info = await call(what, run.inspect());
        for (let i = 0; info.Running && i < 50; i++) {
            await sleep(100);
            info = await call(what, run.inspect());
        }
        if (info.ExitCode !== 0) {
            throw new Error(`${what} failed: ${out.stderr.trim() || `exit code ${String(info.ExitCode)}`}`);
        }
        return out.stdout;
    } catch (e) {
        // As the CLI words it: the engine's message after the command.
        throw e instanceof DockerApiError ? new Error(`${what} failed: ${e.detail}`) : e;
    }
}

/**
 * A container's stdout and stderr (what `docker logs` writes to its two pipes), optionally from and until a
 * unix time. Times go as the text given (seconds with a fraction, which the engine takes), as the CLI passes them.
 */
export async function logStreams(
    container: string,
    window: { readonly since?: string; readonly until?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
    const body: unknown = await call(
        `logs of ${container}`,
        docker.getContainer(container).logs({ stdout: true, stderr: true, follow: false, ...window }),
    );
    // Without follow, docker-modem hands back the body (parsed, if it happened to be JSON text: a TTY's log).
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    return demuxFrames(raw);
}

/** A container's log (stdout, then stderr), optionally since a unix time. */
export async function logs(container: string, sinceSec?: number): Promise<string> {
    const out = await logStreams(container, sinceSec !== undefined ? { since: String(sinceSec) } : {});
    return out.stdout + out.stderr;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
