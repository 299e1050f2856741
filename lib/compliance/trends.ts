import { getDb } from "../db";
import { Prisma } from "../generated/prisma/client";
import { STATE_CHANGE_ACTIONS } from "./state-as-of";

export type TrendPoint = { week: string; group: string; openSecrets: number; affectedImages: number };

/**
 * Week-by-week open secrets and affected images, grouped by registry or repository, rebuilt from history: a
 * secret counts in a week if it was first seen before the week ended, not remediated by then, and its triage
 * state then (from the audit trail, as intervals) was open or confirmed.
 */
export async function getTrends(opts: { asOf: Date; weeks: number; groupBy: "registry" | "repository" }) {
  const groupKey = opts.groupBy === "registry" ? Prisma.sql`g.host` : Prisma.sql`g.host || '/' || r.name`;
  const db = getDb();
  const [points, ttr] = await Promise.all([
    db.$queryRaw<{ week: Date; grp: string; open: number; images: number }[]>`
      WITH weeks AS (
        SELECT LEAST(w + interval '7 days', ${opts.asOf}::timestamp) AS w_end, w AS w_start
        FROM generate_series(date_trunc('week', ${opts.asOf}::timestamp) - (${opts.weeks - 1}::int * interval '1 week'), date_trunc('week', ${opts.asOf}::timestamp), interval '1 week') AS w
      ), ev AS (
        SELECT "entityId" AS id, at, after ->> 'state' AS state, lead(at) OVER (PARTITION BY "entityId" ORDER BY at, id) AS until
        FROM "AuditEvent" WHERE "entityType" = 'Secret' AND action IN ${STATE_CHANGE_ACTIONS}
      ), open_then AS (
        SELECT wk.w_start, wk.w_end, s.id
        FROM weeks wk JOIN "Secret" s ON s."firstSeenAt" <= wk.w_end AND (s."remediatedAt" IS NULL OR s."remediatedAt" > wk.w_end)
        LEFT JOIN ev ON ev.id = s.id AND ev.at <= wk.w_end AND (ev.until IS NULL OR ev.until > wk.w_end)
        WHERE COALESCE(ev.state, 'open') IN ('open', 'confirmed')
      )
      SELECT ot.w_start AS week, ${groupKey} AS grp, count(DISTINCT ot.id)::int AS open, count(DISTINCT o."imageId")::int AS images
      FROM open_then ot JOIN "Occurrence" o ON o."secretId" = ot.id AND o."firstSeenAt" <= ot.w_end
      JOIN "Repository" r ON r.id = o."repositoryId" JOIN "Registry" g ON g.id = r."registryId"
      GROUP BY ot.w_start, grp ORDER BY ot.w_start, grp`,
    db.$queryRaw<{ week: Date; hours: number; n: number }[]>`
      SELECT date_trunc('week', "remediatedAt") AS week, (avg(extract(epoch FROM ("remediatedAt" - COALESCE("confirmedAt", "firstSeenAt")))) / 3600)::float8 AS hours, count(*)::int AS n
      FROM "Secret" WHERE "remediatedAt" <= ${opts.asOf}::timestamp AND "remediatedAt" > ${opts.asOf}::timestamp - (${opts.weeks}::int * interval '1 week')
      GROUP BY 1 ORDER BY 1`,
  ]);
  const week = (d: Date) => d.toISOString().slice(0, 10);
  // Every week of the window, Monday-based like date_trunc('week'), so empty weeks show as zero.
  const monday = new Date(Date.UTC(opts.asOf.getUTCFullYear(), opts.asOf.getUTCMonth(), opts.asOf.getUTCDate() - ((opts.asOf.getUTCDay() + 6) % 7)));
  const weeks = Array.from({ length: opts.weeks }, (_, i) => week(new Date(monday.getTime() - (opts.weeks - 1 - i) * 7 * 86_400_000)));
  return {
    weeks,
    points: points.map((p) => ({ week: week(p.week), group: p.grp, openSecrets: p.open, affectedImages: p.images })),
    timeToRemediate: ttr.map((t) => ({ week: week(t.week), hours: t.hours, remediated: t.n })),
  };
}
