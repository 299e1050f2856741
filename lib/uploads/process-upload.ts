import { EventEmitter } from "node:events";
import type { Actor } from "../access/actor";
import { getDb } from "../db";
import { emitWebhookEvents } from "../webhooks/emit";
import { toErrorBody } from "../errors";
import { ingestScan } from "../ingest/ingest-scan";
import { uploadScanQuerySchema, type IngestResult } from "../ingest/schemas";
import { CHUNK_BYTES, restoreChunks } from "./chunks";
import { createSpoolFile } from "./spool-dir";

export type UploadOutcome = "complete" | "failed" | "gone";

/** Told the id of each upload this process finished: a request waiting on it here answers at once. */
// Process-wide: the worker that finishes it and the route that waits are bundled apart by Next.js.
export const uploadsFinished: EventEmitter = ((
  globalThis as { __residueUploadsFinished?: EventEmitter }
).__residueUploadsFinished ??= new EventEmitter().setMaxListeners(0));

/**
 * The ingest job's work: the upload's parts restored to this worker's private spool file, then ingested as one
 * transaction under the upload's id (lib/ingest/ingest-scan.ts). A report the parsers refuse fails the upload with
 * the reason a synchronous answer would have given; anything else throws, and the queue runs the job again (a
 * worker that died mid-ingest left nothing, its transaction never committed). Ends by deleting the parts.
 */
export async function processUpload(uploadId: string): Promise<UploadOutcome> {
  const [upload] = await getDb().$queryRaw<{ query: unknown; uploader: Actor; sha256: string; sizeBytes: number }[]>`
    UPDATE "Upload" SET status = 'running', phase = 'read', attempts = attempts + 1, "startedAt" = now()
    WHERE id = ${uploadId} AND status IN ('pending', 'running')
    RETURNING query, uploader, sha256, "sizeBytes"`;
  if (!upload) return "gone"; // finished by an earlier run of this job, or never completed its receipt
  const spool = createSpoolFile();
  try {
    const size = await restoreChunks(uploadId, spool.file, upload.sizeBytes);
    const result = await ingestScan({
      ...uploadScanQuerySchema.parse(upload.query),
      content: { file: spool.file, size, sha256: upload.sha256 },
      uploader: upload.uploader,
      scanId: uploadId,
      // Only a report of several parts takes long enough for its phases to be worth a write each.
      progress: async ({ phase, findings }) => {
        if (upload.sizeBytes <= CHUNK_BYTES) return;
        await getDb().$executeRaw`
          UPDATE "Upload" SET phase = ${phase}, findings = COALESCE(${findings ?? null}::int, findings) WHERE id = ${uploadId}`;
      },
    });
    await finishUpload(uploadId, { status: "complete", result });
    return "complete";
  } catch (e) {
    const { status, body } = toErrorBody(e);
    if (status >= 500) throw e; // not the report's fault: run again
    await finishUpload(uploadId, { status: "failed", errorCode: body.code, errorMessage: body.message });
    return "failed";
  } finally {
    spool.remove();
  }
}

/**
 * Records how an upload ended and deletes its parts, in one transaction; a failure is also a `scan.failed` event.
 * Only an upload still pending or running ends: a dead letter arriving after the ingest completed changes nothing.
 */
export async function finishUpload(
  uploadId: string,
  end: { status: "complete"; result: IngestResult } | { status: "failed"; errorCode: string; errorMessage: string },
): Promise<void> {
  const result = end.status === "complete" ? JSON.stringify(end.result) : null;
  const [code, message] = end.status === "failed" ? [end.errorCode, end.errorMessage] : [null, null];
  await getDb().$transaction(async (tx) => {
    const ended = await tx.$queryRaw<{ id: string; query: unknown }[]>`
      UPDATE "Upload" SET status = ${end.status}::"UploadStatus", phase = 'done', "finishedAt" = now(),
        result = ${result}::jsonb, "errorCode" = ${code}, "errorMessage" = ${message}
      WHERE id = ${uploadId} AND status IN ('pending', 'running')
      RETURNING id, query`;
    await tx.$executeRaw`DELETE FROM "UploadChunk" WHERE "uploadId" = ${uploadId}`;
    if (ended.length && end.status === "failed")
      await emitWebhookEvents(
        tx,
        "scan.failed",
        [
          {
            subjectId: uploadId,
            payload: { uploadId, code: end.errorCode, message: end.errorMessage, query: ended[0]!.query as object },
          },
        ],
        new Date(),
      );
  });
  uploadsFinished.emit(uploadId);
}
