import { PassThrough, Transform, type Readable } from "node:stream";
import zlib from "node:zlib";
import { Decompress } from "fzstd";

export type Compression = "gzip" | "zstd" | "none";

export function sniffCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  return "none";
}

/** Streaming zstd (Node 20's zlib has none): fzstd's incremental decoder behind a Transform. */
function zstdStream(): Transform {
  // The decoder's callback runs only from decoder.push, after `out` exists.
  const decoder = new Decompress((chunk) => out.push(Buffer.from(chunk)));
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        decoder.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        decoder.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  return out;
}

/** Decompresses a layer blob whatever its compression, detected from its first bytes (media types lie). */
export async function decompressed(blob: Readable): Promise<{ stream: Readable; compression: Compression }> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const onReadable = () => {
      const chunk: Buffer | null = blob.read(4) ?? blob.read();
      if (chunk === null) return;
      cleanup();
      blob.unshift(chunk);
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.alloc(0));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      blob.off("readable", onReadable);
      blob.off("end", onEnd);
      blob.off("error", onError);
    };
    blob.on("readable", onReadable);
    blob.once("end", onEnd);
    blob.once("error", onError);
  });
  const compression = head.length >= 4 ? sniffCompression(head) : "none";
  const through =
    compression === "gzip" ? zlib.createGunzip() : compression === "zstd" ? zstdStream() : new PassThrough();
  blob.on("error", (e) => through.destroy(e));
  return { stream: blob.pipe(through), compression };
}
