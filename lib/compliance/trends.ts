import { getDb } from "../db";
import { planFleetScan } from "../db/plan-fleet-scan";
import { reportCache } from "./report-cache";
import { Prisma } from "../generated/prisma/client";
import { STATE_CHANGE_ACTIONS } from "./state-as-of";

export type TrendPoint = { week: string; group: string; openSecrets: number; affectedImages: number };

// Week sets as bit masks in two bigints of WORD bits each (weeks ≤ 2 × WORD; the query schema allows 104).
const WORD = 62;
const WEEK_MS = 7 * 86_400_000;

/**
 * Week-by-week open secrets and affected images, grouped by registry or repository, rebuilt from history: a
 * secret counts in a week if it was first seen before the week ended, not remediated by then, and its triage
 * state then (from the audit trail, as intervals) was open or confirmed; an occurrence counts from the week it
 * was first seen.
 *
 * One pass over the occurrences for all weeks (joining every week to every occurrence read 12× the table: 7-13 s
 * on PostgreSQL and over a minute on PGlite at 1M occurrences). Each secret's open periods become one bit mask of
 * weeks; an occurrence keeps the bits from its first week on. Per image the masks are OR-ed; per secret and group
 * the mask is cut at its first week there, and secrets with the same cut mask are counted together before the
 * weeks are expanded (a few rows per group instead of one per secret).
 */
