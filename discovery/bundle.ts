// Bundles the discovery sidecar (discovery/main.ts with the AWS SDK and nginx/render.ts) into one file,
// dist/discovery.js, in this folder (the image's build context), as CDK's NodejsFunction does at synth:
// the image then needs only node, no npm install and no registry. Called by the program before the image
// is declared (components/aws/webStack.ts) and by the engine tests.
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";

export const DISCOVERY_CONTEXT = "discovery";
export const BUNDLE_FILE = "dist/discovery.js";

/** Writes the bundle (only when its text changes, so the build context's digest is stable); returns its path. */
export function bundleDiscovery(root: string = path.resolve(__dirname, "..")): string {
    const outfile = path.join(root, DISCOVERY_CONTEXT, BUNDLE_FILE);
    const result = buildSync({
        entryPoints: [path.join(root, DISCOVERY_CONTEXT, "main.ts")],
        bundle: true,
        platform: "node",
        // forky's nodejs (the offline base) and node:22 (the default base) both run ES2022.
        target: "node20",
        format: "cjs",
        minify: false,
        legalComments: "none",
        write: false,
        logLevel: "silent",
        absWorkingDir: root,
    });
    const text = result.outputFiles[0].text;
    if (!existsSync(outfile) || readFileSync(outfile, "utf8") !== text) {
        mkdirSync(path.dirname(outfile), { recursive: true });
        writeFileSync(outfile, text);
    }
    return outfile;
}
