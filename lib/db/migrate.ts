import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { MIGRATIONS_DIR, readMigrations, type MigrationDir } from "./migration-files";

// Prisma's own migration engine, as WebAssembly from npm: the CLI's native engine cannot be downloaded here.
// The package entry imports the .wasm bundler-style, so we instantiate the bindings by hand (shared/RECIPES.md).
type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string }>;
  markMigrationRolledBack(input: { migrationName: string }): Promise<unknown>;
  free(): void;
};

const FILTERS = { externalTables: [], externalEnums: [] };

export const SCHEMA_PATH = path.resolve(process.cwd(), "prisma/schema.prisma");

let bindings: Promise<{ SchemaEngine: { new: (...a: unknown[]) => Promise<Engine> } }> | undefined;

function loadBindings() {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bg = await import(/* webpackIgnore: true */ bgPath);
    const bytes = fs.readFileSync(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return bindings;
}

/**
 * Runs `run` with an engine on the given database. The engine does not release the connections it opens
 * (on PostgreSQL one still holds the migration advisory lock), so we track and dispose them afterwards.
 */
async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (m: string) => void,
  run: (engine: Engine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadBindings();
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>) => {
    const adapter = await connect();
    opened.push(adapter);
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(() => factory.connect()),
    connectToShadowDb: () => track(() => factory.connectToShadowDb()),
  };
  const schema = fs.readFileSync(SCHEMA_PATH, "utf8");
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
  }
}

function migrationList(dir: string, migrations: MigrationDir[]) {
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

export class MigrationError extends Error {
  constructor(
    public readonly migration: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type ApplyResult = { applied: string[]; total: number };

/**
 * Applies pending migrations exactly like `prisma migrate deploy`, recording them in `_prisma_migrations`.
 * Each migration file goes to the server as one simple-protocol script, which PostgreSQL runs as one implicit
 * transaction: a failing migration leaves no partial schema. It is then marked rolled back
 * (so a fixed version can be applied later) and is named in the thrown MigrationError.
 */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  opts: { dir?: string; log?: (m: string) => void } = {},
): Promise<ApplyResult> {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const migrations = readMigrations(dir);
  return withEngine(factory, opts.log ?? (() => {}), async (engine) => {
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: migrationList(dir, migrations),
        filters: FILTERS,
      });
      return { applied: appliedMigrationNames, total: migrations.length };
    } catch (err) {
      const failed = failedMigrationName(err, migrations);
      if (failed) await engine.markMigrationRolledBack({ migrationName: failed }).catch(() => {});
      throw new MigrationError(
        failed,
        `Migration ${failed ?? "(unknown)"} failed and was rolled back: ${engineMessage(err)}`,
      );
    }
  });
}

/** SQL that turns the current migrations into the schema in prisma/schema.prisma (empty string when in sync). */
export async function diffSchema(
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir = MIGRATIONS_DIR,
): Promise<string> {
  const migrations = readMigrations(dir);
  return withEngine(
    factory,
    () => {},
    async (engine) => {
      const from = migrations.length ? { tag: "migrations", ...migrationList(dir, migrations) } : { tag: "empty" };
      const result = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: fs.readFileSync(SCHEMA_PATH, "utf8") }] },
        script: true,
        exitCode: null,
        filters: FILTERS,
      });
      return result.stdout.includes("-- This is an empty migration.") ? "" : result.stdout;
    },
  );
}

function engineMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  try {
    const parsed = JSON.parse(raw) as { message?: string };
    return parsed.message ?? raw;
  } catch {
    return raw;
  }
}

function failedMigrationName(err: unknown, migrations: MigrationDir[]): string | undefined {
  const text = engineMessage(err);
  return migrations.find((m) => text.includes(`\`${m.name}\``) || text.includes(m.name))?.name;
}
