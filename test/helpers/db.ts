import crypto from "node:crypto";
import pg from "pg";
import { openAdapter, type AdapterHandle } from "@/lib/db/adapter";
import { applyMigrations } from "@/lib/db/migrate";
import { closeDb, attachDatabase, type Db } from "@/lib/db";
import { startWorker } from "@/lib/jobs/worker";

/** Which database the integration tests run on: TEST_DATABASE_URL (an admin URL) means PostgreSQL. */
export const testDatabaseKind = process.env.TEST_DATABASE_URL ? "postgresql" : "pglite";

export type TestDb = { db: Db; handle: AdapterHandle; url?: string; drop: () => Promise<void> };

/** A fresh, empty database (own PG database or in-memory PGlite), with no migrations applied. */
export async function createEmptyDatabase(): Promise<{
  handle: AdapterHandle;
  url?: string;
  drop: () => Promise<void>;
}> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const handle = openAdapter({ pgliteDir: "memory://" });
    return { handle, drop: () => handle.close() };
  }
  const name = `residue_test_${crypto.randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const handle = openAdapter({ url: url.toString() });
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A migrated database installed as the app's singleton; with `worker`, a job worker in this process too (what the
 * web server runs), for tests that upload through the API and wait for the ingest.
 */
export async function setupTestDb(opts: { worker?: boolean } = {}): Promise<TestDb> {
  process.env.RESIDUE_SECRET_KEY ??= "a".repeat(64);
  const empty = await createEmptyDatabase();
  await applyMigrations(empty.handle.factory);
  const db = await attachDatabase(empty.handle);
  if (opts.worker) await startWorker();
  return {
    db,
    handle: empty.handle,
    url: empty.url,
    drop: async () => {
      await closeDb().catch(() => {});
      await empty.drop();
    },
  };
}
