import { planFleetScan } from "../../db/plan-fleet-scan";
import { Prisma } from "../../generated/prisma/client";
import { exposedImages } from "../image-exposure";
import { isCurrent, openAsOf, secretStateAt } from "../state-as-of";
import { groupOf, type TrendRow, type TrendWindow } from "./window";

/**
 * A week whose end the stored state still is (the current week, or one that ended with nothing written since), from
 * the rollups the triggers keep: open secrets per group (GroupExposure), affected images per image (ImageExposure).
 * An accepted risk whose date had passed by the end, stored as accepted still, was open then: its groups and
 * images are added from its placements (usually none).
 */
async function fromRollups(tx: Prisma.TransactionClient, window: TrendWindow, k: number): Promise<TrendRow[]> {
  const end = new Date(window.ends[k]!);
  const image = groupOf(window.groupBy, "i");
  const groupBy = Prisma.sql`${window.groupBy}::"TrendGroupBy"`;
  return tx.$queryRaw<TrendRow[]>`
    WITH open_secrets AS (
      SELECT gid, sum(n)::int AS n FROM (
        SELECT "groupId" AS gid, "openSecrets" AS n FROM "GroupExposure" WHERE "groupBy" = ${groupBy} AND "openSecrets" > 0
        UNION ALL
        SELECT p."groupId", count(*) FROM "SecretPlacement" p JOIN "Secret" s ON s.id = p."secretId"
        WHERE p."groupBy" = ${groupBy} AND s."triageState" = 'accepted_risk' AND s."acceptedUntil" <= ${end}::timestamp
          AND s."remediatedAt" IS NULL
        GROUP BY 1
      ) x GROUP BY 1
    ), images AS (
      SELECT ${image.id} AS gid, count(*)::int AS n
      FROM (${exposedImages({ asOf: end, scope: {}, covered: Prisma.sql`true`, unchangedSince: true })}) e
      JOIN "Image" i ON i.id = e."imageId" ${image.join}
      GROUP BY 1
    )
    SELECT ${k}::int AS k, s.gid, s.n AS open, COALESCE(i.n, 0) AS images FROM open_secrets s LEFT JOIN images i ON i.gid = s.gid`;
}

/**
 * One week of a trends window, as the state at its end: the secrets open then in each group they occurred in by
 * then, and the images affected then. For the current week of a report for now, or a week nothing was written
 * after, that is the stored state (fromRollups); otherwise the triage state comes from the audit trail. The
 * same figures as the one-pass history (tests hold them together, and to the direct definition, whenever the writes
 * came in time order, as a server makes them), at the cost of one pass per week instead of one for the window.
 */
export async function trendWeek(
  tx: Prisma.TransactionClient,
  window: TrendWindow,
  k: number,
  opts: { unchangedSince?: boolean } = {},
): Promise<TrendRow[]> {
  const end = new Date(window.ends[k]!);
  if (opts.unchangedSince ?? isCurrent(end)) return fromRollups(tx, window, k);
  const [occurrence, image] = [groupOf(window.groupBy, "o"), groupOf(window.groupBy, "i")];
  const seen = Prisma.sql`s."firstSeenAt" <= ${end}::timestamp`;
  await planFleetScan(tx, true);
  return tx.$queryRaw<TrendRow[]>`
    WITH open_secrets AS (
      SELECT ${occurrence.id} AS gid, count(DISTINCT o."secretId")::int AS n
      FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId" ${occurrence.join}
      WHERE ${seen} AND ${openAsOf(secretStateAt(end), end)} AND o."firstSeenAt" <= ${end}::timestamp
      GROUP BY 1
    ), images AS (
      SELECT ${image.id} AS gid, count(*)::int AS n
      FROM (${exposedImages({ asOf: end, scope: {}, covered: seen, unchangedSince: false })}) e JOIN "Image" i ON i.id = e."imageId" ${image.join}
      GROUP BY 1
    )
    SELECT ${k}::int AS k, s.gid, s.n AS open, COALESCE(i.n, 0) AS images FROM open_secrets s LEFT JOIN images i ON i.gid = s.gid`;
}
