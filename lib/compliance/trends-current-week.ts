import { planFleetScan } from "../db/plan-fleet-scan";
import { Prisma } from "../generated/prisma/client";
import { exposedImages } from "./image-exposure";
import { openAsOf, stateOfS } from "./state-as-of";
import type { TrendRow, TrendWindow } from "./trend-window";

/**
 * The last week of a report for now, from the current state: it ends now, so it counts the secrets open now in each
 * group they occur in, and the images affected now (the ImageExposure rollup). The same figures the history gives
 * for that week whenever the writes came in time order, as a server makes them (a test holds the two together),
 * without reading the audit trail or grouping per secret and group.
 */
export async function currentWeekRows(tx: Prisma.TransactionClient, window: TrendWindow): Promise<TrendRow[]> {
  const k = window.starts.length - 1;
  const byRegistry = window.groupBy === "registry";
  // The group of the row aliased `alias` (an occurrence or an image): its repository, or that repository's registry.
  const gid = (alias: string) => Prisma.raw(byRegistry ? `g."registryId"` : `${alias}."repositoryId"`);
  const groupJoin = (alias: string) => (byRegistry ? Prisma.raw(`JOIN "Repository" g ON g.id = ${alias}."repositoryId"`) : Prisma.empty);
  await planFleetScan(tx, true);
  return tx.$queryRaw<TrendRow[]>`
    WITH open_secrets AS (
      SELECT ${gid("o")} AS gid, count(DISTINCT o."secretId")::int AS n
      FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId" ${groupJoin("o")}
      WHERE ${openAsOf(stateOfS(window.asOf), window.asOf)}
      GROUP BY 1
    ), images AS (
      SELECT ${gid("i")} AS gid, count(*)::int AS n
      FROM (${exposedImages({ asOf: window.asOf, fleetWide: true, covered: Prisma.sql`true` })}) e JOIN "Image" i ON i.id = e."imageId" ${groupJoin("i")}
      GROUP BY 1
    )
    SELECT ${k}::int AS k, s.gid, s.n AS open, COALESCE(i.n, 0) AS images FROM open_secrets s LEFT JOIN images i ON i.gid = s.gid`;
}
