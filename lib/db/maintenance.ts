import { databaseKindInUse, getDb } from "./index";

// PGlite has no autovacuum. Without VACUUM, the rows that ingest updates (secret counters, occurrences seen again)
// leave dead versions behind, and pages never become all-visible, so index-only scans (text search, the secrets
// behind a path) read the table instead. PostgreSQL's autovacuum does this by itself; here it follows the writes.
const VACUUM_AFTER_ROWS = 20_000;
// ImageExposure: its triggers update a row per image an ingest or triage touches.
const INGEST_TABLES = `"Occurrence", "Secret", "Path", "ScanSecret", "Image", "Layer", "ImageExposure"`;

let pending = 0;
let running: Promise<void> | null = null;

/**
 * Counts rows an ingest wrote; past the threshold, vacuums the ingest tables once, after the response (the
 * embedded database then serves the next query when it is done).
 */
export function noteIngestWrites(rows: number): void {
  if (databaseKindInUse() !== "pglite") return;
  pending += rows;
  if (pending < VACUUM_AFTER_ROWS || running) return;
  pending = 0;
  running = vacuumIngestTables()
    .catch((e: unknown) => console.error(`residue: VACUUM after ingest failed: ${e instanceof Error ? e.message : String(e)}`))
    .finally(() => (running = null));
}

/** Resolves when no maintenance is running (for scripts and shutdown). */
export async function maintenanceIdle(): Promise<void> {
  await running;
}

async function vacuumIngestTables(): Promise<void> {
  await getDb().$executeRawUnsafe(`VACUUM (ANALYZE) ${INGEST_TABLES}`);
}
