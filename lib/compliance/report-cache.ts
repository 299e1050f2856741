import { getDb } from "../db";
import { isCurrent } from "./state-as-of";

/**
 * Report figures cached until the data changes: dashboards re-read the same figures. Every change of state writes
 * an AuditEvent (ingest, triage, steps, tags, expiry) and events are never deleted, so their count is the data
 * version. A report for "now" is cached per minute; one for a past date, for that date.
 */
export function reportCache<T>(size = 50) {
  const entries = new Map<string, T>();
  return async (asOf: Date, params: unknown, compute: () => Promise<T>, opts: { fresh?: boolean } = {}): Promise<T> => {
    const [v] = await getDb().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "AuditEvent"`;
    const key = JSON.stringify([isCurrent(asOf) ? Math.floor(asOf.getTime() / 60_000) : asOf.getTime(), params, Number(v?.n ?? 0)]);
    const hit = !opts.fresh && entries.get(key);
    if (hit) return hit;
    const value = await compute();
    entries.set(key, value);
    if (entries.size > size) entries.delete(entries.keys().next().value!);
    return value;
  };
}
