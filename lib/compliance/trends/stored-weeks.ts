import type { Db } from "../../db";
import type { TrendRow, TrendWindow } from "./window";

// Final weeks of the trends, stored once computed (model TrendWeek: why they cannot change, and when they are
// computed again).

const dates = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

/**
 * How many audit events are at or before the end of each week of the window that has ended: one pass over the events
 * up to the last such end, counted per week and summed. Taken before any week is read or computed, so a week is never
 * stored newer than it is.
 */
export async function eventsAtWeekEnds(db: Db, window: TrendWindow): Promise<number[]> {
  const ends = window.ends.slice(0, window.final);
  if (!ends.length) return [];
  // A millisecond after each end (timestamps have millisecond precision): width_bucket gives the week an event counts from.
  const perWeek = await db.$queryRaw<{ k: number; n: number }[]>`
    SELECT width_bucket(at, ${dates(ends.map((e) => e + 1))}::timestamp[]) AS k, count(*)::int AS n FROM "AuditEvent"
    WHERE at <= ${new Date(ends.at(-1)!)}::timestamp GROUP BY 1`;
  const n = new Map(perWeek.map((r) => [r.k, r.n]));
  let sum = 0;
  return ends.map((_, k) => (sum += n.get(k) ?? 0));
}

/** The window's ended weeks that are stored and still valid (`events`: eventsAtWeekEnds): their indexes and rows. */
export async function storedWeeks(
  db: Db,
  window: TrendWindow,
  events: number[],
): Promise<{ weeks: Set<number>; rows: TrendRow[] }> {
  const final = window.starts.slice(0, window.final);
  const stored = final.length
    ? await db.$queryRaw<{ week: Date; events: number }[]>`
        SELECT week, events FROM "TrendWeek" WHERE "groupBy" = ${window.groupBy}::"TrendGroupBy" AND week = ANY(${dates(final)}::timestamp[])`
    : [];
  const index = new Map(final.map((s, k) => [s, k]));
  const valid = stored.filter((w) => events[index.get(w.week.getTime())!] === w.events);
  const weeks = new Set(valid.map((w) => index.get(w.week.getTime())!));
  if (!weeks.size) return { weeks, rows: [] };
  const groups = await db.$queryRaw<{ week: Date; gid: string; open: number; images: number }[]>`
    SELECT week, "groupId" AS gid, "openSecrets" AS open, "affectedImages" AS images FROM "TrendWeekGroup"
    WHERE "groupBy" = ${window.groupBy}::"TrendGroupBy" AND week = ANY(${dates(valid.map((v) => v.week.getTime()))}::timestamp[])`;
  return { weeks, rows: groups.map(({ week, ...g }) => ({ k: index.get(week.getTime())!, ...g })) };
}

/** Stores ended weeks `ks` of a window from rows computed after `events` (eventsAtWeekEnds) were counted. */
export async function storeWeeks(
  db: Db,
  window: TrendWindow,
  ks: number[],
  events: number[],
  rows: TrendRow[],
): Promise<void> {
  if (!ks.length) return;
  const weekOf = new Map(ks.map((k) => [k, new Date(window.starts[k]!).toISOString()]));
  const groups = rows
    .filter((r) => weekOf.has(r.k))
    .map((r) => ({ week: weekOf.get(r.k)!, gid: r.gid, open: r.open, images: r.images }));
  await db.$transaction(async (tx) => {
    // The week rows first: their row locks order concurrent stores of the same weeks.
    await tx.$executeRaw`
      INSERT INTO "TrendWeek" ("groupBy", week, events, "computedAt")
      SELECT ${window.groupBy}::"TrendGroupBy", w, n, now() FROM unnest(${[...weekOf.values()]}::timestamp[], ${ks.map((k) => events[k]!)}::int[]) AS x(w, n)
      ORDER BY w
      ON CONFLICT ("groupBy", week) DO UPDATE SET events = EXCLUDED.events, "computedAt" = EXCLUDED."computedAt"`;
    await tx.$executeRaw`DELETE FROM "TrendWeekGroup" WHERE "groupBy" = ${window.groupBy}::"TrendGroupBy" AND week = ANY(${[...weekOf.values()]}::timestamp[])`;
    if (groups.length)
      await tx.$executeRaw`
        INSERT INTO "TrendWeekGroup" ("groupBy", week, "groupId", "openSecrets", "affectedImages")
        SELECT ${window.groupBy}::"TrendGroupBy", x.week, x.gid, x.open, x.images
        FROM json_to_recordset(${JSON.stringify(groups)}::json) AS x(week timestamp, gid text, open int, images int)`;
  });
}
