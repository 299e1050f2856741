import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetImages, residueSarif, trufflehogLines } from "@/bench/fleet";
import type { UserActor } from "@/lib/access/actor";
import { getTrends, storeTrendWeeks } from "@/lib/compliance/trends";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { trendsByDefinition } from "@/test/helpers/trends-by-definition";

let t: TestDb;
let triager: UserActor;
const system = { kind: "system", label: "test" } as const;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "tri@x.test", name: "Tri", role: "triager" } });
  triager = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "triager" };

  // Three months of history written in time order, as a running server writes it: images scanned every few days,
  // keys shared between them, triage changes back and forth; then this week's scans, now.
  const images = fleetImages(8, { repositories: 4, bases: 2 });
  const start = Date.now() - 100 * DAY;
  const ids = async () =>
    (await t.db.secret.findMany({ select: { id: true }, orderBy: { firstSeenAt: "asc" } })).map((s) => s.id);
  for (let i = 0; i < 30; i++) {
    const at = new Date(start + i * 3 * DAY);
    const img = images[i % images.length]!;
    const report =
      i % 2
        ? trufflehogLines(img, 25, { secretPool: 60, seed: i })
        : residueSarif(img, 25, { secretPool: 60, seed: i });
    await ingestScan({ content: Buffer.from(report), uploader: system, now: at });
    const known = await ids();
    if (i === 10)
      await triageSecrets(
        triager,
        { ids: known.slice(0, 8), change: { state: "false_positive", reason: "test data" } },
        at,
      );
    if (i === 14) await triageSecrets(triager, { ids: known.slice(4, 8), change: { state: "open" } }, at); // reopened
    if (i === 18) await triageSecrets(triager, { ids: known.slice(8, 16), change: { state: "confirmed" } }, at);
    if (i === 22)
      await triageSecrets(
        triager,
        {
          ids: known.slice(16, 20),
          change: { state: "accepted_risk", reason: "internal only", acceptedUntil: new Date(Date.now() + 30 * DAY) },
        },
        at,
      );
  }
  for (const img of images.slice(0, 3))
    await ingestScan({
      content: Buffer.from(trufflehogLines(img, 10, { secretPool: 80, seed: 99 })),
      uploader: system,
    });
});
afterAll(() => t.drop());

