import crypto from "node:crypto";
import { Readable, Transform, type TransformCallback, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import Busboy from "busboy";
import { envNumber } from "../../env-number";
import { ResidueError } from "../../errors";

export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export const maxUploadBytes = () => envNumber("RESIDUE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES);

/** What was received: the decompressed report's size and SHA-256 (its bytes went to the sink), and the form fields. */
export type ReceivedReport = { size: number; sha256: string };
export type Upload = { report: ReceivedReport; fields: Record<string, string>; filename?: string };

// Content-Encoding values this reader decodes; anything else would be ingested as compressed bytes.
const GZIP_ENCODING = /^(x-)?gzip$/i;
const IDENTITY_ENCODING = /^(identity)?$/i;

/**
 * Reads a report from a request: a raw body or the `file` part of multipart/form-data (other parts become fields),
 * gunzipped when sent with Content-Encoding: gzip or when the bytes are gzip. The limit applies to the
 * decompressed size and is enforced while streaming, so an oversized or zip-bomb upload is cut off early, in
 * every body form. The report's bytes go to `sink` as they arrive (memory stays flat whatever its size); on a
 * failure the caller discards what the sink kept.
 */
export async function readUpload(req: Request, sink: Writable, limit = maxUploadBytes()): Promise<Upload> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const encoding = (req.headers.get("content-encoding") ?? "").trim();
  if (!GZIP_ENCODING.test(encoding) && !IDENTITY_ENCODING.test(encoding)) {
    throw new ResidueError(
      "unsupported_encoding",
      `Content-Encoding "${encoding.slice(0, 40)}" is not supported: send the report as is or gzip-compressed.`,
    );
  }
  if (!req.body)
    throw new ResidueError(
      "bad_request",
      "The request has no body: send the report as the body or as a multipart `file` part.",
    );
  const type = req.headers.get("content-type") ?? "";
  const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
  try {
    if (/^multipart\/form-data/i.test(type)) return await readMultipart(body, type, limit, sink);
    return { report: await receive(body, GZIP_ENCODING.test(encoding), limit, sink), fields: {} };
  } catch (e) {
    body.destroy();
    sink.destroy();
    throw e;
  }
}

async function readMultipart(body: Readable, contentType: string, limit: number, sink: Writable): Promise<Upload> {
  let bb: ReturnType<typeof Busboy>;
  try {
    bb = Busboy({
      headers: { "content-type": contentType },
      // Import clients send a dozen context fields beside the file (DefectDojo's engagement, product, tags, …).
      limits: { files: 1, fields: 40, fieldSize: 4096, fileSize: limit + 1 },
    });
  } catch {
    throw new ResidueError("bad_request", "Malformed multipart body: the Content-Type has no boundary.");
  }
  const fields: Record<string, string> = {};
  let filename: string | undefined;
  let file: Promise<ReceivedReport> | undefined;
  // The first failure ends the whole read: a file part cut off by the limit must not leave busboy waiting for a
  // stream nobody reads (that was a hang, and the spool file stayed behind).
  return new Promise<Upload>((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      body.unpipe(bb);
      body.destroy();
      bb.destroy();
      reject(e instanceof ResidueError ? e : new ResidueError("bad_request", "Malformed multipart body."));
    };
    bb.on("field", (name, value) => {
      fields[name] = value;
    });
    bb.on("file", (name, stream, info) => {
      if (name !== "file" || file) {
        stream.resume();
        return;
      }
      filename = info.filename;
      file = receive(stream, /gzip/i.test(info.mimeType) || /\.gz$/i.test(info.filename ?? ""), limit, sink);
      file.catch(fail);
    });
    bb.on("error", fail);
    body.on("error", fail);
    bb.on("close", () => {
      if (!file) return fail(new ResidueError("bad_request", "The multipart body has no `file` part."));
      file.then((report) => {
        if (settled) return;
        settled = true;
        resolve({ report, fields, filename });
      }, fail);
    });
    body.pipe(bb);
  });
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

/** Streams the (maybe gzipped) body to the sink, hashing and counting the decompressed bytes on the way. */
async function receive(stream: Readable, gzipHint: boolean, limit: number, sink: Writable): Promise<ReceivedReport> {
  const hash = crypto.createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
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
    if (gzip) await pipeline(source, new Limit(limit), zlib.createGunzip(), new Limit(limit), tap, sink);
    else await pipeline(source, new Limit(limit), tap, sink);
  } catch (e) {
    if (e instanceof ResidueError) throw e;
    throw new ResidueError(
      "bad_request",
      gzip ? "The gzip stream is corrupt or truncated." : "The upload was interrupted.",
    );
  }
  return { size, sha256: hash.digest("hex") };
}

function tooLarge(limit: number) {
  return new ResidueError(
    "payload_too_large",
    `The report is larger than the ${Math.round(limit / 1024 / 1024)} MB limit (RESIDUE_MAX_UPLOAD_BYTES).`,
  );
}
