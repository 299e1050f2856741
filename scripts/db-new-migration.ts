// npm run db:new-migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql from the schema diff.
import fs from "node:fs";
import path from "node:path";
import { openAdapter } from "../lib/db/adapter";
import { diffSchema } from "../lib/db/migrate";
import { MIGRATIONS_DIR } from "../lib/db/migration-files";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
// The PGlite factory brings an in-memory shadow database, so diffs never touch a real one.
const handle = openAdapter({ pgliteDir: "memory://" });
try {
  const sql = await diffSchema(handle.factory);
  if (!sql.trim()) {
    console.log("Schema and migrations are in sync: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await handle.close();
}
