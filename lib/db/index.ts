import { PrismaClient } from "../generated/prisma/client";
import { openAdapter, type AdapterHandle } from "./adapter";
import { applyMigrations } from "./migrate";
import { maintenanceIdle } from "./maintenance";

function createClient(handle: AdapterHandle) {
  return new PrismaClient({ adapter: handle.factory, transactionOptions: { maxWait: 30_000, timeout: 600_000 } });
}
export type Db = ReturnType<typeof createClient>;

declare global {
  var __residueDb: { db: Db; handle: AdapterHandle } | undefined;
}

/** The process-wide Prisma client. The only `new PrismaClient()` in the repository. */
export function getDb(): Db {
  if (!globalThis.__residueDb) {
    const handle = openAdapter();
    globalThis.__residueDb = { db: createClient(handle), handle };
  }
  return globalThis.__residueDb.db;
}

export function databaseKindInUse(): AdapterHandle["kind"] {
  return databaseHandle().kind;
}

/** The handle behind getDb(): how other PostgreSQL clients (the job queue) reach the same database. */
export function databaseHandle(): AdapterHandle {
  getDb();
  return globalThis.__residueDb!.handle;
}

const beforeClose = new Set<() => Promise<void>>();
/** Work to finish before the database closes (the job queue stops its workers and its connections). */
export function onDatabaseClose(fn: () => Promise<void>): () => void {
  beforeClose.add(fn);
  return () => beforeClose.delete(fn);
}

/** For tests and scripts: point the singleton at a given database, closing any previous one. */
export async function attachDatabase(handle: AdapterHandle): Promise<Db> {
  await closeDb();
  globalThis.__residueDb = { db: createClient(handle), handle };
  return globalThis.__residueDb.db;
}

export async function closeDb(): Promise<void> {
  for (const fn of [...beforeClose].reverse()) await fn(); // last registered first: a worker before its queue
  await maintenanceIdle(); // never close the embedded database under a running VACUUM
  const current = globalThis.__residueDb;
  globalThis.__residueDb = undefined;
  if (current) {
    await current.db.$disconnect();
    await current.handle.close();
  }
}

/**
 * For command-line tools: the configured database (through the running server's socket when `npm start` serves
 * the embedded one), with every committed migration applied first, so a fresh data directory works at once.
 */
export async function attachMigrated(): Promise<Db> {
  const handle = openAdapter();
  try {
    await applyMigrations(handle.factory);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return attachDatabase(handle);
}