describe(`stored trend weeks on ${testDatabaseKind}`, () => {
  for (const groupBy of ["registry", "repository"] as const) {
    it(`by ${groupBy}: weeks that have ended are stored, the current week comes from the current state, a backdated write recomputes`, async () => {
      const now = () => ({ asOf: new Date(), weeks: 16, groupBy });
      const rebuilt = (await getTrends(now(), { fresh: true })).value; // nothing stored yet: from history
      expect(await t.db.trendWeek.count({ where: { groupBy } })).toBe(0); // a read never writes
      expect(await storeTrendWeeks(now())).toBe(15); // the scheduled job stores the ended weeks
      expect(await t.db.trendWeek.count({ where: { groupBy } })).toBe(15);
      expect(rebuilt.points).toEqual(await trendsByDefinition(t.db, new Date(), 16, groupBy));
      expect(rebuilt.points.filter((p) => p.week === rebuilt.weeks[15]).length).toBeGreaterThan(0);

      // Read back: the same figures, and read from storage (a changed stored figure shows).
      expect((await getTrends(now(), { fresh: true })).value).toEqual(rebuilt);
      const lastEnded = new Date(`${rebuilt.weeks[14]}T00:00:00Z`);
      const marked = await t.db.trendWeekGroup.updateMany({
        where: { groupBy, week: lastEnded },
        data: { openSecrets: 9999 },
      });
      expect(marked.count).toBeGreaterThan(0);
      expect((await getTrends(now(), { fresh: true })).value.points.filter((p) => p.openSecrets === 9999)).toHaveLength(
        marked.count,
      );

      // A write dated in the past (an import) changes weeks that had ended: they are computed again.
      // A secret never triaged, open since before that week.
      const [open] = await t.db.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Secret" s WHERE "triageState" = 'open' AND "firstSeenAt" < ${lastEnded}
          AND NOT EXISTS (SELECT 1 FROM "AuditEvent" a WHERE a."entityId" = s.id AND a.action = 'secret.triaged')
        ORDER BY id LIMIT 1`;
      await triageSecrets(
        triager,
        { ids: [open!.id], change: { state: "false_positive", reason: "backdated" } },
        new Date(lastEnded.getTime() + DAY),
      );
      const after = (await getTrends(now(), { fresh: true })).value;
      expect(after.points.some((p) => p.openSecrets === 9999)).toBe(false);
      await storeTrendWeeks(now());
      expect(after.points).toEqual(await trendsByDefinition(t.db, new Date(), 16, groupBy));
      expect(after.points).not.toEqual(rebuilt.points);
      // Put back in time order for the next case: the same secret, open again now.
      await triageSecrets(triager, { ids: [open!.id], change: { state: "open" } });
    });
  }

  it("a past date: rebuilt from history at first, then its ended weeks stored and its last week from the audit trail; after a week ends, that week alone", async () => {
    const asOf = new Date(Date.now() - 40 * DAY);
    const want = await trendsByDefinition(t.db, asOf, 6, "repository");
    await t.db.trendWeek.deleteMany();
    expect((await getTrends({ asOf, weeks: 6, groupBy: "repository" }, { fresh: true })).value.points).toEqual(want);
    await storeTrendWeeks({ asOf, weeks: 6, groupBy: "repository" });
    expect(await t.db.trendWeek.count()).toBe(5);
    expect((await getTrends({ asOf, weeks: 6, groupBy: "repository" }, { fresh: true })).value.points).toEqual(want);
    const weeks = (await t.db.trendWeek.findMany({ orderBy: { week: "asc" } })).map((w) => w.week);
    await t.db.trendWeek.deleteMany({ where: { week: { in: [weeks[1]!, weeks[3]!] } } });
    expect((await getTrends({ asOf, weeks: 6, groupBy: "repository" }, { fresh: true })).value.points).toEqual(want);
    await storeTrendWeeks({ asOf, weeks: 6, groupBy: "repository" });
    expect(await t.db.trendWeek.count()).toBe(5);
    // And for now, with the latest ended week missing (the first view after a week ends): that week alone is computed,
    // the others are read as stored (a changed stored figure shows).
    const nowWant = await trendsByDefinition(t.db, new Date(), 16, "registry");
    await getTrends({ asOf: new Date(), weeks: 16, groupBy: "registry" }, { fresh: true });
    await storeTrendWeeks({ asOf: new Date(), weeks: 16, groupBy: "registry" });
    const ended = (await t.db.trendWeek.findMany({ where: { groupBy: "registry" }, orderBy: { week: "asc" } })).map(
      (w) => w.week,
    );
    expect(ended).toHaveLength(15);
    const marked = await t.db.trendWeekGroup.updateMany({
      where: { groupBy: "registry", week: ended[13] },
      data: { openSecrets: 9999 },
    });
    expect(marked.count).toBeGreaterThan(0);
    await t.db.trendWeek.deleteMany({ where: { groupBy: "registry", week: ended[14] } });
    const points = (await getTrends({ asOf: new Date(), weeks: 16, groupBy: "registry" }, { fresh: true })).value
      .points;
    expect(points.filter((p) => p.openSecrets === 9999)).toHaveLength(marked.count);
    expect(points.filter((p) => p.openSecrets !== 9999)).toEqual(
      nowWant.filter((p) => p.week !== ended[13]!.toISOString().slice(0, 10)),
    );
    await storeTrendWeeks({ asOf: new Date(), weeks: 16, groupBy: "registry" });
    expect(await t.db.trendWeek.count({ where: { groupBy: "registry" } })).toBe(15);
  });
});
