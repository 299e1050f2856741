import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { dataDir, databaseUrl } from "./config";

export type AdapterHandle = {
  kind: "postgresql" | "pglite";
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Releases the embedded database (a live PGlite keeps the process running). */
  close: () => Promise<void>;
};

export type OpenAdapterOptions = {
  /** Overrides DATABASE_URL; used by tests. */
  url?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  pgliteDir?: string;
};

/** The one place that decides which database Residue talks to. */
export function openAdapter(opts: OpenAdapterOptions = {}): AdapterHandle {
  const url = opts.url ?? (opts.pgliteDir ? undefined : databaseUrl());
  if (url) {
    // No JIT: Residue's queries are short, and when a plan's estimated cost is high (hashed subplans over the
    // occurrence table) PostgreSQL spent more time compiling than running it (more than half of a text search).
    const factory = atomicScripts(new PrismaPg({ connectionString: url, max: poolSize(), options: "-c jit=off" }));
    return { kind: "postgresql", factory, close: async () => {} };
  }
  const dir = opts.pgliteDir ?? path.join(dataDir(), "pglite");
  if (!dir.startsWith("memory://")) fs.mkdirSync(dir, { recursive: true });
  // Extensions the migrations create (pg_trgm: substring search on paths) must be loaded into the WASM build,
  // for the shadow database of `db:new-migration` too.
  const client = openPGlite(dir);
  const factory = new PrismaPGlite(client);
  factory.connectToShadowDb = () =>
    new PrismaPGlite(new PGlite("memory://shadow", { extensions: PGLITE_EXTENSIONS })).connect();
  return {
    kind: "pglite",
    factory: atomicScripts(factory),
    close: async () => (client.closed ? undefined : client.close()),
  };
}

/** The embedded database as the server runs it (also opened directly by the benchmark's floor). */
export const openPGlite = (dir: string) =>
  new PGlite(dir, { extensions: PGLITE_EXTENSIONS, startParams: PGLITE_START_PARAMS });

const PGLITE_EXTENSIONS = { pg_trgm };
// The embedded database lives in the server's own memory, and PGlite touches all of its buffer pool at start:
// 128 MB by default. 32 MB takes most of that off the idle server; pages past it come from the OS page cache, and
// queries at 1M occurrences measured the same.
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"];

function poolSize(): number {
  const n = Number(process.env.DATABASE_POOL_SIZE ?? 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

type ScriptClient = { exec?: (sql: string) => Promise<unknown>; query: (sql: string) => Promise<unknown> };
type PatchableAdapter = SqlDriverAdapter & { client: ScriptClient; onError(e: unknown): never };

// Migration scripts must run atomically, as one simple-protocol query (PostgreSQL runs a multi-statement
// simple query as one implicit transaction). The stock adapters do not: pglite-prisma-adapter 0.7.2 calls
// `client.exec(script)` without awaiting it (a failing migration is reported as applied), and
// @prisma/adapter-pg 7.10 splits the script on ";" and sends each piece to whichever pooled connection is free.
function atomicScripts(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter) => {
    const a = adapter as PatchableAdapter;
    a.executeScript = async (script: string) => {
      try {
        await (a.client.exec ? a.client.exec(script) : a.client.query(script));
      } catch (e) {
        a.onError(e);
      }
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}
