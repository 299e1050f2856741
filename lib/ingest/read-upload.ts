import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import Busboy from "busboy";
import { ResidueError } from "../errors";

export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export function maxUploadBytes(): number {
  const n = Number(process.env.RESIDUE_MAX_UPLOAD_BYTES ?? DEFAULT_MAX_UPLOAD_BYTES);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_UPLOAD_BYTES;
}

export type Upload = { content: Buffer; fields: Record<string, string>; filename?: string };

/**
 * Reads a report from a request: a raw body or the `file` part of multipart/form-data (other parts become fields),
 * gunzipped when sent with Content-Encoding: gzip or when the bytes are gzip. The limit applies to the
 * decompressed size and is enforced while streaming, so an oversized or zip-bomb upload is cut off early.
 */
export async function readUpload(req: Request, limit = maxUploadBytes()): Promise<Upload> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) throw new ResidueError("bad_request", "The request has no body: send the report as the body or as a multipart `file` part.");
  const type = req.headers.get("content-type") ?? "";
  const gzipHeader = /gzip/i.test(req.headers.get("content-encoding") ?? "");
  const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
  if (/^multipart\/form-data/i.test(type)) return readMultipart(body, type, limit);
  return { content: await collect(body, gzipHeader, limit), fields: {} };
}

async function readMultipart(body: Readable, contentType: string, limit: number): Promise<Upload> {
  const fields: Record<string, string> = {};
  let file: Promise<Buffer> | undefined;
  let filename: string | undefined;
  const bb = Busboy({ headers: { "content-type": contentType }, limits: { files: 1, fields: 10, fieldSize: 4096, fileSize: limit + 1 } });
  bb.on("field", (name, value) => {
    fields[name] = value;
  });
  bb.on("file", (name, stream, info) => {
    if (name !== "file" || file) {
      stream.resume();
      return;
    }
    filename = info.filename;
    file = collect(stream, /gzip/i.test(info.mimeType) || /\.gz$/i.test(info.filename ?? ""), limit);
    file.catch(() => stream.resume());
  });
  try {
    await pipeline(body, bb);
  } catch {
    throw new ResidueError("bad_request", "Malformed multipart body.");
  }
  if (!file) throw new ResidueError("bad_request", "The multipart body has no `file` part.");
  return { content: await file, fields, filename };
}

class Limit extends Transform {
  size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.limit) cb(tooLarge(this.limit));
    else cb(null, chunk);
  }
}

async function collect(stream: Readable, gzipHint: boolean, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Transform({
    transform(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  // Peek at the first bytes: gzip magic 1f 8b means compressed even without the header.
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value as Buffer);
  const gzip = gzipHint || (head !== undefined && head[0] === 0x1f && head[1] === 0x8b);
  const source = Readable.from(
    (async function* () {
      if (head) yield head;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value as Buffer;
    })(),
  );
  try {
    if (gzip) await pipeline(source, new Limit(limit), zlib.createGunzip(), new Limit(limit), sink);
    else await pipeline(source, new Limit(limit), sink);
  } catch (e) {
    if (e instanceof ResidueError) throw e;
    throw new ResidueError("bad_request", gzip ? "The gzip stream is corrupt or truncated." : "The upload was interrupted.");
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number) {
  return new ResidueError("payload_too_large", `The report is larger than the ${Math.round(limit / 1024 / 1024)} MB limit (RESIDUE_MAX_UPLOAD_BYTES).`);
}
