// The whole benchmark: bring the three configurations up side by side, drive them, measure split,
// scale-up and rebuild on our stack, tear everything down (always), and assemble the result.
import { OFFLINE_BASES } from "../e2e/stackFile";
import { DEFAULT_NGINX, NginxTuning } from "../lib/config";
import type { BenchOptions } from "./args";
import { articleWorkers, loadArticleFixture, upArticle } from "./article";
import { envOf, upDirect } from "./direct";
import { evaluateGoals, ratios } from "./goals";
import { cleanupBench, machine } from "./host";
import { LoadTarget, runRounds, warmUp } from "./load";
import { OursUp, appContainers, downOurs, upOurs } from "./ours";
import { measureRebuild } from "./rebuild";
import type { BenchResult, ConfigInfo, RebuildResult, ScaleResult, SplitResult } from "./result";
import { measureScaleUp } from "./scale";
import { measureSplit } from "./split";
import { spreadUnderLoad } from "./spread";
import { ConfigId, RunRecord, summarizeAll } from "./stats";

/** Stack config of our configuration: the defaults, on the bench port. */
export function oursConfig(o: BenchOptions): Record<string, unknown> {
    return { httpPort: o.portBase + 2 };
}

function tuningText(t: NginxTuning): string {
    return Object.entries(t)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
}

/** What each configuration is, for the report. */
export function describeConfigs(o: BenchOptions, articleTotal: number, oursTotal: number, threads: string): Record<ConfigId, ConfigInfo> {
    const url = (n: number) => `http://127.0.0.1:${o.portBase + n}/`;
    return {
        article: {
            label: "article",
            gunicornWorkers: articleTotal,
            url: url(1),
            description:
                "bench/article/ run with plain docker commands: application1 and application2 from our app image running the article's " +
                "`gunicorn --workers 6|3 --bind 0.0.0.0:8000 wsgi` (sync workers, no config file); nginx (the same nginx build as ours) with " +
                "the article's nginx.conf: weighted upstream 3:1, proxy_pass without upstream keepalive, worker_processes 1 (nginx's default), " +
                "the upstreamlog access log unbuffered.",
        },
        ours: {
            label: "ours (defaults)",
            gunicornWorkers: oursTotal,
            url: url(2),
            description:
                "the program's default stack through e2e/evaluate + e2e/replay on the offline bases: application1 (6 workers) and " +
                `application2 (3 workers), gthread with ${threads} threads, weights 3:1; nginx tuning ${tuningText(DEFAULT_NGINX)}.`,
        },
        direct: {
            label: "direct (no proxy)",
            gunicornWorkers: oursTotal,
            url: url(3),
            description:
                "one container declared like our app containers (same image, gunicorn.conf.py, user, read-only root, health check) with all " +
                `${oursTotal} workers of the stack (gthread, ${threads} threads), port 8000 published on 127.0.0.1: our path minus nginx.`,
        },
    };
}

export async function runBench(o: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchResult> {
    const started = new Date();
    const runId = `${o.stack}-${process.pid}`;
    const notes: string[] = [];
    const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
        const t0 = Date.now();
        try {
            const v = await fn();
            log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            return v;
        } catch (e) {
            notes.push(`${name} failed: ${(e as Error).message.split("\n")[0]}`);
            log(`${name} FAILED: ${(e as Error).message}`);
            return undefined;
        }
    };
    const fixture = loadArticleFixture();
    let configs = describeConfigs(o, articleWorkers(fixture), 0, "?");
    let runs: RunRecord[] = [];
    let split: SplitResult | undefined;
    let scaleUp: ScaleResult | undefined;
    let spread: BenchResult["spread"];
    let ours: OursUp;
    try {
        ours = await upOurs(o.stack, oursConfig(o));
        const up = ours;
        log(`ours up at ${up.url}`);
        const [article, direct] = await Promise.all([
            upArticle({ runId, appImage: up.appImage, nginxImage: OFFLINE_BASES.nginxBaseImage, hostPort: o.portBase + 1 }, fixture),
            upDirect(up.ev, { runId, image: up.appImage, hostPort: o.portBase + 3 }),
        ]);
        log(`article up at ${article.url}, direct up at ${direct.url}`);
        configs = describeConfigs(o, articleWorkers(fixture), direct.workers, envOf(appContainers(up.ev)[0]).GUNICORN_THREADS ?? "?");
        const targets: Record<ConfigId, LoadTarget> = {
            article: { url: article.url, socketsIn: article.nginx },
            ours: { url: up.url, socketsIn: up.nginx },
            direct: { url: direct.url, socketsIn: direct.container },
        };
        await warmUp(targets, o.load);
        runs = (await phase("load", () => runRounds(targets, o.load, log))) ?? [];
        spread = await phase("spread", async () => ({
            ours: await spreadUnderLoad(up.url, up.apps, o.mode === "quick" ? 2 : 6),
            direct: await spreadUnderLoad(direct.url, [direct.container], o.mode === "quick" ? 2 : 6),
        }));
        split = await phase("split", () => measureSplit(up, o.splitRequests, DEFAULT_NGINX.accessLogFlushSec));
        scaleUp = (await phase("scale-up", () => measureScaleUp(up)))?.result;
    } finally {
        await cleanupBench(runId).catch((e) => notes.push(`cleanup failed: ${(e as Error).message}`));
        await downOurs(o.stack).catch((e) => notes.push(`teardown failed: ${(e as Error).message}`));
    }
    // After the teardown, so the builds do not share the CPUs with idle stacks' health checks.
    const ev = ours.ev;
    const rebuild: RebuildResult | undefined = await phase("rebuild", () =>
        measureRebuild(ev, { runId, codeRuns: o.rebuildCodeRuns, coldRuns: o.rebuildColdRuns, variant: o.rebuildVariant }),
    );
    const summary = summarizeAll(runs);
    const finished = new Date();
    return {
        version: 1,
        mode: o.mode,
        date: started.toISOString().slice(0, 10),
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        wallSec: Math.round((finished.getTime() - started.getTime()) / 1000),
        machine: await machine(),
        load: o.load,
        configs,
        runs,
        summary,
        ratios: ratios(summary),
        ...(split ? { split } : {}),
        ...(scaleUp ? { scaleUp } : {}),
        ...(rebuild ? { rebuild } : {}),
        ...(spread ? { spread } : {}),
        goals: evaluateGoals({
            summary,
            splitRequests: split?.requests,
            splitWorstPp: split?.worstDeltaPp,
            scaleFirstServedMs: scaleUp?.firstServedMs,
            rebuildRatio: rebuild?.ratio,
        }),
        notes,
    };
}
