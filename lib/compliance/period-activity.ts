import { getDb } from "../db";
import type { Severity } from "../vocabulary/severity";
import { occurrenceInScope, scansInScope, secretInScope, type Scope } from "./scope";
import { openAsOf, secretStateAt } from "./state-as-of";

/** Open secrets a printed report lists in full; past this it says how many it left out and links the export. */
export const REPORT_ROW_LIMIT = 5_000;

/**
 * What happened in a reporting period within a scope (lib/compliance/scope.ts): secrets found, confirmed and
 * remediated, scans ingested, and every secret still open at its end, most severe first.
 */
export async function getPeriodActivity(from: Date, to: Date, scope: Scope) {
  const db = getDb();
  const [[counts], open] = await Promise.all([
    db.$queryRaw<{ found: number; confirmed: number; remediated: number; scans: number; open: number }[]>`
      SELECT count(*) FILTER (WHERE s."firstSeenAt" >= ${from}::timestamp)::int AS found,
             count(*) FILTER (WHERE s."confirmedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp)::int AS confirmed,
             count(*) FILTER (WHERE s."remediatedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp)::int AS remediated,
             count(*) FILTER (WHERE ${openAsOf(secretStateAt(to), to)})::int AS open,
             (${scansInScope(scope, to)} - ${scansInScope(scope, from)})::int AS scans
      FROM "Secret" s WHERE ${secretInScope("s", scope, to)}`,
    db.$queryRaw<
      {
        id: string;
        ruleId: string;
        title: string | null;
        severity: Severity;
        triageState: string;
        redactedPreview: string;
        imageCount: number;
        firstSeenAt: Date;
      }[]
    >`
      SELECT s.id, s."ruleId", s.title, s.severity::text AS severity, ${secretStateAt(to)} AS "triageState", s."redactedPreview", s."firstSeenAt",
        (SELECT count(DISTINCT o."imageId")::int FROM "Occurrence" o WHERE o."secretId" = s.id AND ${occurrenceInScope("o", scope, to)}) AS "imageCount"
      FROM "Secret" s WHERE ${secretInScope("s", scope, to)} AND ${openAsOf(secretStateAt(to), to)}
      ORDER BY s.severity, s."imageCount" DESC, s.id LIMIT ${REPORT_ROW_LIMIT}`,
  ]);
  return { ...counts!, openSecrets: open };
}
