import { getDb, type Db } from "../../db";
import { reportCache, type Cached } from "../report-cache";
import { repositoriesInScope, secretInScope, type Scope } from "../scope";
import { trendWeek } from "./one-week";
import { trendsFromHistory } from "./from-history";
import { eventsAtWeekEnds, storedWeeks, storeWeeks } from "./stored-weeks";
import { mondayOf, trendsGroupBy, trendWindow, type TrendRow, type TrendsQuery, type TrendWindow } from "./window";

export type { TrendsQuery } from "./window";
export type TrendPoint = { week: string; group: string; openSecrets: number; affectedImages: number };

/**
 * The rows of a trends window: weeks that have ended read as stored (TrendWeek) when still valid; the others
 * computed as the state at their end: the current week from the rollups; an ended week nothing was written after
 * (the first view after a week ends, usually) from the rollups too; one ended week otherwise missing on its own (a
 * backdated write reached it); when more are missing, the whole window in one pass over the history.
 */
async function windowRows(q: TrendsQuery) {
  const db = getDb();
  const window = trendWindow(q);
  const events = await eventsAtWeekEnds(db, window);
  const stored = await storedWeeks(db, window, events);
  const missing = indexes(0, window.final).filter((k) => !stored.weeks.has(k));
  const [total] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "AuditEvent"`;
  // Every write writes an audit event: as many events at a week's end as now means its state is the stored one.
  const unchanged = (k: number) => events[k] === total!.n;
  const rows = await db.$transaction(async (tx) => {
    if (missing.filter((k) => !unchanged(k)).length > ONE_BY_ONE) return trendsFromHistory(tx, window);
    const computed = [...stored.rows];
    for (const k of indexes(window.final, window.starts.length)) computed.push(...(await trendWeek(tx, window, k)));
    for (const k of missing) computed.push(...(await trendWeek(tx, window, k, { unchangedSince: unchanged(k) })));
    return computed;
  });
  return { db, window, events, missing, rows };
}

/**
 * Week-by-week open secrets and affected images per registry or repository, and the time to remediate, within a
 * scope: each group's figures are those of the scope of that one group (lib/compliance/figures.ts) at each week's
 * end, so a scoped report shows the groups inside its scope (counted by trendsGroupBy). Reads only.
 */
async function computeTrends(q: TrendsQuery, scope: Scope) {
  const { db, window, rows } = await windowRows(q);
  const [points, ttr] = await Promise.all([named(db, window, rows, scope), timeToRemediate(db, window, scope)]);
  return { weeks: window.starts.map(day), points, timeToRemediate: ttr };
}

/**
 * Stores the window's ended weeks that are missing or out of date, so later reads take them as stored. Derived
 * data, written by the scheduled job (lib/jobs/jobs.ts), never by a page read. Returns how many weeks it stored.
 */
export async function storeTrendWeeks(q: TrendsQuery): Promise<number> {
  const { db, window, events, missing, rows } = await windowRows(q);
  await storeWeeks(db, window, missing, events, rows);
  return missing.length;
}

// Weeks that have ended computed on their own rather than with the window: one. An ended week alone (its triage
// states from the audit trail, its images from the occurrences) costs about half of the whole window in one pass, so
// two missing weeks are already cheaper as one pass (npm run bench times both).
const ONE_BY_ONE = 1;

const indexes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Rows of the groups in scope with their names, in week order, then by name (the database's collation, as
 * everywhere else).
 */
async function named(db: Db, window: TrendWindow, rows: TrendRow[], scope: Scope): Promise<TrendPoint[]> {
  const ids = [...new Set(rows.map((r) => r.gid))];
  const names = await (window.groupBy === "registry"
    ? db.$queryRaw<{ id: string; name: string }[]>`
        SELECT g.id, g.host AS name FROM "Registry" g
        WHERE g.id = ANY(${ids}::text[]) AND g.id IN (SELECT r."registryId" FROM "Repository" r WHERE r.id IN (${repositoriesInScope(scope)}))
        ORDER BY name`
    : db.$queryRaw<{ id: string; name: string }[]>`
        SELECT r.id, g.host || '/' || r.name AS name FROM "Repository" r JOIN "Registry" g ON g.id = r."registryId"
        WHERE r.id = ANY(${ids}::text[]) AND r.id IN (${repositoriesInScope(scope)}) ORDER BY name`);
  const rank = new Map(names.map((n, i) => [n.id, i]));
  return rows
    .filter((r) => rank.has(r.gid))
    .sort((a, b) => a.k - b.k || rank.get(a.gid)! - rank.get(b.gid)!)
    .map((r) => ({
      week: day(window.starts[r.k]!),
      group: names[rank.get(r.gid)!]!.name,
      openSecrets: r.open,
      affectedImages: r.images,
    }));
}

/**
 * Average hours from first seen (or confirmed) to remediated, per week of remediation, over the secrets in scope
 * then (the mttrHours figure of each week).
 */
async function timeToRemediate(db: Db, window: TrendWindow, scope: Scope) {
  const ttr = await db.$queryRaw<{ week: Date; hours: number; n: number }[]>`
    SELECT date_trunc('week', s."remediatedAt") AS week, (avg(extract(epoch FROM (s."remediatedAt" - COALESCE(s."confirmedAt", s."firstSeenAt")))) / 3600)::float8 AS hours, count(*)::int AS n
    FROM "Secret" s WHERE s."remediatedAt" <= ${window.asOf}::timestamp AND s."remediatedAt" >= ${new Date(window.starts[0]!)}::timestamp
      AND ${secretInScope("s", scope, window.asOf)}
    GROUP BY 1 ORDER BY 1`;
  return ttr.map((t) => ({ week: day(t.week.getTime()), hours: t.hours, remediated: t.n }));
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type Trends = Awaited<ReturnType<typeof computeTrends>>;

// A new upload changes the current week only: served as last computed (with its time) for up to ten minutes after
// the data changed, while the recomputation runs. For "now", the figures move with the data and the week, not the
// minute (the last week ends at the last change of state).
const cached = reportCache<Trends>({ staleMs: 10 * 60_000, nowBucket: mondayOf });

/** Cached until the data changes, like the compliance summary shown beside it, then refreshed in the background. */
export async function getTrends(
  opts: TrendsQuery & { scope?: Scope },
  cache: { fresh?: boolean } = {},
): Promise<Cached<Trends>> {
  const { scope = {}, ...query } = opts;
  const q = { ...query, groupBy: trendsGroupBy(query.groupBy, scope) };
  return cached(q.asOf, [q.weeks, q.groupBy, scope], () => computeTrends(q, scope), cache);
}
