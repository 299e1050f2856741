import fs from "node:fs";
import path from "node:path";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

export type MigrationDir = { name: string; sql: string };

/** Committed migrations in name order (names start with a UTC timestamp). */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationDir[] {
  if (!fs.existsSync(/* turbopackIgnore: true */ dir)) return [];
  return fs
    .readdirSync(/* turbopackIgnore: true */ dir, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && fs.existsSync(/* turbopackIgnore: true */ path.join(dir, d.name, "migration.sql")),
    )
    .map((d) => ({
      name: d.name,
      sql: fs.readFileSync(/* turbopackIgnore: true */ path.join(dir, d.name, "migration.sql"), "utf8"),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
