import { planFleetScan } from "../../db/plan-fleet-scan";
import { Prisma } from "../../generated/prisma/client";
import { exposedImages } from "../image-exposure";
import { isCurrent, openAsOf, secretStateAt } from "../state-as-of";
import { groupOf, type TrendRow, type TrendWindow } from "./window";

/**
 * One week of a trends window, as the state at its end: the secrets open then in each group they occurred in by
 * then, and the images affected then. For the current week of a report for now that is the current state (the
 * ImageExposure rollup for images); for a week that has ended, the triage state comes from the audit trail. The
 * same figures as the one-pass history (tests hold them together, and to the direct definition, whenever the writes
 * came in time order, as a server makes them), at the cost of one pass per week instead of one for the window.
 */
export async function trendWeek(tx: Prisma.TransactionClient, window: TrendWindow, k: number): Promise<TrendRow[]> {
  const end = new Date(window.ends[k]!);
  const [occurrence, image] = [groupOf(window.groupBy, "o"), groupOf(window.groupBy, "i")];
  const seen = Prisma.sql`s."firstSeenAt" <= ${end}::timestamp`;
  // Everything written so far was first seen by now: for the current week the occurrences are read from the
  // (repository, secret) index alone, which a condition on their first-seen time would rule out (twice the time).
  const occurrenceSeen = isCurrent(end) ? Prisma.empty : Prisma.sql`AND o."firstSeenAt" <= ${end}::timestamp`;
  await planFleetScan(tx, true);
  return tx.$queryRaw<TrendRow[]>`
    WITH open_secrets AS (
      SELECT ${occurrence.id} AS gid, count(DISTINCT o."secretId")::int AS n
      FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId" ${occurrence.join}
      WHERE ${seen} AND ${openAsOf(secretStateAt(end), end)} ${occurrenceSeen}
      GROUP BY 1
    ), images AS (
      SELECT ${image.id} AS gid, count(*)::int AS n
      FROM (${exposedImages({ asOf: end, scope: {}, covered: seen })}) e JOIN "Image" i ON i.id = e."imageId" ${image.join}
      GROUP BY 1
    )
    SELECT ${k}::int AS k, s.gid, s.n AS open, COALESCE(i.n, 0) AS images FROM open_secrets s LEFT JOIN images i ON i.gid = s.gid`;
}
