// A resource monitor for running the program under Pulumi's real Node language runtime
// (@pulumi/pulumi/cmd/run) without the CLI, which these machines cannot download. It answers only what the
// runtime asks before and around a program that fails at config time: feature probes, the root Stack
// registration and its outputs. Every other call is refused (UNIMPLEMENTED), so a program that got as far
// as declaring a resource would fail loudly here.
import * as grpc from "@grpc/grpc-js";
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated gRPC stubs ship as CommonJS without typings */
const services = require("@pulumi/pulumi/proto/resource_grpc_pb");
const messages = require("@pulumi/pulumi/proto/resource_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

export interface RuntimeRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Resource types the program registered, the root Stack included. */
    readonly registered: readonly string[];
}

/** Runs the program folder `root` under the real Node runtime with `config` (fully qualified keys). */
export async function runUnderNodeRuntime(root: string, config: Record<string, string>, stack = "dev"): Promise<RuntimeRun> {
    const registered: string[] = [];
    const server = new grpc.Server();
    const unimplemented = (name: string) => (_call: unknown, cb: Callback) =>
        cb({ code: grpc.status.UNIMPLEMENTED, details: `fake monitor: ${name}`, message: name, name } as grpc.ServiceError);
    const handlers: Record<string, unknown> = Object.fromEntries(
        Object.keys(services.ResourceMonitorService).map((k) => [k, unimplemented(k)]),
    );
    handlers.supportsFeature = (_call: unknown, cb: Callback) => cb(null, new messages.SupportsFeatureResponse().setHassupport(false));
    handlers.registerResource = (call: { request: { getType(): string; getName(): string } }, cb: Callback) => {
        registered.push(call.request.getType());
        const res = new messages.RegisterResourceResponse();
        res.setUrn(`urn:pulumi:${stack}::webstack::${call.request.getType()}::${call.request.getName()}`);
        cb(null, res);
    };
    handlers.registerResourceOutputs = (_call: unknown, cb: Callback) => cb(null, new Empty());
    server.addService(services.ResourceMonitorService, handlers as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
        const runner = path.join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run");
        // The language host starts `node <runtime.options.nodeargs> <runner> ...` (pulumi-language-nodejs).
        const args = [
            ...nodeArgs(root),
            runner,
            `--monitor=127.0.0.1:${port}`,
            "--project",
            "webstack",
            "--stack",
            stack,
            "--pwd",
            root,
            ".",
        ];
        return await new Promise<RuntimeRun>((resolve) => {
            execFile(
                process.execPath,
                args,
                {
                    cwd: root,
                    timeout: 240_000,
                    // As the Pulumi CLI hands config to the language host.
                    env: {
                        ...process.env,
                        PULUMI_CONFIG: JSON.stringify(config),
                        // runtime.options.typescript (default true): the host asks the runtime to load ts-node.
                        PULUMI_NODEJS_TYPESCRIPT: String(runtimeOptions(root).typescript ?? true),
                        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                    },
                },
                (err, stdout, stderr) =>
                    resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr, registered: [...registered] }),
            );
        });
    } finally {
        server.forceShutdown();
    }
}

interface RuntimeOptions {
    readonly typescript?: boolean;
    readonly nodeargs?: string;
}

function runtimeOptions(root: string): RuntimeOptions {
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: RuntimeOptions } };
    return project.runtime?.options ?? {};
}

/** `runtime.options.nodeargs` of the project's Pulumi.yaml, split as the language host splits it (on spaces). */
export function nodeArgs(root: string): string[] {
    return (runtimeOptions(root).nodeargs ?? "").split(" ").filter((a) => a !== "");
}
