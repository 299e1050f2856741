import type { PrismaClient } from "../generated/prisma/client";
import type { AdapterHandle } from "./adapter";

/** The database the writes went to (passed in: this module sits below lib/db/index.ts, which waits for it). */
export type MaintainedDb = { db: PrismaClient; kind: AdapterHandle["kind"] };

// PGlite has no autovacuum. Without VACUUM, the rows that ingest updates (secret counters, occurrences seen again)
// leave dead versions behind, and pages never become all-visible, so index-only scans (text search, the secrets
// behind a path) read the table instead. PostgreSQL's autovacuum does this by itself; here it follows the writes.
const VACUUM_AFTER_ROWS = 20_000;
// Statistics: PostgreSQL's autovacuum can analyze a table while a large upload into it is still uncommitted, and
// then records its pages with none of its rows. Until the next analyze (a minute or more later) the planner takes
// the table for empty and picks plans that re-run a scan per row: minutes for a text search over 10,000 secrets.
// PGlite keeps whatever statistics it last had. So on both, an upload that grew the occurrences by a tenth or more
// is followed by an ANALYZE of its own, once it has committed.
const ANALYZE_AFTER_GROWTH = 0.1;
const ANALYZE_CHECK_ROWS = 500; // below this, one upload cannot skew the statistics of a table worth planning for
// ImageExposure: its triggers update a row per image an ingest or triage touches.
const INGEST_TABLES = `"Occurrence", "Secret", "Path", "ScanSecret", "Image", "Layer", "ImageLayer", "ImageExposure"`;

let pending = 0;
let running: Promise<void> = Promise.resolve();
let waiting = false;

/**
 * Counts rows an ingest wrote; past the thresholds, brings the ingest tables' statistics (and on PGlite their
 * visibility) up to date, one run at a time. Resolves when the caller may answer: on PostgreSQL once the ANALYZE
 * is done (short, and until then a read could be planned on statistics taken mid-upload); on PGlite at once, since
 * nothing analyzes there mid-upload and its VACUUM can take seconds (the next query waits for it instead).
 */
export function noteIngestWrites(rows: number, target: MaintainedDb): Promise<void> {
  pending += rows;
  if (!waiting) scheduleCheck(target); // else a check already waits for its turn, and will count these rows
  return target.kind === "pglite" ? Promise.resolve() : running;
}

function scheduleCheck(target: MaintainedDb): void {
  waiting = true;
  running = running
    .then(() => {
      waiting = false;
      return maintainIfDue(target);
    })
    .catch((e: unknown) =>
      console.error(`residue: maintenance after ingest failed: ${e instanceof Error ? e.message : String(e)}`),
    );
}

async function maintainIfDue({ db, kind }: MaintainedDb): Promise<void> {
  if (kind === "pglite" && pending >= VACUUM_AFTER_ROWS) {
    pending = 0;
    await db.$executeRawUnsafe(`VACUUM (ANALYZE) ${INGEST_TABLES}`);
    return;
  }
  if (pending < ANALYZE_CHECK_ROWS) return;
  const rows = pending;
  const [stats] = await db.$queryRaw<
    { estimate: number }[]
  >`SELECT GREATEST(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = '"Occurrence"'::regclass`;
  if (rows < ANALYZE_AFTER_GROWTH * stats!.estimate) return;
  pending -= rows;
  await db.$executeRawUnsafe(`ANALYZE ${INGEST_TABLES}`);
}

/** Resolves when no maintenance is running or waiting (for scripts, tests and shutdown). */
export async function maintenanceIdle(): Promise<void> {
  for (let seen = running; ; seen = running) {
    await seen;
    if (seen === running) return;
  }
}
