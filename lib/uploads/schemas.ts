import { z } from "zod";
import { ingestResultSchema } from "../ingest/schemas";
import { UPLOAD_PHASE_IDS } from "../vocabulary/upload-phase";

/** An upload's (and its scan's) id as it appears in a status URL. */
export const uploadIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "an upload id is letters, digits and dashes");

/** GitHub's words for an upload's progress (code scanning's `processing_status`). */
export const PROCESSING_STATUSES = ["pending", "running", "complete", "failed"] as const;

export const uploadViewSchema = z.object({
  id: z.string().describe("The upload's id, which the scan it becomes shares."),
  processing_status: z.enum(PROCESSING_STATUSES),
  phase: z.enum(UPLOAD_PHASE_IDS).describe(UPLOAD_PHASE_IDS.join(", ")),
  bytes: z.number().int().describe("Bytes of the (decompressed) report received."),
  findings: z.number().int().nullable().describe("Findings parsed, once known."),
  attempts: z.number().int().describe("Runs of the ingest job so far (a worker that died is followed by another)."),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  result: ingestResultSchema.optional().describe("Once complete: what POST answers when asked to wait."),
  error: z
    .object({ code: z.string(), message: z.string() })
    .optional()
    .describe("Once failed: the answer a synchronous upload would have had."),
  url: z.string().describe("This status, to poll."),
});
export type UploadView = z.infer<typeof uploadViewSchema>;
export type ProcessingStatus = UploadView["processing_status"];
