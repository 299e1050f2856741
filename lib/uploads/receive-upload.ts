import type { Actor } from "../access/actor";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { contentKey, duplicateOf } from "../ingest/ingest-scan";
import { uploadScanQuerySchema, type IngestResult, type UploadScanQuery } from "../ingest/schemas";
import { chunkSink } from "./chunks";

type ReceivedReport = { size: number; sha256: string; fields: Record<string, string> };

/**
 * An upload from its first byte to its place in the queue: a record in `receiving` state, the report's bytes
 * stored as they arrive (`read` streams them into the sink it is given), then either the stored scan of the same
 * bytes (a duplicate: answered at once, the record deleted) or the record `pending`, with its query, for the
 * ingest job. Any failure deletes the record and the parts received.
 */
export async function receiveUpload(opts: {
  uploader: Actor;
  searchParams: Record<string, string>;
  read: (sink: ReturnType<typeof chunkSink>) => Promise<ReceivedReport>;
}): Promise<{ duplicate: IngestResult } | { uploadId: string }> {
  // The query string is checked before a byte is stored: a wrong `format` is refused without reading the body.
  uploadScanQuerySchema.parse(opts.searchParams);
  const upload = await getDb().upload.create({
    data: { query: {}, uploader: opts.uploader },
    select: { id: true },
  });
  try {
    const report = await opts.read(chunkSink(upload.id));
    if (!report.size) throw new ResidueError("bad_request", "The report is empty.");
    const query: UploadScanQuery = uploadScanQuerySchema.parse({ ...report.fields, ...opts.searchParams });
    const key = contentKey(query, report.sha256);
    const known = await duplicateOf(key);
    if (known) {
      await discardUpload(upload.id);
      return { duplicate: known };
    }
    await getDb().upload.update({
      where: { id: upload.id },
      data: {
        status: "pending",
        phase: "queued",
        query,
        sizeBytes: report.size,
        sha256: report.sha256,
        contentSha256: key,
      },
    });
    return { uploadId: upload.id };
  } catch (e) {
    await discardUpload(upload.id).catch(() => undefined);
    throw e;
  }
}

const discardUpload = (id: string) => getDb().upload.delete({ where: { id } }); // its parts go with it (cascade)
