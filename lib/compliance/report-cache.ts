import { getDb } from "../db";
import { isCurrent } from "./state-as-of";

/** A cached report and when it was computed (a stale one is served with its time, never as current). */
export type Cached<T> = { value: T; computedAt: Date; refreshing: boolean };

/**
 * Report figures cached until the data changes: dashboards re-read the same figures. Every change of state writes
 * an AuditEvent (ingest, triage, steps, tags, expiry) and events are never deleted, so their count is the data
 * version. A report for "now" is cached per minute (or nowBucket); one for a past date, for that date.
 *
 * With staleMs, a report for "now" whose data changed is served as last computed, if that was less than staleMs
 * ago, while one computation for it runs in the background: for reports that take seconds at fleet scale and change
 * little from one upload to the next (weekly trends, whose past weeks are final). Past dates are always exact.
 * nowBucket: what else than the data a report for "now" depends on (by default the minute: SLA deadlines pass).
 */
export function reportCache<T>(opts: { size?: number; staleMs?: number; nowBucket?: (asOf: Date) => number } = {}) {
  const size = opts.size ?? 50;
  const nowBucket = opts.nowBucket ?? ((asOf: Date) => Math.floor(asOf.getTime() / 60_000));
  type Entry = Omit<Cached<T>, "refreshing">;
  // Per database client: scripts and tests switch databases in one process, and two can be at the same version.
  // `latest` is each report's last value whatever the version, served while stale.
  const caches = new WeakMap<
    object,
    { entries: Map<string, Entry>; latest: Map<string, Entry>; running: Map<string, Promise<Entry>> }
  >();
  return async (
    asOf: Date,
    params: unknown,
    compute: () => Promise<T>,
    call: { fresh?: boolean } = {},
  ): Promise<Cached<T>> => {
    const db = getDb();
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = { entries: new Map(), latest: new Map(), running: new Map() }));
    const { entries, latest, running } = cache;
    const [v] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "AuditEvent"`;
    const report = JSON.stringify([isCurrent(asOf) ? "now" : asOf.getTime(), params]);
    const key = JSON.stringify([isCurrent(asOf) ? nowBucket(asOf) : asOf.getTime(), params, Number(v?.n ?? 0)]);
    const hit = !call.fresh && entries.get(key);
    if (hit) return { ...hit, refreshing: false };
    const run = () => {
      let pending = running.get(key);
      if (!pending) {
        pending = compute()
          .then((value) => {
            const entry = { value, computedAt: new Date() };
            entries.set(key, entry);
            if (entries.size > size) entries.delete(entries.keys().next().value!);
            latest.set(report, entry);
            if (latest.size > size) latest.delete(latest.keys().next().value!);
            return entry;
          })
          .finally(() => running.delete(key));
        running.set(key, pending);
      }
      return pending;
    };
    const stale = !call.fresh && opts.staleMs && isCurrent(asOf) ? latest.get(report) : undefined;
    if (stale && Date.now() - stale.computedAt.getTime() < opts.staleMs!) {
      run().catch((e: unknown) =>
        console.error(`residue: report refresh failed: ${e instanceof Error ? e.message : String(e)}`),
      );
      return { ...stale, refreshing: true };
    }
    return { ...(await run()), refreshing: false };
  };
}
