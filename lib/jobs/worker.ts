import crypto from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import { getDb, onDatabaseClose } from "../db";
import { startWebhookDispatcher } from "../webhooks/dispatch";
import { JOB_LIST } from "./jobs";
import { jobQueue } from "./queue";

// Process-wide, like the queue itself (lib/jobs/queue.ts): the route that sends is bundled apart from the worker.
type LocalWorkers = { boss?: PgBoss; ids: Map<string, string[]> };
const workers: LocalWorkers = ((globalThis as { __residueWorkers?: LocalWorkers }).__residueWorkers ??= {
  ids: new Map(),
});
const local = workers.ids; // queue name → ids of this process's workers on it

/** Wakes this process's workers on a queue at once, instead of at their next poll (a job was just sent here). */
export function wakeLocalWorkers(name: string): void {
  for (const id of local.get(name) ?? []) workers.boss?.notifyWorker(id);
}

export type RunningWorker = { id: string; stop: () => Promise<void> };

const HEARTBEAT_MS = 5_000;

/**
 * Works every queue in this process (lib/jobs/jobs.ts), schedules the recurring ones, and says it is alive in
 * WorkerHeartbeat every few seconds (health lists the workers heard from lately). `npm run worker` runs only this;
 * the web server runs one too unless RESIDUE_WORKER=off (`npm run web`).
 */
export async function startWorker(): Promise<RunningWorker> {
  const boss = await jobQueue({ working: true });
  workers.boss = boss;
  const id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const counts = { done: 0, failed: 0 };
  const ids: string[] = [];
  for (const job of JOB_LIST) {
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    for (let i = 0; i < (job.concurrency ?? 1); i++) {
      const workerId = await boss.work<Record<string, unknown>>(
        job.name,
        { batchSize: 1, pollingIntervalSeconds: job.pollSeconds ?? 15 },
        async ([j]) => {
          try {
            const result = await job.run(j!.data ?? {}, boss);
            counts.done++;
            return result;
          } catch (e) {
            counts.failed++;
            console.error(
              `residue: job ${job.name} failed: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`,
            );
            throw e;
          }
        },
      );
      ids.push(workerId);
      local.set(job.name, [...(local.get(job.name) ?? []), workerId]);
    }
  }
  const startedAt = new Date();
  const beat = () =>
    getDb().$executeRaw`
      INSERT INTO "WorkerHeartbeat" (id, host, pid, "startedAt", "beatAt", "jobsDone", "jobsFailed")
      VALUES (${id}, ${os.hostname()}, ${process.pid}, ${startedAt}, now(), ${counts.done}, ${counts.failed})
      ON CONFLICT (id) DO UPDATE SET "beatAt" = now(), "jobsDone" = EXCLUDED."jobsDone", "jobsFailed" = EXCLUDED."jobsFailed"`.catch(
      (e: unknown) => console.error(`residue: worker heartbeat failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  // Outgoing webhooks: every worker delivers (claims keep two from posting the same delivery).
  const stopWebhooks = startWebhookDispatcher();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stopWebhooks();
    unhook();
    for (const w of ids) await boss.offWork({ id: w });
    for (const [name, list] of local)
      local.set(
        name,
        list.filter((w) => !ids.includes(w)),
      );
    await getDb().$executeRaw`DELETE FROM "WorkerHeartbeat" WHERE id = ${id}`.catch(() => undefined);
  };
  // Before the database closes under it (hooks run last registered first: this one before the queue's).
  const unhook = onDatabaseClose(stop);
  return { id, stop };
}
