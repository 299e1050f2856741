import { getDb } from "../db";

/** Receipts a replica died in the middle of are given this long (a 200 MB upload over a slow link included). */
const RECEIVING_FOR = "1 hour";
/** Upload records (their status URLs) are kept this long after they end; their parts went when they ended. */
const KEEP_ENDED = "30 days";
/** Heartbeats of workers not heard from in this long are dropped (health shows the live ones). */
const KEEP_SILENT_WORKERS = "1 day";

/**
 * Housekeeping for uploads, as a recurring job: receipts abandoned by a replica that died are deleted (with their
 * parts), ended uploads past their retention are deleted, and the ids of pending uploads that have waited a minute
 * are returned so the caller queues them again (their queueing may have been lost with the replica that took them).
 */
export async function sweepUploads(requeue: (uploadId: string) => Promise<void>): Promise<{ requeued: number }> {
  const db = getDb();
  await db.$executeRawUnsafe(
    `DELETE FROM "Upload" WHERE status = 'receiving' AND "createdAt" < now() - interval '${RECEIVING_FOR}'`,
  );
  await db.$executeRawUnsafe(
    `DELETE FROM "Upload" WHERE status IN ('complete', 'failed') AND "finishedAt" < now() - interval '${KEEP_ENDED}'`,
  );
  await db.$executeRawUnsafe(
    `DELETE FROM "WorkerHeartbeat" WHERE "beatAt" < now() - interval '${KEEP_SILENT_WORKERS}'`,
  );
  const waiting = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Upload" WHERE status = 'pending' AND "createdAt" < now() - interval '1 minute' ORDER BY "createdAt" LIMIT 1000`;
  for (const { id } of waiting) await requeue(id); // queued once however often: the job's singleton key is the id
  return { requeued: waiting.length };
}
