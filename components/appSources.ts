// Which app each service runs: a build-context folder (`services[].app`, default "app") or a prebuilt
// image (`services[].image`). One image per distinct source; services naming the same source share it.
import { createHash } from "crypto";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import type { ServiceSpec } from "../lib/config/types";
import { contextDigest } from "../lib/contextDigest";

/** The default build context of the app. */
export const DEFAULT_APP_CONTEXT = "app";
const VERSION_TEXT = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export type AppSource =
    | {
          readonly kind: "build";
          /** Build-context folder, relative to the project. */
          readonly context: string;
          /** WEBSTACK_VERSION: the context's VERSION file, else "src-" and 12 hex of its digest. */
          readonly version: string;
          /** Names of the services built from it, in config order. */
          readonly services: readonly string[];
      }
    | {
          readonly kind: "image";
          /** The image reference as configured. */
          readonly ref: string;
          /** WEBSTACK_VERSION: 12 hex of the reference's digest, else its tag ("latest" when none). */
          readonly version: string;
          readonly services: readonly string[];
      };

/** A context folder as one spelling: "./app/" and "app" are the same folder. */
function normalContext(folder: string): string {
    return path.posix.normalize(folder.replace(/\\/g, "/")).replace(/\/+$/, "");
}

/** The source key of a service: "build:<folder>" or "image:<ref>". */
export function sourceKey(service: Pick<ServiceSpec, "app" | "image">): string {
    return service.image !== undefined ? `image:${service.image}` : `build:${normalContext(service.app ?? DEFAULT_APP_CONTEXT)}`;
}

/** The version an image reference names: its digest (12 hex), else its tag, else "latest". */
export function imageVersion(ref: string): string {
    const digest = /@sha256:([0-9a-f]{64})$/.exec(ref);
    if (digest) {
        return digest[1].slice(0, 12);
    }
    const lastPart = ref.slice(ref.lastIndexOf("/") + 1);
    return lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : "latest";
}

/** The version of a build context: its VERSION file (one token) when present, else its digest. */
export function contextVersion(root: string, context: string): string {
    const file = path.join(root, context, "VERSION");
    if (existsSync(file)) {
        const text = readFileSync(file, "utf8").trim();
        if (!VERSION_TEXT.test(text)) {
            throw new Error(`${path.join(context, "VERSION")}: '${text}' is not a version (letters, digits, . _ + -; at most 64)`);
        }
        return text;
    }
    return `src-${contextDigest(root, context, path.join(context, "Dockerfile")).slice(0, 12)}`;
}

/** The distinct sources of `services`, in order of first use. */
export function appSources(services: readonly Pick<ServiceSpec, "name" | "app" | "image">[], root: string): AppSource[] {
    const byKey = new Map<string, { first: Pick<ServiceSpec, "app" | "image">; services: string[] }>();
    for (const s of services) {
        const key = sourceKey(s);
        const entry = byKey.get(key) ?? { first: s, services: [] };
        entry.services.push(s.name);
        byKey.set(key, entry);
    }
    return [...byKey.values()].map(({ first, services: names }) =>
        first.image !== undefined
            ? { kind: "image", ref: first.image, version: imageVersion(first.image), services: names }
            : (() => {
                  const context = normalContext(first.app ?? DEFAULT_APP_CONTEXT);
                  return { kind: "build", context, version: contextVersion(root, context), services: names };
              })(),
    );
}

/** A short name for a source in resource and image names: "" for the default app, else 8 hex of its key. */
export function sourceSlug(source: AppSource): string {
    if (source.kind === "build" && source.context === DEFAULT_APP_CONTEXT) {
        return "";
    }
    const key = source.kind === "build" ? `build:${source.context}` : `image:${source.ref}`;
    return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

const ECR_REF = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9._/-]+?)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

/** The ARN of the private ECR repository an image reference points into; undefined for any other registry. */
export function ecrRepositoryArn(ref: string): string | undefined {
    const m = ECR_REF.exec(ref);
    return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}
