import PgBoss from "pg-boss";
import type { PGlite } from "@electric-sql/pglite";
import { databaseHandle, getDb, onDatabaseClose } from "../db";
import { JOB_LIST } from "./jobs";
import { envNumber } from "../env-number";

/**
 * The job queue: pg-boss, on the database Residue already uses (its tables live in the `pgboss` schema, created and
 * migrated by pg-boss itself). Chosen over graphile-worker because it needs nothing PGlite lacks (no LISTEN/NOTIFY:
 * workers poll, and a worker in the same process is woken at once), and it has dead-letter queues, queue policies
 * (one run at a time for recurring work), singleton keys for idempotency and cron schedules built in.
 *
 * One instance per process. A process that works jobs (lib/jobs/worker.ts) also runs pg-boss's maintenance (expired
 * jobs retried, archives) and its cron; one that only sends (a web replica started with `npm run web`) does not.
 */
type Instance = { boss: PgBoss; working: boolean };
// Process-wide: Next.js bundles instrumentation (which starts the worker) apart from the route handlers (which
// send), and each bundle has its own copy of this module.
const state = ((globalThis as { __residueJobs?: { current?: Promise<Instance> } }).__residueJobs ??= {});

function connection(): PgBoss.ConstructorOptions {
  const handle = databaseHandle();
  if (handle.pg) return { ...(handle.pg as PgBoss.DatabaseOptions), max: 4 };
  return { db: pgliteExecutor(handle.pglite!) };
}

// pg-boss runs its schema scripts as one multi-statement text without parameters: PGlite's exec takes those.
const pgliteExecutor = (db: PGlite): PgBoss.Db => ({
  executeSql: async (text, values) => {
    if (values?.length) return db.query(text, values);
    const results = await db.exec(text);
    return { rows: results.at(-1)?.rows ?? [] };
  },
});

async function start(working: boolean): Promise<Instance> {
  const boss = new PgBoss({
    ...connection(),
    application_name: working ? "residue-worker" : "residue-web",
    supervise: working,
    schedule: working,
    migrate: true,
    // How soon a job whose worker died (its expiry passed) is retried: pg-boss notices it during maintenance.
    maintenanceIntervalSeconds: envNumber("RESIDUE_JOB_MAINTENANCE_SECONDS", 30),
    deleteAfterDays: 7,
  });
  boss.on("error", (e) => console.error(`residue: job queue: ${e instanceof Error ? e.message : String(e)}`));
  await boss.start();
  await ensureQueues(boss);
  const instance = { boss, working };
  const unhook = onDatabaseClose(async () => {
    unhook();
    if (state.current && (await state.current) === instance) state.current = undefined;
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  });
  return instance;
}

/**
 * Creates every queue (idempotent), then brings each to the options this version runs with; dead-letter queues
 * first, since a queue naming one needs it to exist. On PostgreSQL, processes starting together (replicas, workers)
 * take turns under an advisory lock: pg-boss's create_queue, run at once from several, deadlocked on a fresh
 * database. The embedded database runs each call whole, one at a time, and needs no lock (holding one there would
 * hold its one session against pg-boss's own connections).
 */
async function ensureQueues(boss: PgBoss): Promise<void> {
  const ensure = async () => {
    for (const job of [...JOB_LIST].sort((a, b) => Number("deadLetter" in a.queue) - Number("deadLetter" in b.queue))) {
      await boss.createQueue(job.name, { name: job.name, ...job.queue });
      await boss.updateQueue(job.name, { name: job.name, ...job.queue });
    }
  };
  if (databaseHandle().kind !== "postgresql") return ensure();
  await getDb().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('residue: job queues'))`;
      await ensure();
    },
    { timeout: 120_000 },
  );
}

/** The process's queue, started on first use (to send); `working` for a process that also runs jobs. */
export async function jobQueue(opts: { working?: boolean } = {}): Promise<PgBoss> {
  const working = opts.working ?? false;
  if (state.current) {
    const instance = await state.current.catch(() => undefined);
    if (instance && (instance.working || !working)) return instance.boss;
    if (instance) await instance.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
  state.current = start(working);
  state.current.catch(() => (state.current = undefined));
  return (await state.current).boss;
}
