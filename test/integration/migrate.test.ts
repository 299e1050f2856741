import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { MIGRATIONS_DIR } from "@/lib/db/migration-files";
import { createEmptyDatabase, testDatabaseKind } from "@/test/helpers/db";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function freshDb() {
  const db = await createEmptyDatabase();
  cleanup.push(db.drop);
  return db;
}

async function query(db: Awaited<ReturnType<typeof freshDb>>, sql: string) {
  const conn = await db.handle.factory.connect();
  try {
    return (await conn.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await conn.dispose();
  }
}

function copyMigrations() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "residue-migrations-"));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe(`migration runner on ${testDatabaseKind}`, () => {
  it("applies every committed migration to a fresh database, then is a no-op", async () => {
    const db = await freshDb();
    const first = await applyMigrations(db.handle.factory);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.applied.length).toBe(first.total);
    const again = await applyMigrations(db.handle.factory);
    expect(again.applied).toEqual([]);
    const rows = await query(db, `SELECT count(*)::int FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
    expect(rows[0]![0]).toBe(first.total);
    expect((await query(db, `SELECT to_regclass('public."Occurrence"')::text`))[0]![0]).toBe('"Occurrence"');
  });

  it("rolls a failing migration back completely, names it, and applies its fixed version later", async () => {
    const db = await freshDb();
    const dir = copyMigrations();
    const bad = path.join(dir, "29991231000000_broken");
    fs.mkdirSync(bad);
    fs.writeFileSync(
      path.join(bad, "migration.sql"),
      `CREATE TABLE "Half" (id int);\nALTER TABLE "NoSuchTable" ADD COLUMN x int;\n`,
    );
    const err = await applyMigrations(db.handle.factory, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.migration).toBe("29991231000000_broken");
    expect(err.message).toMatch(/29991231000000_broken failed and was rolled back/);
    expect((await query(db, `SELECT to_regclass('public."Half"')::text`))[0]![0]).toBeNull();
    // Earlier migrations stay applied.
    expect((await query(db, `SELECT to_regclass('public."Secret"')::text`))[0]![0]).toBe('"Secret"');

    fs.writeFileSync(path.join(bad, "migration.sql"), `CREATE TABLE "Half" (id int);\n`);
    const fixed = await applyMigrations(db.handle.factory, { dir });
    expect(fixed.applied).toEqual(["29991231000000_broken"]);
    expect((await query(db, `SELECT to_regclass('public."Half"')::text`))[0]![0]).toBe('"Half"');
  });

  it.runIf(testDatabaseKind === "postgresql")("opens PostgreSQL connections without JIT compilation", async () => {
    const db = await freshDb();
    expect((await query(db, "SHOW jit"))[0]![0]).toBe("off");
  });
});
