import { getDb } from "../db";

/** What happened in a reporting period: secrets found, confirmed and remediated, and the worst still open at its end. */
export async function getPeriodActivity(from: Date, to: Date) {
  const db = getDb();
  const [[counts], worst] = await Promise.all([
    db.$queryRaw<{ found: number; confirmed: number; remediated: number; scans: number }[]>`
      SELECT (SELECT count(*)::int FROM "Secret" WHERE "firstSeenAt" BETWEEN ${from}::timestamp AND ${to}::timestamp) AS found,
             (SELECT count(*)::int FROM "Secret" WHERE "confirmedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp) AS confirmed,
             (SELECT count(*)::int FROM "Secret" WHERE "remediatedAt" BETWEEN ${from}::timestamp AND ${to}::timestamp) AS remediated,
             (SELECT count(*)::int FROM "Scan" WHERE "createdAt" BETWEEN ${from}::timestamp AND ${to}::timestamp) AS scans`,
    db.secret.findMany({
      where: { firstSeenAt: { lte: to }, triageState: { in: ["open", "confirmed"] } },
      orderBy: [{ severity: "asc" }, { imageCount: "desc" }, { id: "asc" }],
      take: 25,
      select: { id: true, ruleId: true, title: true, severity: true, triageState: true, redactedPreview: true, imageCount: true, firstSeenAt: true },
    }),
  ]);
  return { ...counts!, worst };
}
