import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetImages, trufflehogLines } from "@/bench/fleet";
import type { UserActor } from "@/lib/access/actor";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { controlStatus } from "@/lib/compliance/control-status";
import { csvCell, EXPORT_COLUMNS, EXPORT_WRITERS, exportStream } from "@/lib/compliance/export-findings";
import { getTrends } from "@/lib/compliance/trends";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { allFixtures, readFixture } from "@/test/helpers/fixtures";
import { rawValuesInFixtures } from "@/test/helpers/raw-values";
import { trendsByDefinition } from "@/test/helpers/trends-by-definition";

let t: TestDb;
let triager: UserActor;
const system = { kind: "system", label: "test" } as const;
const read = async (s: ReadableStream<Uint8Array>) => new Response(s).text();
const statusOf = (summary: Awaited<ReturnType<typeof getComplianceSummary>>, id: string) =>
  summary.find((c) => c.control.id === id)!;

beforeAll(async () => {
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "tri@x.test", name: "Tri", role: "triager" } });
  triager = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "triager" };
});
afterAll(() => t.drop());

describe(`compliance on ${testDatabaseKind}`, () => {
  it("status rules, in order", () => {
    const none = {
      openSecrets: 0,
      openCritical: 0,
      openLive: 0,
      confirmedSecrets: 0,
      rotatedSecrets: 0,
      rotationsUnverified: 0,
      remediatedSecrets: 0,
      openSteps: 0,
      overdueSteps: 0,
      overdueRotations: 0,
      mttrHours: null,
      openExposureDays: 0,
      affectedImages: 0,
      affectedRegistries: 0,
      scans: 1,
    };
    expect(controlStatus(none).status).toBe("meeting");
    expect(controlStatus({ ...none, scans: 0 })).toEqual({
      status: "no_evidence",
      reasons: ["no scan in scope by this date"],
    });
    expect(controlStatus({ ...none, openSecrets: 2 })).toEqual({ status: "at_risk", reasons: ["2 open secrets"] });
    expect(controlStatus({ ...none, overdueSteps: 1 }).status).toBe("at_risk");
    expect(controlStatus({ ...none, openSecrets: 1, overdueRotations: 1 })).toMatchObject({
      status: "failing",
      reasons: ["1 critical/high secret unrotated past the SLA"],
    });
    expect(controlStatus({ ...none, openSecrets: 1, openLive: 1 }).status).toBe("failing");
  });

  it("an empty fleet has no evidence for any control: nothing is green without a scan", async () => {
    const s = await getComplianceSummary(new Date());
    expect(s.map((c) => c.status)).toEqual(s.map(() => "no_evidence"));
  });

  it("figures per control, failing once a critical rotation is past its SLA, and the same numbers later for a past date", async () => {
    const day1 = new Date("2026-11-01T10:00:00Z");
    await ingestScan({
      content: readFixture("gitleaks/version_7.5.0.json"),
      image: "ghcr.io/acme/api:1.0",
      uploader: system,
      now: day1,
    });
    await ingestScan({
      content: readFixture("trivy-upstream/secrets.json.golden"),
      image: "registry.gitlab.com/acme/worker:7",
      uploader: system,
      now: day1,
    });
    const day2 = new Date("2026-11-02T10:00:00Z");
    const before = await getComplianceSummary(day2);
    const nhi = statusOf(before, "OWASP-NHI-02");
    expect(nhi.status).toBe("at_risk");
    const open = await t.db.secret.count();
    expect(nhi.figures).toMatchObject({
      openSecrets: open,
      affectedRegistries: 2,
      confirmedSecrets: 0,
      overdueSteps: 0,
    });
    expect(nhi.figures.affectedImages).toBe(2);

    // Confirm the critical ones an hour later: their rotations are due a day after that.
    const critical = await t.db.secret.findMany({ where: { severity: "critical" }, select: { id: true } });
    expect(critical.length).toBeGreaterThan(0);
    await triageSecrets(
      triager,
      { ids: critical.map((c) => c.id), change: { state: "confirmed" } },
      new Date("2026-11-02T11:00:00Z"),
    );
    const day4 = new Date("2026-11-04T10:00:00Z");
    const later = statusOf(await getComplianceSummary(day4), "OWASP-NHI-02");
    expect(later.status).toBe("failing");
    expect(later.figures.overdueRotations).toBe(critical.length);

    // A false positive marked on day 5 does not change the figures as of day 2.
    const other = await t.db.secret.findFirstOrThrow({ where: { severity: { not: "critical" } } });
    await triageSecrets(
      triager,
      { ids: [other.id], change: { state: "false_positive", reason: "example key" } },
      new Date("2026-11-05T00:00:00Z"),
    );
    expect(statusOf(await getComplianceSummary(day2), "OWASP-NHI-02").figures).toEqual(nhi.figures);
    expect(
      statusOf(await getComplianceSummary(new Date("2026-11-06T00:00:00Z")), "OWASP-NHI-02").figures.openSecrets,
    ).toBe(open - 1);

    // Scoped to one registry.
    const gitlab = statusOf(await getComplianceSummary(day4, { registry: "registry.gitlab.com" }), "OWASP-NHI-02");
    expect(gitlab.figures.affectedRegistries).toBe(1);
  });

  it("weekly trends rebuild open secrets and images per registry from history", async () => {
    const { points } = (await getTrends({ asOf: new Date("2026-11-06T00:00:00Z"), weeks: 3, groupBy: "registry" }))
      .value;
    const lastWeek = points.filter((p) => p.week === "2026-11-02");
    expect(lastWeek.map((p) => p.group).sort()).toEqual(["ghcr.io", "registry.gitlab.com"]);
    expect(points.filter((p) => p.week === "2026-10-19")).toEqual([]); // before anything was seen
  });

  it("trends for now: after the data changes, served as last computed with that time while one refresh runs", async () => {
    const now = () => ({ asOf: new Date(), weeks: 4, groupBy: "repository" as const });
    const first = await getTrends(now());
    expect(first.refreshing).toBe(false);
    const images = fleetImages(1, { repositories: 1, bases: 1 });
    await ingestScan({
      content: Buffer.from(trufflehogLines(images[0]!, 5, { secretPool: 5, seed: 77 })),
      uploader: system,
    });
    const stale = await getTrends(now());
    expect(stale).toMatchObject({ refreshing: true, computedAt: first.computedAt, value: first.value });
    let fresh = stale;
    for (let i = 0; i < 100 && fresh.refreshing; i++)
      fresh = await new Promise((r) => setTimeout(r, 50)).then(() => getTrends(now()));
    expect(fresh.refreshing).toBe(false);
    expect(fresh.computedAt.getTime()).toBeGreaterThan(first.computedAt.getTime());
    expect(fresh.value).not.toEqual(first.value); // the new secrets count in this week
    // Asked fresh, and for a past date, never stale.
    expect((await getTrends(now(), { fresh: true })).refreshing).toBe(false);
  });

  it("exports every secret as CSV and JSON, with mappings and no raw value from any fixture", async () => {
    for (const f of allFixtures())
      await ingestScan({ content: readFixture(f), uploader: system }).catch(() => undefined);
    const n = await t.db.secret.count();
    const everything = { asOf: new Date(), scope: {} };
    const csv = await read(exportStream(EXPORT_WRITERS.csv, everything));
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(lines.length).toBe(n + 1);
    const json = JSON.parse(await read(exportStream(EXPORT_WRITERS.json, everything))) as Record<string, unknown>[];
    expect(json).toHaveLength(n);
    expect(json.every((r) => String(r.controls).includes("NIST-CSF-2.0-PR.DS-01"))).toBe(true);
    const leaked = rawValuesInFixtures().filter((v) => csv.includes(v) || JSON.stringify(json).includes(v));
    expect(leaked).toEqual([]);
  });

  it("weekly trends over months of history equal joining every week to every occurrence (the direct definition)", async () => {
    // Images scanned week after week, secrets shared between them, triage changes back and forth, a remediation.
    const images = fleetImages(8, { repositories: 4, bases: 2 });
    const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 8, 1 + day, hour)); // from Tue 1 Sep 2026
    for (let i = 0; i < 24; i++) {
      const img = images[i % images.length]!;
      await ingestScan({
        content: Buffer.from(trufflehogLines(img, 30, { secretPool: 60, seed: i })),
        uploader: system,
        now: at(i * 3),
      });
    }
    const ids = (
      await t.db.secret.findMany({
        where: { identityKind: "hmac", firstSeenAt: { lt: at(80) } },
        select: { id: true },
        orderBy: { id: "asc" },
      })
    ).map((s) => s.id);
    await triageSecrets(
      triager,
      { ids: ids.slice(0, 10), change: { state: "false_positive", reason: "test data" } },
      at(20),
    );
    await triageSecrets(triager, { ids: ids.slice(5, 10), change: { state: "open" } }, at(35)); // reopened
    await triageSecrets(triager, { ids: ids.slice(10, 20), change: { state: "confirmed" } }, at(30, 0));
    await triageSecrets(
      triager,
      { ids: ids.slice(20, 25), change: { state: "accepted_risk", reason: "internal only", acceptedUntil: at(120) } },
      at(42),
    );
    await t.db.secret.updateMany({
      where: { id: { in: [...ids.slice(10, 13), ...ids.slice(30, 33)] } },
      data: { remediatedAt: at(50) },
    });

    for (const [asOf, weeks, groupBy] of [
      [at(75), 12, "registry"],
      [at(75), 12, "repository"],
      [at(27, 0), 6, "repository"],
      [at(62), 3, "registry"],
      [new Date("2026-10-19T00:00:00Z"), 8, "registry"],
    ] as const) {
      const want = await trendsByDefinition(t.db, asOf, weeks, groupBy);
      expect(want.length).toBeGreaterThan(0);
      expect((await getTrends({ asOf, weeks, groupBy })).value.points).toEqual(want);
    }
  });

  it("neutralises spreadsheet formulas and quotes CSV cells", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(null)).toBe("");
  });
});