async function computeTrends(opts: TrendsQuery) {
  const byRegistry = opts.groupBy === "registry";
  const groupId = byRegistry ? Prisma.sql`r."registryId"` : Prisma.sql`o."repositoryId"`;
  const registryJoin = byRegistry ? Prisma.sql`JOIN "Repository" r ON r.id = o."repositoryId"` : Prisma.empty;
  const groupName = byRegistry
    ? Prisma.sql`(SELECT host FROM "Registry" WHERE id = f.gid)`
    : Prisma.sql`(SELECT g.host || '/' || r.name FROM "Repository" r JOIN "Registry" g ON g.id = r."registryId" WHERE r.id = f.gid)`;
  const n = opts.weeks;
  // Weeks start on Monday (UTC, as date_trunc('week')); the last one ends at asOf.
  const asOfMs = opts.asOf.getTime();
  const monday = Date.UTC(opts.asOf.getUTCFullYear(), opts.asOf.getUTCMonth(), opts.asOf.getUTCDate() - ((opts.asOf.getUTCDay() + 6) % 7));
  const starts = Array.from({ length: n }, (_, k) => monday - (n - 1 - k) * WEEK_MS);
  // A millisecond after each week's end (timestamps have millisecond precision): width_bucket counts the weeks that
  // ended before t, which is the index of the first week t counts in; n when t is after asOf (or infinity).
  const pastEnds = starts.map((s) => new Date(Math.min(s + WEEK_MS, asOfMs) + 1).toISOString());
  const weekOf = (t: Prisma.Sql) => Prisma.sql`width_bucket(${t}, ${pastEnds}::timestamp[])`;
  const asOf = Prisma.sql`${opts.asOf}::timestamp`;
  // Bits a..b of mask word w.
  const rangeMask = (a: Prisma.Sql, b: Prisma.Sql, w: number) => {
    const lo = Prisma.sql`GREATEST(${a} - ${w * WORD}::int, 0)`;
    const hi = Prisma.sql`LEAST(${b} - ${w * WORD}::int, ${WORD - 1}::int)`;
    return Prisma.sql`(CASE WHEN ${lo} > ${hi} THEN 0::bigint ELSE ((1::bigint << (${hi} + 1)) - 1) # ((1::bigint << ${lo}) - 1) END)`;
  };
  const db = getDb();
  const [points, ttr] = await Promise.all([
    db.$transaction(async (tx) => {
      await planFleetScan(tx, true);
      // The CTE row estimates are far off (71 for 784,000 rows): left to itself the planner sorts them to group.
      await tx.$executeRaw`SELECT set_config('enable_sort', 'off', true)`;
      return tx.$queryRaw<{ k: number; grp: string; open: number; images: number }[]>`
      WITH weeks AS (
        SELECT k FROM generate_series(0, ${n - 1}::int) AS k
      ), ev AS (
        SELECT "entityId" AS id, at, after ->> 'state' AS state, lead(at) OVER (PARTITION BY "entityId" ORDER BY at, id) AS until,
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
        WHERE ev.state IN ('open', 'confirmed') AND s."firstSeenAt" <= ${asOf}
      ), ranges AS (
        -- As week indexes: weeks whose end falls in [lo, hi).
        SELECT id, ${weekOf(Prisma.sql`lo`)} AS a, ${weekOf(Prisma.sql`hi`)} - 1 AS b FROM periods
      ), secret_weeks AS (
        -- One row per secret open in any week: those weeks as a bit mask.
        SELECT id, bit_or(${rangeMask(Prisma.sql`a`, Prisma.sql`b`, 0)}) AS m0, bit_or(${rangeMask(Prisma.sql`a`, Prisma.sql`b`, 1)}) AS m1
        FROM ranges WHERE a <= b GROUP BY id
      ), occ AS (
        SELECT o."imageId", ${groupId} AS gid, o."secretId" AS sid, ${weekOf(Prisma.sql`o."firstSeenAt"`)} AS since, sw.m0, sw.m1
        FROM secret_weeks sw JOIN "Occurrence" o ON o."secretId" = sw.id ${registryJoin}
      ), per AS MATERIALIZED (
        -- One pass, two groupings: each image's weeks (OR of its open secrets' weeks from the occurrence on), and each
        -- secret's first week in each group. Groups by id here, named at the end.
        SELECT "imageId", min(gid) AS gid, sid, min(since) AS since, GROUPING("imageId") AS by_secret,
               bit_or(m0 & ${rangeMask(Prisma.sql`since`, Prisma.sql`${n - 1}::int`, 0)}) AS m0,
               bit_or(m1 & ${rangeMask(Prisma.sql`since`, Prisma.sql`${n - 1}::int`, 1)}) AS m1,
               min(m0) AS sm0, min(m1) AS sm1
        FROM occ
        GROUP BY GROUPING SETS (("imageId"), (sid, gid))
      ), images AS (
        SELECT w.k, p.gid, count(*)::int AS n FROM (SELECT * FROM per WHERE by_secret = 0) p CROSS JOIN weeks w
        WHERE ((CASE WHEN w.k < ${WORD} THEN p.m0 >> w.k ELSE p.m1 >> (w.k - ${WORD}) END) & 1) = 1
        GROUP BY w.k, p.gid
      ), secret_classes AS (
        -- Secrets in a group with the same weeks and first week there count alike: a few rows per group.
        SELECT gid, sm0 & ${rangeMask(Prisma.sql`since`, Prisma.sql`${n - 1}::int`, 0)} AS m0, sm1 & ${rangeMask(Prisma.sql`since`, Prisma.sql`${n - 1}::int`, 1)} AS m1, count(*) AS c
        FROM per WHERE by_secret = 1 GROUP BY 1, 2, 3
      ), opened AS (
        SELECT w.k, sc.gid, sum(sc.c)::int AS n FROM secret_classes sc CROSS JOIN weeks w
        WHERE ((CASE WHEN w.k < ${WORD} THEN sc.m0 >> w.k ELSE sc.m1 >> (w.k - ${WORD}) END) & 1) = 1
        GROUP BY w.k, sc.gid
      )
      SELECT f.k, ${groupName} AS grp, f.n AS open, COALESCE(i.n, 0) AS images
      FROM opened f LEFT JOIN images i ON i.k = f.k AND i.gid = f.gid
      ORDER BY f.k, grp`;
    }),
    db.$queryRaw<{ week: Date; hours: number; n: number }[]>`
      SELECT date_trunc('week', "remediatedAt") AS week, (avg(extract(epoch FROM ("remediatedAt" - COALESCE("confirmedAt", "firstSeenAt")))) / 3600)::float8 AS hours, count(*)::int AS n
      FROM "Secret" WHERE "remediatedAt" <= ${opts.asOf}::timestamp AND "remediatedAt" > ${opts.asOf}::timestamp - (${opts.weeks}::int * interval '1 week')
      GROUP BY 1 ORDER BY 1`,
  ]);
  const week = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const weeks = starts.map(week);
  return {
    weeks,
    points: points.map((p) => ({ week: weeks[p.k]!, group: p.grp, openSecrets: p.open, affectedImages: p.images })),
    timeToRemediate: ttr.map((t) => ({ week: week(t.week.getTime()), hours: t.hours, remediated: t.n })),
  };
}

type TrendsQuery = { asOf: Date; weeks: number; groupBy: "registry" | "repository" };
export type Trends = Awaited<ReturnType<typeof computeTrends>>;

const cached = reportCache<Trends>();

/** Cached until the data changes, like the compliance summary shown beside it. */
export async function getTrends(opts: TrendsQuery, cache: { fresh?: boolean } = {}): Promise<Trends> {
  return cached(opts.asOf, [opts.weeks, opts.groupBy], () => computeTrends(opts), cache);
}
