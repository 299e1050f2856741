// npm run db:migrate: applies committed migrations to the configured database (PGlite or DATABASE_URL).
import { openAdapter } from "../lib/db/adapter";
import { applyMigrations, MigrationError } from "../lib/db/migrate";

const handle = openAdapter();
try {
  const { applied, total } = await applyMigrations(handle.factory);
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) on ${handle.kind}: ${applied.join(", ")}`
      : `Database (${handle.kind}) is up to date: ${total} migration(s).`,
  );
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : err);
  process.exitCode = 1;
} finally {
  await handle.close();
}
