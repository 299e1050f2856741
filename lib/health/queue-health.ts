import { getDb } from "../db";

export type QueueHealth = {
  /** Jobs waiting to run (queued or waiting to retry), by queue and in all. */
  waiting: number;
  active: number;
  /** Jobs that failed for good in the last day (their dead letters are queued for the failure to be recorded). */
  failedLastDay: number;
  /** Seconds the oldest runnable waiting job has waited. */
  oldestWaitingSeconds: number | null;
  queues: { name: string; waiting: number; active: number; failedLastDay: number }[];
  /** Workers heard from in the last minute: seconds since each one's last heartbeat, and what it has done. */
  workers: { id: string; lastBeatSeconds: number; jobsDone: number; jobsFailed: number; startedAt: string }[];
};

// A worker beats every 5 s; one silent for this long is taken for gone.
const LIVE_SECONDS = 30;

/** The job queue as health reports it (no host names: the endpoint is public). None before the queue first started. */
export async function queueHealth(): Promise<QueueHealth | null> {
  const db = getDb();
  const [installed] = await db.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`;
  if (!installed?.ok) return null;
  const queues = await db.$queryRaw<
    { name: string; waiting: number; active: number; failedLastDay: number; oldest: number | null }[]
  >`
    SELECT name,
      count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting,
      count(*) FILTER (WHERE state = 'active')::int AS active,
      count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '1 day')::int AS "failedLastDay",
      extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest
    FROM pgboss.job WHERE left(name, 10) <> '__pgboss__' -- not pg-boss's own cron queue
    GROUP BY name ORDER BY name`;
  const workers = await db.$queryRaw<
    { id: string; lastBeatSeconds: number; jobsDone: number; jobsFailed: number; startedAt: Date }[]
  >`
    SELECT substr(md5(id), 1, 12) AS id, extract(epoch FROM now() - "beatAt")::float8 AS "lastBeatSeconds",
           "jobsDone", "jobsFailed", "startedAt"
    FROM "WorkerHeartbeat" WHERE "beatAt" > now() - make_interval(secs => ${LIVE_SECONDS}) ORDER BY "startedAt"`;
  const oldest = queues.map((q) => q.oldest).filter((o): o is number => o !== null);
  return {
    waiting: queues.reduce((n, q) => n + q.waiting, 0),
    active: queues.reduce((n, q) => n + q.active, 0),
    failedLastDay: queues.reduce((n, q) => n + q.failedLastDay, 0),
    oldestWaitingSeconds: oldest.length ? Math.round(Math.max(...oldest)) : null,
    queues: queues.map(({ oldest: _o, ...q }) => q),
    workers: workers.map((w) => ({
      ...w,
      lastBeatSeconds: Math.round(w.lastBeatSeconds),
      startedAt: w.startedAt.toISOString(),
    })),
  };
}
