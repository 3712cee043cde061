// Reading `pulumi preview --json` (pulumi/pulumi pkg/backend/display/json.go, sdk/go/auto/stack.go
// PreviewStep) for the real-CLI suite, and the upload tar the replay sends (kreuzwerker
// resource_docker_container_funcs.go: one tar entry at the declared path, mode 0644 / 0744).
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { planLines, previewLines, replacementOrder, urnTypeName } from "../support/previewJson";
import { tarFile } from "../../replay/tar";

const C = "docker:index/container:Container";
const urn = (type: string, name: string, parent = "webstack:local:WebStack$webstack:local:Nginx") =>
    `urn:pulumi:dev::webstack::${parent}$${type}::${name}`;

describe("preview digest", () => {
    const digest = {
        steps: [
            { op: "same", urn: "urn:pulumi:dev::webstack::pulumi:pulumi:Stack::webstack-dev" },
            { op: "create", urn: "urn:pulumi:dev::webstack::pulumi:providers:docker::default_5_2_0" },
            { op: "create", urn: "urn:pulumi:dev::webstack::webstack:local:WebStack::webstack" },
            { op: "replace", urn: urn(C, "webstack-nginx") },
            { op: "create", urn: urn(C, "webstack-application2-2", "webstack:local:WebStack$webstack:local:AppService") },
            { op: "delete", urn: urn(C, "webstack-old") },
        ],
    };

    test("type and name from a URN with parent types", () => {
        expect(urnTypeName(urn(C, "webstack-nginx"))).toEqual({ type: C, name: "webstack-nginx" });
    });

    test("only custom resources' create/update/replace/delete, sorted, like the replay plan's lines", () => {
        expect(previewLines(digest)).toEqual([
            `create ${C} webstack-application2-2`,
            `delete ${C} webstack-old`,
            `replace ${C} webstack-nginx`,
        ]);
        expect(
            planLines({
                steps: [
                    { op: "replace", type: C, name: "webstack-nginx", changedKeys: ["envs"] },
                    { op: "delete", type: C, name: "webstack-old", changedKeys: [] },
                    { op: "create", type: C, name: "webstack-application2-2", changedKeys: [] },
                ],
                counts: { create: 1, delete: 1, update: 0, replace: 1, same: 0 },
            }),
        ).toEqual(previewLines(digest));
    });

    test.each([
        ["delete-replaced", "create-replacement", true],
        ["create-replacement", "delete-replaced", false],
    ])("with replacement steps, %s then %s -> delete before replace: %s", (first, second, dbr) => {
        const steps = [first, "replace", second].map((op) => ({ op, urn: urn(C, "x") }));
        expect(replacementOrder({ steps }).get(`${C} x`)).toBe(dbr);
    });
});

describe("upload tar", () => {
    test.each([
        [0o644, "-rw-r--r--"],
        [0o744, "-rwxr--r--"],
    ])("one entry at the path, mode %s, owned by root", async (mode, text) => {
        const dir = mkdtempSync(path.join(tmpdir(), "webstack-tar-"));
        try {
            writeFileSync(path.join(dir, "a.tar"), await tarFile("/etc/nginx/conf.d/x.conf", Buffer.from("hello\n"), mode));
            const listing = execFileSync("tar", ["-tvf", path.join(dir, "a.tar"), "--numeric-owner"], { encoding: "utf8" }).trim();
            expect(listing).toMatch(new RegExp(`^${text.replace(/-/g, "\\-")} 0/0 +6 .* etc/nginx/conf.d/x.conf$`));
            expect(execFileSync("tar", ["-xOf", path.join(dir, "a.tar")], { encoding: "utf8" })).toBe("hello\n");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
