// The Engine API's multiplexed stream (logs and exec of a container without a TTY), split the way
// `docker logs` / `docker exec` split it into their stdout and stderr.
import { demuxFrames } from "../../replay/docker";

const frame = (stream: 0 | 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
};

describe("demuxFrames", () => {
    test.each([
        ["nothing", Buffer.alloc(0), "", ""],
        ["stdout frames", Buffer.concat([frame(1, "a\n"), frame(1, "b\n")]), "a\nb\n", ""],
        [
            "interleaved: each pipe keeps its own order",
            Buffer.concat([frame(1, "o1\n"), frame(2, "e1\n"), frame(1, "o2\n")]),
            "o1\no2\n",
            "e1\n",
        ],
        ["an empty frame", Buffer.concat([frame(1, ""), frame(2, "e\n")]), "", "e\n"],
        ["a frame cut short keeps what arrived", Buffer.concat([frame(1, "a\n"), frame(1, "bcdef").subarray(0, 10)]), "a\nbc", ""],
        ["a TTY's raw stream (no frame header) is all stdout", Buffer.from("plain text\n"), "plain text\n", ""],
        // "é" is 0xc3 0xa9: one byte per frame still decodes as one character.
        ["a character split across frames", Buffer.from([1, 0, 0, 0, 0, 0, 0, 1, 0xc3, 1, 0, 0, 0, 0, 0, 0, 1, 0xa9]), "é", ""],
    ])("%s", (_name, raw, stdout, stderr) => {
        expect(demuxFrames(raw)).toEqual({ stdout, stderr });
    });

    test("a long log (50,000 lines) splits in linear time, where docker-modem's demuxStream overflows the stack", () => {
        const lines = Array.from({ length: 50_000 }, (_, i) => frame(i % 10 === 0 ? 2 : 1, `{"line":${i}}\n`));
        const started = Date.now();
        const out = demuxFrames(Buffer.concat(lines));
        expect(out.stdout.split("\n").length - 1).toBe(45_000);
        expect(out.stderr.split("\n").length - 1).toBe(5_000);
        expect(Date.now() - started).toBeLessThan(2000);
    });
});
