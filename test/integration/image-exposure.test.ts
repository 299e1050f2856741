import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetImages, residueSarif, trufflehogLines } from "@/bench/fleet";
import type { UserActor } from "@/lib/access/actor";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { getFleetSummary } from "@/lib/stats/get-fleet-summary";
import { reopenExpiredRisks } from "@/lib/triage/reopen-expired-risks";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { allFixtures, readFixture } from "@/test/helpers/fixtures";
import { expectRollupsEqualRecount, keptImageExposure } from "@/test/helpers/rollups";

let t: TestDb;
let triager: UserActor;
const system = { kind: "system", label: "test" } as const;
const at = (day: number) => new Date(Date.UTC(2026, 8, 1 + day, 10)); // from 1 Sep 2026, all before the test runs

beforeAll(async () => {
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "tri@x.test", name: "Tri", role: "triager" } });
  triager = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "triager" };
});
afterAll(() => t.drop());

const kept = () => keptImageExposure(t.db);
const expectKeptEqualsRecount = () => expectRollupsEqualRecount(t.db);
const secretIds = async () =>
  (await t.db.secret.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id);

describe(`exposure rollups (per image, per repository and registry) on ${testDatabaseKind}`, () => {
  it("equals a recount from the occurrences after every kind of write: ingest, triage, expiry, regression, direct updates, deletes", async () => {
    // Every fixture (all finding types: residue, history, config, final filesystem), then a fleet with shared secrets.
    for (const f of allFixtures())
      await ingestScan({ content: readFixture(f), uploader: system, now: at(0) }).catch(() => undefined);
    const images = fleetImages(8, { repositories: 4, bases: 2 });
    const report = (i: number) =>
      Buffer.from((i % 2 ? trufflehogLines : residueSarif)(images[i % 8]!, 30, { secretPool: 60, seed: i }));
    for (let i = 0; i < 16; i++) await ingestScan({ content: report(i), uploader: system, now: at(i) });
    const first = await expectKeptEqualsRecount();
    expect(first.length).toBeGreaterThan(8);
    for (const k of ["residue", "present", "inherited"])
      expect(
        first.some((r) => Number(r[k]) > 0),
        k,
      ).toBe(true);

    const ids = await secretIds();
    await triageSecrets(
      triager,
      { ids: ids.slice(0, 12), change: { state: "false_positive", reason: "test data" } },
      at(20),
    );
    await expectKeptEqualsRecount();
    await triageSecrets(triager, { ids: ids.slice(6, 12), change: { state: "open" } }, at(21));
    await triageSecrets(triager, { ids: ids.slice(12, 24), change: { state: "confirmed" } }, at(21));
    await expectKeptEqualsRecount();

    // Accepted risk that expires: the expiry sweep reopens it.
    await triageSecrets(
      triager,
      { ids: ids.slice(24, 30), change: { state: "accepted_risk", reason: "internal", acceptedUntil: at(30) } },
      at(22),
    );
    await expectKeptEqualsRecount();
    await reopenExpiredRisks(at(31));
    expect(await t.db.secret.count({ where: { id: { in: ids.slice(24, 30) }, triageState: "open" } })).toBe(6);
    await expectKeptEqualsRecount();

    // Resolved, then found again by later scans: a regression reopens them, counting old and new occurrences.
    const fleetSecrets = (
      await t.db.secret.findMany({
        where: { identityKind: "hmac", detector: { not: "" } },
        select: { id: true },
        orderBy: { id: "asc" },
      })
    ).map((s) => s.id);
    await triageSecrets(triager, { ids: fleetSecrets, change: { state: "resolved", reason: "rotated" } }, at(32));
    expect((await kept()).some((r) => Number(r.open) > 0)).toBe(true); // fixtures' secrets stay open
    await expectKeptEqualsRecount();
    for (let i = 16; i < 20; i++) await ingestScan({ content: report(i), uploader: system, now: at(i + 20) });
    expect(await t.db.secret.count({ where: { regression: true } })).toBeGreaterThan(0);
    await expectKeptEqualsRecount();

    // Writes outside the app's functions are kept too (the rollup lives in the database).
    await t.db.secret.updateMany({ where: { id: { in: ids.slice(12, 18) } }, data: { remediatedAt: at(45) } });
    // Flags on secrets that are open now (which ones are depends on the ids' order, and on the regressions above).
    const openNow = await t.db.secret.findMany({
      where: { triageState: { in: ["open", "confirmed"] }, remediatedAt: null, occurrences: { some: {} } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 6,
    });
    expect(openNow.length).toBeGreaterThan(0);
    await t.db.secret.updateMany({
      where: { id: { in: openNow.map((s) => s.id) } },
      data: { inHistory: true, inConfig: true },
    });
    const updated = await expectKeptEqualsRecount();
    for (const k of ["history", "config"])
      expect(
        updated.some((r) => Number(r[k]) > 0),
        k,
      ).toBe(true);
    const victim = await t.db.image.findFirstOrThrow({ where: { occurrences: { some: {} } }, orderBy: { id: "asc" } });
    await t.db.image.delete({ where: { id: victim.id } });
    await t.db.secret.delete({ where: { id: ids.at(-1)! } });
    await t.db.occurrence.deleteMany({
      where: { id: (await t.db.occurrence.findFirstOrThrow({ orderBy: { id: "desc" } })).id },
    });
    // An image whose last occurrence goes loses its row: the home page counts the rows as the images with findings.
    const emptied = await t.db.image.findFirstOrThrow({
      where: { occurrences: { some: {} } },
      orderBy: { id: "desc" },
    });
    await t.db.occurrence.deleteMany({ where: { imageId: emptied.id } });
    const last = await expectKeptEqualsRecount();
    expect(last.some((r) => r.imageId === victim.id || r.imageId === emptied.id)).toBe(false);
    const [withFindings] = await t.db.$queryRaw<
      { n: number }[]
    >`SELECT count(DISTINCT "imageId")::int AS n FROM "Occurrence"`;
    expect((await getFleetSummary()).affectedImages).toBe(withFindings!.n);
  });

  it("the figures for now, read from it, equal the ones replayed from the occurrences and the audit trail", async () => {
    // Nothing has happened for weeks of test time, so ten seconds ago (computed from history) and now (from the rollup) agree.
    const past = new Date(Date.now() - 10_000);
    const now = await getComplianceSummary(new Date(), {}, { fresh: true });
    const then = await getComplianceSummary(past, {}, { fresh: true });
    expect(now.map((c) => c.figures.affectedImages).some((n) => n > 0)).toBe(true);
    // Every figure but the exposure, which grows with the date by definition: by at most 10 s per open secret.
    const steady = (s: typeof now) => s.map((c) => [c.control.id, { ...c.figures, openExposureDays: 0 }]);
    expect(steady(now)).toEqual(steady(then));
    now.forEach((c, i) => {
      const grown = c.figures.openExposureDays - then[i]!.figures.openExposureDays;
      expect(grown).toBeGreaterThanOrEqual(0);
      expect(grown).toBeLessThanOrEqual((c.figures.openSecrets * 11) / 86_400);
    });
    const metricsNow = await getRemediationMetrics({}, { fresh: true });
    const metricsThen = await getRemediationMetrics({ asOf: past }, { fresh: true });
    expect(metricsNow.affectedImages).toBeGreaterThan(0);
    expect(metricsNow.affectedImages).toBe(metricsThen.affectedImages);
  });
});
