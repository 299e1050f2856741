import { planFleetScan } from "../../db/plan-fleet-scan";
import { OPEN_STATES_SQL } from "../../vocabulary/sql";
import { Prisma } from "../../generated/prisma/client";
import { STATE_CHANGE_ACTIONS } from "../state-as-of";
import { groupOf, type TrendRow, type TrendWindow } from "./window";

// Week sets as bit masks in two bigints of WORD bits each (weeks ≤ 2 × WORD; the query schema allows 104).
const WORD = 62;

/**
 * Week-by-week open secrets and affected images per group, rebuilt from history: a secret counts in a week if it
 * was first seen before the week ended, not remediated by then, and its triage state then (from the audit trail, as
 * intervals) was open or confirmed; an occurrence counts from the week it was first seen.
 *
 * One pass over the occurrences for all weeks (joining every week to every occurrence read the table once per
 * week, far past the page budget at 1M occurrences). Each secret's open periods become ranges of week
 * indexes; per image, the weeks it was affected are OR-ed into a bit mask; per secret and group, its first
 * occurrence there cuts its ranges, which are disjoint, so they are counted with +1/-1 at their ends.
 */
export async function trendsFromHistory(tx: Prisma.TransactionClient, window: TrendWindow): Promise<TrendRow[]> {
  const group = groupOf(window.groupBy, "o");
  const n = window.starts.length;
  // A millisecond after each week's end (timestamps have millisecond precision): width_bucket counts the weeks that
  // ended before t, which is the index of the first week t counts in; n when t is after asOf (or infinity).
  const pastEnds = window.ends.map((e) => new Date(e + 1).toISOString());
  const weekOf = (t: Prisma.Sql) => Prisma.sql`width_bucket(${t}, ${pastEnds}::timestamp[])`;
  const asOf = Prisma.sql`${window.asOf}::timestamp`;
  // Bits a..b of mask word w.
  const rangeMask = (a: Prisma.Sql, b: Prisma.Sql, w: number) => {
    const lo = Prisma.sql`GREATEST(${a} - ${w * WORD}::int, 0)`;
    const hi = Prisma.sql`LEAST(${b} - ${w * WORD}::int, ${WORD - 1}::int)`;
    return Prisma.sql`(CASE WHEN ${lo} > ${hi} THEN 0::bigint ELSE ((1::bigint << (${hi} + 1)) - 1) # ((1::bigint << ${lo}) - 1) END)`;
  };
  await planFleetScan(tx, true);
  return tx.$queryRaw<TrendRow[]>`
    WITH weeks AS (
      SELECT k FROM generate_series(0, ${n - 1}::int) AS k
    ), ev AS (
      SELECT "entityId" AS id, at, after ->> 'state' AS state, (after ->> 'acceptedUntil')::timestamp AS expires,
             lead(at) OVER (PARTITION BY "entityId" ORDER BY at, id) AS until,
             row_number() OVER (PARTITION BY "entityId" ORDER BY at, id) AS nth
      FROM "AuditEvent" WHERE "entityType" = 'Secret' AND action IN ${STATE_CHANGE_ACTIONS} AND at <= ${asOf}
    ), periods AS (
      -- Open or confirmed periods: before the first state change a secret is open; each change holds until the next.
      SELECT s.id, s."firstSeenAt" AS lo, LEAST(COALESCE(first.at, 'infinity'), COALESCE(s."remediatedAt", 'infinity')) AS hi
      FROM "Secret" s LEFT JOIN ev first ON first.id = s.id AND first.nth = 1
      WHERE s."firstSeenAt" <= ${asOf}
      UNION ALL
      SELECT s.id, GREATEST(ev.at, s."firstSeenAt"), LEAST(COALESCE(ev.until, 'infinity'), COALESCE(s."remediatedAt", 'infinity'))
      FROM ev JOIN "Secret" s ON s.id = ev.id
      WHERE ev.state IN ${OPEN_STATES_SQL} AND s."firstSeenAt" <= ${asOf}
      UNION ALL
      -- An accepted risk is open again from its date on (as secretStateAt reads it), until the next change.
      SELECT s.id, GREATEST(ev.at, ev.expires, s."firstSeenAt"), LEAST(COALESCE(ev.until, 'infinity'), COALESCE(s."remediatedAt", 'infinity'))
      FROM ev JOIN "Secret" s ON s.id = ev.id
      WHERE ev.state = 'accepted_risk' AND ev.expires IS NOT NULL AND s."firstSeenAt" <= ${asOf}
    ), ranges AS MATERIALIZED (
      -- As week indexes: weeks whose end falls in [lo, hi).
      SELECT id, ${weekOf(Prisma.sql`lo`)} AS a, ${weekOf(Prisma.sql`hi`)} - 1 AS b FROM periods
    ), open_ranges AS MATERIALIZED (
      SELECT * FROM ranges WHERE a <= b
    ), per AS MATERIALIZED (
      -- One pass, two groupings: each image's weeks (OR of its open secrets' ranges from the occurrence on), and each
      -- secret's first week in each group.
      SELECT o."imageId", min(${group.id}) AS gid, o."secretId" AS sid, min(${weekOf(Prisma.sql`o."firstSeenAt"`)}) AS since,
             GROUPING(o."imageId") AS by_secret,
             bit_or(${rangeMask(Prisma.sql`GREATEST(rg.a, ${weekOf(Prisma.sql`o."firstSeenAt"`)})`, Prisma.sql`rg.b`, 0)}) AS m0,
             bit_or(${rangeMask(Prisma.sql`GREATEST(rg.a, ${weekOf(Prisma.sql`o."firstSeenAt"`)})`, Prisma.sql`rg.b`, 1)}) AS m1
      FROM open_ranges rg JOIN "Occurrence" o ON o."secretId" = rg.id ${group.join}
      GROUP BY GROUPING SETS ((o."imageId"), (o."secretId", ${group.id}))
    ), images AS (
      SELECT w.k, p.gid, count(*)::int AS n FROM (SELECT * FROM per WHERE by_secret = 0) p CROSS JOIN weeks w
      WHERE ((CASE WHEN w.k < ${WORD} THEN p.m0 >> w.k ELSE p.m1 >> (w.k - ${WORD}) END) & 1) = 1
      GROUP BY w.k, p.gid
    ), edges AS (
      SELECT p.gid, GREATEST(rg.a, p.since) AS k, 1 AS d FROM per p JOIN open_ranges rg ON rg.id = p.sid
      WHERE p.by_secret = 1 AND GREATEST(rg.a, p.since) <= rg.b
      UNION ALL
      SELECT p.gid, rg.b + 1, -1 FROM per p JOIN open_ranges rg ON rg.id = p.sid
      WHERE p.by_secret = 1 AND GREATEST(rg.a, p.since) <= rg.b AND rg.b + 1 < ${n}
    ), edge_sums AS (
      SELECT gid, k, sum(d) AS d FROM edges GROUP BY gid, k
    ), filled AS (
      -- The running count over every week of every group that has any.
      SELECT w.k, g.gid, sum(COALESCE(e.d, 0)) OVER (PARTITION BY g.gid ORDER BY w.k)::int AS n
      FROM weeks w CROSS JOIN (SELECT DISTINCT gid FROM edge_sums) g LEFT JOIN edge_sums e ON e.gid = g.gid AND e.k = w.k
    )
    SELECT f.k, f.gid, f.n AS open, COALESCE(i.n, 0) AS images
    FROM filled f LEFT JOIN images i ON i.k = f.k AND i.gid = f.gid
    WHERE f.n > 0`;
}
