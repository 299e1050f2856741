import { z } from "zod";
import type { Actor } from "../../access/actor";
import { ERROR_STATUS, ResidueError, type ErrorCode } from "../../errors";
import type { IngestResult } from "../../ingest/schemas";
import { enqueueIngest } from "../../jobs/enqueue";
import { receiveUpload } from "../../uploads/receive-upload";
import { getUploadStatus, uploadUrl, waitForUpload, type UploadView } from "../../uploads/upload-status";
import { readUpload } from "./read-upload";

/** `?wait=N`: answer as the upload ends, if it does within N seconds (at most 60); 0 (the default) answers at once. */
export const MAX_WAIT_SECONDS = 60;
const waitSchema = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .describe("Seconds to wait for the ingest to end before answering 202."),
});

export type UploadAnswer =
  { status: 200 | 201; body: IngestResult } | { status: 202; body: UploadView; location: string };

/**
 * An upload request (raw or multipart) through to the queue; shared by the API and the dashboard's upload page.
 * A report Residue has already ingested is answered at once (200, duplicate). Otherwise 202 with the status URL,
 * or, asked to wait, the ingest's own answer: 201 with its result, or the error a parser gave (4xx).
 */
export async function acceptUpload(opts: {
  req: Request;
  searchParams: Record<string, string>;
  uploader: Actor;
  /** Turns another API's multipart fields into Residue's upload parameters (the DefectDojo-style import). */
  mapFields?: (fields: Record<string, string>) => Record<string, string>;
}): Promise<UploadAnswer> {
  const { wait: waitParam, ...searchParams } = opts.searchParams;
  const { wait } = waitSchema.parse({ wait: waitParam });
  const received = await receiveUpload({
    uploader: opts.uploader,
    searchParams,
    read: async (sink) => {
      const upload = await readUpload(opts.req, sink);
      return { ...upload.report, fields: opts.mapFields ? opts.mapFields(upload.fields) : upload.fields };
    },
  });
  if ("duplicate" in received) return { status: 200, body: received.duplicate };
  const id = received.uploadId;
  await enqueueIngest(id);
  const status = wait ? await waitForUpload(id, wait * 1000) : await getUploadStatus(id);
  if (status.processing_status === "complete" && status.result)
    return { status: status.result.duplicate ? 200 : 201, body: status.result };
  if (status.processing_status === "failed" && status.error) {
    const code = (status.error.code in ERROR_STATUS ? status.error.code : "internal") as ErrorCode;
    throw new ResidueError(code, status.error.message);
  }
  return { status: 202, body: status, location: uploadUrl(id) };
}

/** The answer as HTTP: JSON, with Location on a 202. */
export function uploadResponse(answer: UploadAnswer): Response {
  const headers: Record<string, string> = answer.status === 202 ? { location: answer.location } : {};
  return Response.json(answer.body, { status: answer.status, headers });
}
