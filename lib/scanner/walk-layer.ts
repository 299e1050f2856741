import crypto from "node:crypto";
import path from "node:path/posix";
import type { Readable } from "node:stream";
import { extract } from "tar-stream";

export type LayerEntry =
  | { kind: "file"; path: string; size: number; content: Buffer | null } // content null: over the size limit
  | { kind: "whiteout"; path: string } // path deleted by this layer
  | { kind: "opaque"; dir: string }; // everything below dir from lower layers deleted

/** Normalises a tar path to an absolute image path: "./etc//x" → "/etc/x". */
export const imagePath = (name: string) => path.normalize(`/${name}`).replace(/\/$/, "") || "/";

/**
 * Streams one layer's tar: regular files (read into memory only up to maxFileBytes), whiteouts and opaque
 * markers, in archive order. Hashes the uncompressed bytes on the way, which is the layer's diffID.
 */
export async function walkLayer(
  tarStream: Readable,
  maxFileBytes: number,
  onEntry: (e: LayerEntry) => Promise<void>,
): Promise<{ diffId: string; bytes: number }> {
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  tarStream.on("data", (c: Buffer) => {
    hash.update(c);
    bytes += c.length;
  });
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("finish", resolve);
    ex.on("error", reject);
    tarStream.on("error", reject);
  });
  ex.on("entry", (header, stream, next) => {
    const p = imagePath(header.name);
    const base = path.basename(p);
    const finish = (work: Promise<void>) =>
      work.then(
        () => next(),
        (e) => next(e),
      );
    if (base === ".wh..wh..opq") {
      stream.resume();
      return finish(onEntry({ kind: "opaque", dir: path.dirname(p) }));
    }
    if (base.startsWith(".wh.")) {
      stream.resume();
      return finish(onEntry({ kind: "whiteout", path: path.join(path.dirname(p), base.slice(4)) }));
    }
    if (header.type !== "file" && header.type !== "contiguous-file") {
      stream.resume();
      return next();
    }
    const size = header.size ?? 0;
    if (size > maxFileBytes) {
      stream.resume();
      return finish(onEntry({ kind: "file", path: p, size, content: null }));
    }
    const parts: Buffer[] = [];
    stream.on("data", (c: unknown) => {
      parts.push(c as Buffer);
    });
    stream.on("end", () => void finish(onEntry({ kind: "file", path: p, size, content: Buffer.concat(parts) })));
    stream.on("error", (e) => next(e));
  });
  tarStream.pipe(ex);
  await done;
  return { diffId: `sha256:${hash.digest("hex")}`, bytes };
}
