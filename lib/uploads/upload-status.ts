import { once } from "node:events";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { ingestResultSchema, type IngestResult } from "../ingest/schemas";
import { uploadsFinished } from "./process-upload";
import type { UploadPhase } from "../vocabulary/upload-phase";
import type { ProcessingStatus, UploadView } from "./schemas";

export type { UploadView } from "./schemas";

type Row = {
  id: string;
  status: "receiving" | ProcessingStatus;
  phase: UploadPhase;
  sizeBytes: number;
  findings: number | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: IngestResult | null;
  errorCode: string | null;
  errorMessage: string | null;
};

export const uploadUrl = (id: string) => `/api/v1/scans/${id}`;

/**
 * An upload's status by its id (which its scan shares). A scan ingested without an upload record (the CLI, the
 * demo, records past their retention) reads as complete.
 */
export async function getUploadStatus(id: string): Promise<UploadView> {
  const [u] = await getDb().$queryRaw<Row[]>`
    SELECT id, status, phase, "sizeBytes", findings, attempts, "createdAt", "startedAt", "finishedAt", result,
           "errorCode", "errorMessage"
    FROM "Upload" WHERE id = ${id}`;
  if (u) return view(u);
  const scan = await getDb().scan.findUnique({
    where: { id },
    select: { id: true, sizeBytes: true, findingsCount: true, createdAt: true, finishedAt: true },
  });
  if (!scan) throw new ResidueError("not_found", `No upload or scan has the id "${id.slice(0, 64)}".`);
  return {
    id,
    processing_status: "complete",
    phase: "done",
    bytes: scan.sizeBytes,
    findings: scan.findingsCount,
    attempts: 1,
    created_at: scan.createdAt.toISOString(),
    started_at: scan.createdAt.toISOString(),
    finished_at: (scan.finishedAt ?? scan.createdAt).toISOString(),
    url: uploadUrl(id),
  };
}

function view(u: Row): UploadView {
  return {
    id: u.id,
    processing_status: u.status === "receiving" ? "pending" : u.status,
    phase: u.phase,
    bytes: u.sizeBytes,
    findings: u.findings,
    attempts: u.attempts,
    created_at: u.createdAt.toISOString(),
    started_at: u.startedAt?.toISOString() ?? null,
    finished_at: u.finishedAt?.toISOString() ?? null,
    // Parsed again: the JSON column keeps no key order, the schema gives the synchronous answer's.
    ...(u.result ? { result: ingestResultSchema.parse(u.result) } : {}),
    ...(u.errorCode ? { error: { code: u.errorCode, message: u.errorMessage ?? "" } } : {}),
    url: uploadUrl(u.id),
  };
}

/**
 * Waits up to `ms` for an upload to end: at once when this process's worker finishes it, else noticed by polling
 * (another process's worker), more slowly as the wait goes on. Returns the status as it then is.
 */
export async function waitForUpload(id: string, ms: number): Promise<UploadView> {
  const deadline = Date.now() + ms;
  // It was just queued: wait before the first look (a worker here says when it is done).
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    const left = deadline - Date.now();
    if (left > 0) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), Math.min(pause, left));
      await once(uploadsFinished, id, { signal: ac.signal }).catch(() => undefined);
      clearTimeout(timer);
    }
    const status = await getUploadStatus(id);
    if (status.processing_status === "complete" || status.processing_status === "failed" || Date.now() >= deadline)
      return status;
  }
}
