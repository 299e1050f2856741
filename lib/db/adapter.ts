import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { PoolConfig } from "pg";
import { dataDir, databaseUrl } from "./config";
import { claimDataDir, SOCKET_PORT } from "./embedded/claim";

export type AdapterHandle = {
  /** The SQL dialect: PostgreSQL, or the embedded PGlite (opened here, or served by `npm start` on a socket). */
  kind: "postgresql" | "pglite";
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** How another PostgreSQL client (the job queue) reaches the same database; none for a PGlite opened here. */
  pg?: PoolConfig;
  /** The PGlite opened in this process, if that is what this is. */
  pglite?: PGlite;
  /** Releases the embedded database (a live PGlite keeps the process running). */
  close: () => Promise<void>;
};

export type OpenAdapterOptions = {
  /** Overrides DATABASE_URL; used by tests. */
  url?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  pgliteDir?: string;
};

/**
 * The one place that decides which database Residue talks to: DATABASE_URL; else the embedded data directory,
 * through the socket `npm start` serves it on (lib/db/embedded) or, when no server runs, opened in this process.
 */
export function openAdapter(opts: OpenAdapterOptions = {}): AdapterHandle {
  const url = opts.url ?? (opts.pgliteDir ? undefined : databaseUrl());
  // No JIT: Residue's queries are short, and when a plan's estimated cost is high (hashed subplans over the
  // occurrence table) PostgreSQL spent more time compiling than running it (more than half of a text search).
  if (url) return postgresHandle({ connectionString: url, options: "-c jit=off" });
  const dir = opts.pgliteDir ?? embeddedDataDir();
  if (dir.startsWith("memory://")) return pgliteHandle(openPGlite(dir));
  fs.mkdirSync(dir, { recursive: true });
  const claim = claimDataDir(dir);
  if (claim.kind === "served")
    return {
      ...postgresHandle({ host: claim.socketDir, port: SOCKET_PORT, user: "postgres", database: "postgres" }),
      kind: "pglite",
    };
  const handle = pgliteHandle(openPGlite(dir));
  return {
    ...handle,
    close: async () => {
      await handle.close();
      claim.release();
    },
  };
}

export const embeddedDataDir = () => path.join(dataDir(), "pglite");

function postgresHandle(config: PoolConfig): AdapterHandle {
  const pg = { ...config, max: poolSize() };
  return { kind: "postgresql", factory: atomicScripts(new PrismaPg(pg)), pg, close: async () => {} };
}

/** A handle on a PGlite open in this process (the server's own, for its migrations, or a CLI's or test's). */
export function pgliteHandle(client: PGlite): AdapterHandle {
  // Extensions the migrations create (pg_trgm: substring search on paths) must be loaded into the WASM build,
  // for the shadow database of `db:new-migration` too.
  const factory = new PrismaPGlite(client);
  factory.connectToShadowDb = () =>
    new PrismaPGlite(new PGlite("memory://shadow", { extensions: PGLITE_EXTENSIONS })).connect();
  return {
    kind: "pglite",
    factory: atomicScripts(factory),
    pglite: client,
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
