// The real Pulumi CLI against the engine: where `pulumi` and the docker resource plugin are installed,
// preview/up a test stack on a local file backend, change the scale and a weight, destroy, and check
// that each real preview's steps are the replay's plan (replay/plan.ts). Machines without the CLI skip
// this suite and say why; it is the only suite allowed to skip.
//   flock /tmp/webstack-engine.lock npx jest --selectProjects engine --runInBand test/engine/realCli.test.ts
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { Plan, planDiff } from "../../replay/plan";
import { PreviewStep, planLines, previewLines, replacementOrder } from "../support/previewJson";
import { teardown } from "../../replay/replay";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { ROOT, SKIP_FILE } from "../support/engine";

const STACK = "e2e-realcli";
const PORT = 18_951;

/** Why the suite cannot run here, or undefined when it can. */
function missing(): string | undefined {
    if (existsSync(SKIP_FILE)) {
        return readFileSync(SKIP_FILE, "utf8");
    }
    const version = spawnSync("pulumi", ["version"], { encoding: "utf8" });
    if (version.error || version.status !== 0) {
        return "the `pulumi` CLI is not installed (these machines cannot download it)";
    }
    const plugins = spawnSync("pulumi", ["plugin", "ls", "--json"], { encoding: "utf8" });
    const list = plugins.status === 0 ? (JSON.parse(plugins.stdout || "[]") as { name: string; kind: string }[]) : [];
    if (!list.some((p) => p.name === "docker" && p.kind === "resource")) {
        return "the pulumi-docker resource plugin is not installed (`pulumi plugin install resource docker`)";
    }
    return undefined;
}

const reason = missing();
const TITLE = "real CLI: pulumi preview equals the replay's plan";
if (reason) {
    console.log(`[realCli] SKIPPED: ${reason}`);
}

(reason ? describe.skip : describe)(reason ? `${TITLE} (skipped: ${reason})` : TITLE, () => {
    // A file backend in a temp folder; the stack's config file there too, so the repo stays clean.
    let dir = "";
    let configFile = "";
    let env: NodeJS.ProcessEnv = {};
    const pulumi = (args: string[], timeoutMs = 900_000) =>
        execFileSync("pulumi", [...args, "--stack", STACK, "--config-file", configFile, "--non-interactive"], {
            cwd: ROOT,
            env,
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
            timeout: timeoutMs,
        });
    const services = (a2Replicas: number, a1Weight: number) => [
        { name: "application1", weight: a1Weight, replicas: 1, workers: 2 },
        { name: "application2", weight: 1, replicas: a2Replicas, workers: 2 },
    ];
    const base = { ...OFFLINE_BASES, httpPort: PORT, bindAddress: "127.0.0.1" };
    const setConfig = (config: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(config)) {
            pulumi(["config", "set", `webstack:${k}`, typeof v === "string" ? v : JSON.stringify(v)]);
        }
    };
    const preview = (...flags: string[]) => JSON.parse(pulumi(["preview", "--json", ...flags])) as { steps?: PreviewStep[] };
    let last: Evaluation = { resources: [] };

    /** Sets `config`, checks the real preview against the replay's plan, then runs `pulumi up`. */
    async function change(config: Record<string, unknown>): Promise<Plan> {
        setConfig(config);
        const next = await evaluate({ ...base, ...config }, { stack: STACK });
        const plan = planDiff(last, next);
        expect(previewLines(preview())).toEqual(planLines(plan));
        pulumi(["up", "--yes", "--skip-preview"]);
        last = next;
        return plan;
    }

    beforeAll(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "webstack-realcli-"));
        configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
        env = { ...process.env, PULUMI_BACKEND_URL: `file://${dir}/state`, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_SKIP_UPDATE_CHECK: "1" };
        await teardown("webstack", STACK);
        execFileSync("pulumi", ["stack", "init", STACK, "--non-interactive"], { cwd: ROOT, env, encoding: "utf8" });
        setConfig(base);
    }, 120_000);

    afterAll(async () => {
        spawnSync("pulumi", ["destroy", "--yes", "--stack", STACK, "--config-file", configFile, "--non-interactive"], { cwd: ROOT, env });
        spawnSync("pulumi", ["stack", "rm", "--yes", "--force", STACK, "--non-interactive"], { cwd: ROOT, env });
        await teardown("webstack", STACK);
        rmSync(dir, { recursive: true, force: true });
    }, 300_000);

    test("first up: the preview creates exactly what the replay would", async () => {
        const plan = await change({ services: services(1, 3) });
        expect(plan.counts.create).toBeGreaterThan(0);
        expect(execFileSync("curl", ["-sf", "-m", "5", `http://127.0.0.1:${PORT}/`], { encoding: "utf8" })).toContain("Hello from");
    }, 900_000);

    test("scale application2 to 2: the same single create", async () => {
        const plan = await change({ services: services(2, 3) });
        expect(plan.counts).toMatchObject({ create: 1, update: 0, replace: 0, delete: 0 });
    }, 900_000);

    test("weight 3 -> 2: the same steps, and the same replacement order (delete-replaced before create-replacement when delete-before-replace)", async () => {
        setConfig({ services: services(2, 2) });
        const next = await evaluate({ ...base, services: services(2, 2) }, { stack: STACK });
        const plan = planDiff(last, next);
        const order = replacementOrder(preview("--show-replacement-steps"));
        for (const step of plan.steps.filter((s) => s.op === "replace")) {
            expect(order.get(`${step.type} ${step.name}`)).toBe(step.deleteBeforeReplace === true);
        }
        expect(previewLines(preview())).toEqual(planLines(plan));
        pulumi(["up", "--yes", "--skip-preview"]);
        last = next;
    }, 900_000);

    test("destroy removes every container and network of the stack", async () => {
        pulumi(["destroy", "--yes"]);
        expect(await teardown("webstack", STACK)).toBe(0);
    }, 900_000);
});
