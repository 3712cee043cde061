// app/gunicorn.conf.py sends a response's head in the same write as its body, so a replica killed
// mid-response leaves nginx with nothing it has started to relay (it retries another replica) rather
// than a head without its body (the client's request fails). Real Gunicorn objects, in the offline base.
import { execFileSync } from "child_process";
import * as path from "path";
import { OFFLINE_BASES } from "../../replay/stackFile";
import { ROOT, describeEngine } from "../support/engine";

describeEngine("Gunicorn writes the head with the body", () => {
    let writes: { GET: string[]; HEAD: string[] };
    beforeAll(() => {
        const out = execFileSync(
            "docker",
            [
                "run",
                "--rm",
                "--network",
                "none",
                "-v",
                `${path.join(ROOT, "app")}:/app:ro`,
                "-v",
                `${path.join(__dirname, "py")}:/t:ro`,
                "--entrypoint",
                "python3",
                OFFLINE_BASES.appBaseImage,
                "/t/head_with_body.py",
            ],
            { encoding: "utf8" },
        );
        writes = JSON.parse(out.trim().split("\n").pop()!) as { GET: string[]; HEAD: string[] };
    });

    test("a GET is one write: status line, headers and body", () => {
        expect(writes.GET).toHaveLength(1);
        expect(writes.GET[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello$/);
    });

    test("a HEAD still gets its head, once", () => {
        expect(writes.HEAD).toHaveLength(1);
        expect(writes.HEAD[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 5\r\n\r\n$/);
    });
});
