// nginx's Cloud Map discovery: a sidecar in the nginx ECS task. Every pollSec it asks
// DiscoverInstancesRevision per service; for a service whose revision changed it reads every healthy
// instance (DiscoverInstances, HEALTHY, MaxResults 1000: the API's maximum, there is no paging), renders
// one server line per task and publishes the set (discovery/publish.ts) at most once per coalesceSec.
// nginx's entrypoint checks each set with `nginx -t` and reloads gracefully.
//
// HEALTHY, not HEALTHY_OR_ELSE_ALL: ECS registers each task with Cloud Map custom health
// (healthCheckCustomConfig) and reports the task's container health check into it, so HEALTHY are the
// tasks ECS would let DNS answer with. HEALTHY_OR_ELSE_ALL would hand nginx the failing tasks exactly
// when none is healthy; keeping the last good set (decide()) is the safer answer to that moment.
//
// Faults never empty the upstream: a failed call keeps the last published set and backs off with jitter
// (the SDK's own retries are off, maxAttempts 1: this loop is the retry, and its status lines count it).
import { DiscoverInstancesCommand, DiscoverInstancesRevisionCommand, ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { DISCOVERY_CONFIG_ENV, DISCOVERY_DIR_ENV, DISCOVERY_TEST_ENDPOINT_ENV } from "../lib/runtime";
import { parseDiscoveryConfig } from "./config";
import {
    backoffSec,
    changedServices,
    decide,
    errorLine,
    errorName,
    okLine,
    publishDelayMs,
    renderUpstreamFiles,
    revisionLabel,
    serviceLine,
} from "./logic";
import { publishSet } from "./publish";

const STATUS_EVERY_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
    const config = parseDiscoveryConfig(process.env[DISCOVERY_CONFIG_ENV]);
    const dir = process.env[DISCOVERY_DIR_ENV] ?? "";
    if (!dir) {
        throw new Error(`${DISCOVERY_DIR_ENV} is not set`);
    }
    const endpoint = process.env[DISCOVERY_TEST_ENDPOINT_ENV];
    const client = new ServiceDiscoveryClient({
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 5000 }),
        // Tests only: one endpoint (moto) for every call, so no `data-` host prefix (the SDK would prepend it
        // to an overridden endpoint too). On ECS the prefix stays on: it selects data-servicediscovery.
        ...(endpoint ? { endpoint, disableHostPrefix: true } : {}),
    });
    const ns = config.namespace;

    const accepted = new Map<string, number>();
    const sets = new Map<string, readonly string[]>();
    let published = "";
    let lastPublishAt: number | undefined;
    let lastSuccessAt = Date.now();
    let lastStatusAt = 0;
    let errors = 0;
    let reloads = 0;
    let stopping = false;
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
        process.on(sig, () => {
            stopping = true;
        });
    }
    const age = () => Math.round((Date.now() - lastSuccessAt) / 1000);

    while (!stopping) {
        const started = Date.now();
        let faulted: string | undefined;
        let recovered = false;
        try {
            const revisions = new Map<string, number>();
            await Promise.all(
                config.services.map(async (s) => {
                    const r = await client.send(new DiscoverInstancesRevisionCommand({ NamespaceName: ns, ServiceName: s.name }));
                    revisions.set(s.name, Number(r.InstancesRevision ?? 0));
                }),
            );
            for (const name of changedServices(accepted, revisions)) {
                const s = config.services.find((x) => x.name === name)!;
                const r = await client.send(
                    new DiscoverInstancesCommand({ NamespaceName: ns, ServiceName: name, HealthStatus: "HEALTHY", MaxResults: 1000 }),
                );
                const ips = (r.Instances ?? []).map((i) => i.Attributes?.AWS_INSTANCE_IPV4).filter((ip): ip is string => !!ip);
                const d = decide(sets.get(name), ips, s.minReplicas);
                if (d.kind === "fault") {
                    // The revision stays unaccepted, so the next poll asks again.
                    faulted = d.error;
                    continue;
                }
                sets.set(name, d.ips);
                accepted.set(name, revisions.get(name)!);
            }
            lastSuccessAt = Date.now();
            if (faulted) {
                errors++;
                out(errorLine({ error: faulted, consecutiveErrors: errors, lastSuccessAgeSec: age(), backoffSec: config.pollSec }));
            } else {
                recovered = errors > 0;
                errors = 0;
            }
        } catch (e) {
            errors++;
            const wait = backoffSec(errors, config.pollSec, Math.random());
            out(errorLine({ error: errorName(e), consecutiveErrors: errors, lastSuccessAgeSec: age(), backoffSec: wait }));
            await sleep(wait * 1000);
            continue;
        }

        // Nothing is published before every service has answered once (cold start: nginx waits for it).
        if (sets.size === config.services.length) {
            const files = renderUpstreamFiles(config, sets);
            const text = [...files].map(([n, t]) => `${n}\n${t}`).join("");
            let justPublished = false;
            if (text !== published) {
                // Coalescing: within coalesceSec of the last publish, wait for its end if that comes before
                // the next poll; otherwise a later poll publishes whatever the set is by then.
                const delay = publishDelayMs(lastPublishAt, Date.now(), config.coalesceSec);
                if (delay < config.pollSec * 1000) {
                    await sleep(delay);
                    publishSet(dir, files, Date.now());
                    published = text;
                    lastPublishAt = Date.now();
                    reloads++;
                    justPublished = true;
                }
            }
            // After every publish, on recovery from errors, and at least every STATUS_EVERY_MS.
            if (justPublished || recovered || (errors === 0 && Date.now() - lastStatusAt >= STATUS_EVERY_MS)) {
                lastStatusAt = Date.now();
                const instances = [...sets.values()].reduce((n, x) => n + x.length, 0);
                const revision = revisionLabel(config, accepted);
                out(okLine({ revision, instances, services: config.services.length, lastSuccessAgeSec: age(), reloads }));
                for (const s of config.services) {
                    out(serviceLine(s.name, sets.get(s.name)?.length ?? 0));
                }
            }
        }
        await sleep(Math.max(0, started + config.pollSec * 1000 - Date.now()));
    }
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        process.stderr.write(`discovery: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    },
);
