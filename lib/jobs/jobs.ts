import type PgBoss from "pg-boss";
import { storeTrendWeeks } from "../compliance/trends";
import { complianceQuerySchema } from "../compliance/schemas";
import { flagOverdueSteps } from "../remediation/flag-overdue-steps";
import { reopenExpiredRisks } from "../triage/reopen-expired-risks";
import { finishUpload, processUpload } from "../uploads/process-upload";
import { sweepUploads } from "../uploads/sweep-uploads";
import { envNumber } from "../env-number";

type Job = {
  /** The queue's name in pg-boss. */
  name: string;
  /** Queue options: retries with backoff, how long a run may take before it counts as dead, where failures go. */
  queue: Omit<PgBoss.Queue, "name">;
  /** A cron schedule (UTC, minute resolution) for recurring work. */
  cron?: string;
  /** How many run at once in one worker process. */
  concurrency?: number;
  /** How often an idle worker looks for one (a worker in the process that queued it is woken at once). 15 s by default. */
  pollSeconds?: number;
  /** The work; `boss` for jobs that queue others. */
  run: (data: Record<string, unknown>, boss: PgBoss) => Promise<unknown>;
};

// One of each recurring job queued or running at a time: a slow run is not stacked on.
const RECURRING = { policy: "stately", retryLimit: 2, retryDelay: 30, expireInSeconds: 15 * 60 } as const;

async function storeDefaultTrendWeeks() {
  const { weeks } = complianceQuerySchema.parse({});
  for (const groupBy of ["registry", "repository"] as const)
    await storeTrendWeeks({ weeks, groupBy, asOf: new Date() });
}

/**
 * Every job Residue runs. Reads never write: what time changes (an accepted risk reaching its date) is shown by the
 * reads already, and recorded by these.
 */
export const JOBS = {
  ingest: {
    name: "ingest-upload",
    // stately with the upload id as singleton key: queueing an upload again while it is queued adds nothing.
    queue: {
      policy: "stately",
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      // A worker killed mid-ingest holds its job until this passes; then the job runs again elsewhere.
      expireInSeconds: envNumber("RESIDUE_INGEST_TIMEOUT_SECONDS", 30 * 60),
      deadLetter: "ingest-upload-failed",
    },
    concurrency: Math.max(1, Math.min(8, envNumber("RESIDUE_INGEST_CONCURRENCY", 2))),
    pollSeconds: 0.5, // picked up within half a second from any process
    run: ({ uploadId }) => processUpload(String(uploadId)),
  },
  ingestFailed: {
    // Where an ingest goes once its retries are spent: the upload is marked failed, so its status URL says so.
    name: "ingest-upload-failed",
    queue: { retryLimit: 5, retryDelay: 10 },
    run: ({ uploadId }) =>
      finishUpload(String(uploadId), {
        status: "failed",
        errorCode: "internal",
        errorMessage: "The report could not be processed after several attempts; the worker's log has the cause.",
      }),
  },
  reopenExpiredRisks: {
    name: "reopen-expired-risks",
    queue: RECURRING,
    cron: "* * * * *",
    run: () => reopenExpiredRisks(),
  },
  // The weeks the compliance page shows by default, by registry and by repository: read as stored afterwards.
  flagOverdueSteps: { name: "flag-overdue-steps", queue: RECURRING, cron: "* * * * *", run: () => flagOverdueSteps() },
  storeTrendWeeks: { name: "store-trend-weeks", queue: RECURRING, cron: "*/10 * * * *", run: storeDefaultTrendWeeks },
  // Also as each week ends (Monday 00:00 UTC), so the first view of the new week finds it stored.
  storeEndedWeek: {
    name: "store-trend-weeks-at-week-end",
    queue: RECURRING,
    cron: "0 0 * * 1",
    run: storeDefaultTrendWeeks,
  },
  sweepUploads: {
    name: "sweep-uploads",
    queue: RECURRING,
    cron: "* * * * *",
    run: (_, boss) => sweepUploads((uploadId) => sendIngest(boss, uploadId)),
  },
} satisfies Record<string, Job>;

export const JOB_LIST: Job[] = Object.values(JOBS);

/** Queues an upload's ingest; queued again while it waits, it adds nothing (the singleton key is the upload id). */
export async function sendIngest(boss: PgBoss, uploadId: string): Promise<void> {
  await boss.send(JOBS.ingest.name, { uploadId }, { singletonKey: uploadId });
}
