// One-file tar archive (ustar), what the provider sends to PUT /containers/{id}/archive for an upload.
/** A tar stream holding `content` at `file` with permission bits `mode`, owned by `uid`:`gid` (default root). */
export function tarFile(file: string, content: Buffer, mode: number, uid = 0, gid = 0): Buffer {
    const header = Buffer.alloc(512, 0);
    const name = file.replace(/^\/+/, "");
    if (Buffer.byteLength(name) > 100) {
        throw new Error(`upload path too long for a plain tar header: ${file}`);
    }
    const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, "0") + "\0";
    header.write(name, 0, 100, "utf8");
    header.write(octal(mode, 8), 100, 8, "ascii");
    header.write(octal(uid, 8), 108, 8, "ascii");
    header.write(octal(gid, 8), 116, 8, "ascii");
    header.write(octal(content.length, 12), 124, 12, "ascii");
    header.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, "ascii");
    header.write("        ", 148, 8, "ascii");
    header.write("0", 156, 1, "ascii");
    header.write("ustar\u000000", 257, 8, "ascii");
    let sum = 0;
    for (const byte of header) {
        sum += byte;
    }
    header.write(octal(sum, 7) + " ", 148, 8, "ascii");
    const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
    return Buffer.concat([header, content, pad, Buffer.alloc(1024, 0)]);
}

/** The content of the first file in a tar stream (what `docker cp <container>:<file> -` writes). */
export function untarFirstFile(tar: Buffer): Buffer {
    for (let at = 0; at + 512 <= tar.length;) {
        const header = tar.subarray(at, at + 512);
        if (header.every((b) => b === 0)) {
            break;
        }
        const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
        const type = header.toString("ascii", 156, 157);
        if (type === "0" || type === "\0") {
            return tar.subarray(at + 512, at + 512 + size);
        }
        at += 512 + Math.ceil(size / 512) * 512;
    }
    throw new Error("no file in the tar stream");
}
