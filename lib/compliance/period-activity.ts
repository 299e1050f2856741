import { getDb } from "../db";
import type { Severity } from "../vocabulary/severity";
import { ALL_SECRETS, computeFigures } from "./figures";
import { occurrenceInScope, scansInScope, secretInScope, type Scope } from "./scope";
import { openAsOf, secretStateAt } from "./state-as-of";

/**
 * A bound on the open secrets a printed report lists (every one, below it: a fleet of 1,000,000 occurrences has
 * about 33,000); past it the report says how many it left out and links the export, which has them all.
 */
export const REPORT_ROW_LIMIT = 100_000;

/**
 * What happened in a reporting period within a scope (lib/compliance/scope.ts): secrets found, confirmed and
 * remediated, scans ingested, and every secret still open at its end, most severe first.
 */
export async function getPeriodActivity(from: Date, to: Date, scope: Scope) {
  const db = getDb();
  const [[counts], figures, open] = await Promise.all([
    db.$queryRaw<{ found: number; confirmed: number; remediated: number; scans: number }[]>`
      SELECT count(*) FILTER (WHERE s."firstSeenAt" >= ${from}::timestamp)::int AS found,
             count(*) FILTER (WHERE s."confirmedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp)::int AS confirmed,
             count(*) FILTER (WHERE s."remediatedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp)::int AS remediated,
             (${scansInScope(scope, to)} - ${scansInScope(scope, from)})::int AS scans
      FROM "Secret" s WHERE ${secretInScope("s", scope, to)}`,
    computeFigures(to, scope, [ALL_SECRETS]),
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
  return { ...counts!, open: figures.get(ALL_SECRETS.id)!.openSecrets, openSecrets: open };
}
