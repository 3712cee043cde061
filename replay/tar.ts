// One-file tar archives with tar-stream: what the provider sends to PUT /containers/{id}/archive for an
// upload, and what GET /containers/{id}/archive (`docker cp <container>:<file> -`) sends back.
import * as tar from "tar-stream";

/**
 * A tar stream holding `content` at `file` (leading "/" dropped, as the provider writes it) with permission
 * bits `mode`, owned by `uid`:`gid` (default root), mtime now.
 */
export async function tarFile(file: string, content: Buffer, mode: number, uid = 0, gid = 0): Promise<Buffer> {
    const pack = tar.pack();
    pack.entry({ name: file.replace(/^\/+/, ""), mode, uid, gid, mtime: new Date(), type: "file" }, content);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) {
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
}

/** The content of the first regular file in a tar stream (or buffer). */
export async function untarFirstFile(archive: Buffer | NodeJS.ReadableStream): Promise<Buffer> {
    const extract = tar.extract();
    const source = Buffer.isBuffer(archive) ? null : archive;
    if (source) {
        source.pipe(extract);
    } else {
        extract.end(archive);
    }
    let first: Buffer | undefined;
    // Read to the end (an archive from the engine is one small file): the response is then fully consumed.
    for await (const entry of extract) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) {
            chunks.push(chunk as Buffer);
        }
        if (first === undefined && entry.header.type === "file") {
            first = Buffer.concat(chunks);
        }
    }
    if (first === undefined) {
        throw new Error("no file in the tar stream");
    }
    return first;
}
