import { PrismaClient } from "../generated/prisma/client";
import { openAdapter, type AdapterHandle } from "./adapter";
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
  getDb();
  return globalThis.__residueDb!.handle.kind;
}

/** For tests and scripts: point the singleton at a given database, closing any previous one. */
export async function attachDatabase(handle: AdapterHandle): Promise<Db> {
  await closeDb();
  globalThis.__residueDb = { db: createClient(handle), handle };
  return globalThis.__residueDb.db;
}

export async function closeDb(): Promise<void> {
  await maintenanceIdle(); // never close the embedded database under a running VACUUM
  const current = globalThis.__residueDb;
  globalThis.__residueDb = undefined;
  if (current) {
    await current.db.$disconnect();
    await current.handle.close();
  }
}
