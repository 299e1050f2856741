import { getDb, databaseKindInUse } from "../db";
import { readMigrations } from "../db/migration-files";
import { APP_VERSION } from "../version";
import { queueHealth, type QueueHealth } from "./queue-health";

export type Health = {
  status: "ok" | "degraded";
  version: string;
  database: { kind: "postgresql" | "pglite"; reachable: boolean; latencyMs?: number };
  migrations: { current: boolean; applied: number; expected: number; pending: string[] };
  /** The job queue and its workers; degraded when jobs wait over a minute and no worker is alive. */
  jobs: QueueHealth | null;
};

const STALLED_SECONDS = 60;

/** Database reachability and whether every committed migration is applied. */
export async function checkHealth(): Promise<Health> {
  const expected = readMigrations().map((m) => m.name);
  const kind = databaseKindInUse();
  const started = performance.now();
  try {
    const rows = await getDb().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const latencyMs = Math.round(performance.now() - started);
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = expected.filter((n) => !applied.has(n));
    const jobs = await queueHealth();
    const stalled = !!jobs && !jobs.workers.length && (jobs.oldestWaitingSeconds ?? 0) > STALLED_SECONDS;
    return {
      status: pending.length || stalled ? "degraded" : "ok",
      version: APP_VERSION,
      database: { kind, reachable: true, latencyMs },
      migrations: { current: pending.length === 0, applied: applied.size, expected: expected.length, pending },
      jobs,
    };
  } catch {
    return {
      status: "degraded",
      version: APP_VERSION,
      database: { kind, reachable: false },
      migrations: { current: false, applied: 0, expected: expected.length, pending: expected },
      jobs: null,
    };
  }
}
