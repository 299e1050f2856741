import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetImages, residueSarif } from "@/bench/fleet";
import type { UserActor } from "@/lib/access/actor";
import { listAuditEvents } from "@/lib/audit/list-audit";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { exportFindings } from "@/lib/compliance/export-findings";
import { getPeriodActivity } from "@/lib/compliance/period-activity";
import { getTrends } from "@/lib/compliance/trends";
import { evaluateGate } from "@/lib/gate/evaluate-gate";
import { checkHealth } from "@/lib/health/check-health";
import { getImage } from "@/lib/images/get-image";
import { getRepository } from "@/lib/images/get-repository";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { listSteps } from "@/lib/remediation/list-steps";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { listStepsQuerySchema } from "@/lib/remediation/schemas";
import { listScans } from "@/lib/scans/list-scans";
import { getSecret } from "@/lib/secrets/get-secret";
import { getSecretActivity } from "@/lib/secrets/get-secret-activity";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";
import { getFleetSummary } from "@/lib/stats/get-fleet-summary";
import { reopenExpiredRisks } from "@/lib/triage/reopen-expired-risks";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { trendsByDefinition } from "@/test/helpers/trends-by-definition";

let t: TestDb;
let admin: UserActor;
const system = { kind: "system", label: "test" } as const;
const DAY = 86_400_000;
const images = fleetImages(6, { repositories: 3, bases: 2 });

beforeAll(async () => {
  t = await setupTestDb();
  const u = await t.db.user.create({ data: { email: "adm@x.test", name: "Adm", role: "admin" } });
  admin = { kind: "user", userId: u.id, email: u.email, name: u.name, role: "admin" };
  const at = new Date(Date.now() - 20 * DAY);
  for (const [i, img] of images.entries())
    await ingestScan({
      content: Buffer.from(residueSarif(img, 12, { secretPool: 30, seed: i })),
      uploader: system,
      now: new Date(at.getTime() + i * 60_000),
    });
}, 120_000);
afterAll(() => t.drop());

/** Every row of every table, as one digest per table: any write (insert, update, delete) changes one. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await t.db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`;
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await t.db.$queryRawUnsafe<{ d: string | null }[]>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS d FROM "${name}" x`,
    );
    out[name] = row?.d ?? "(empty)";
  }
  return out;
}

/** Every read the pages, the API, the exports and the gate make, with what they say about open secrets. */
async function readEverything(secretId: string) {
  const now = new Date();
  const open = await listSecrets(listSecretsQuerySchema.parse({ state: "open,confirmed", pageSize: 100 }));
  const accepted = await listSecrets(listSecretsQuerySchema.parse({ state: "accepted_risk", pageSize: 100 }));
  const one = await getSecret({ secretId });
  const fleet = await getFleetSummary();
  const summary = await getComplianceSummary(now, {}, { fresh: true });
  const scoped = await getComplianceSummary(now, { registry: images[0]!.registry }, { fresh: true });
  const exported: { triage_state: string | number | null }[] = [];
  for await (const rows of exportFindings({ asOf: now, scope: {} })) exported.push(...rows);
  const period = await getPeriodActivity(new Date(now.getTime() - 30 * DAY), now, {});
  await getTrends({ asOf: now, weeks: 6, groupBy: "repository" }, { fresh: true });
  await getTrends({ asOf: new Date(now.getTime() - 3 * DAY), weeks: 4, groupBy: "registry" }, { fresh: true });
  const metrics = await getRemediationMetrics({ asOf: now }, { fresh: true });
  await listSteps(listStepsQuerySchema.parse({}), now);
  await listScans({ page: 1, pageSize: 50 });
  await listAuditEvents(admin, listAuditQuerySchema.parse({}));
  await getSecretActivity(secretId);
  const image = await getImage(images[0]!.digest);
  const repo = await t.db.repository.findFirstOrThrow({ select: { id: true } });
  await getRepository(repo.id);
  const gate = await evaluateGate({
    image: `${images[0]!.registry}/${images[0]!.repository}@${images[0]!.digest}`,
    unknown: "fail",
  });
  await checkHealth();
  return {
    open: open.total,
    accepted: accepted.total,
    listed: open.secrets.find((s) => s.id === secretId)?.triageState,
    one: one.secret.triageState,
    fleetOpen: fleet.openSecrets,
    summaryOpen: Math.max(...summary.map((c) => c.figures.openSecrets)),
    scopedOpen: Math.max(...scoped.map((c) => c.figures.openSecrets)),
    exportedOpen: exported.filter((r) => r.triage_state === "open" || r.triage_state === "confirmed").length,
    periodOpen: period.open,
    metricsOpen: JSON.stringify(metrics).length > 0,
    imageStates: image?.stack.flatMap((l) => l.findings.map((f) => f.secret.triageState)).sort(),
    gate: gate.decision,
  };
}

describe(`reads never write, on ${testDatabaseKind}`, () => {
  it("an expired risk acceptance reads as open everywhere before the job records it; no read changes a row", async () => {
    const ids = (await t.db.secret.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id);
    const expired = ids.slice(0, 4);
    const stillAccepted = ids.slice(4, 6);
    await triageSecrets(admin, { ids: ids.slice(6, 9), change: { state: "confirmed" } });
    // Accepted ten days ago until yesterday (expired) and until next month (still accepted).
    await triageSecrets(
      admin,
      {
        ids: expired,
        change: { state: "accepted_risk", reason: "internal", acceptedUntil: new Date(Date.now() - DAY) },
      },
      new Date(Date.now() - 10 * DAY),
    );
    await triageSecrets(admin, {
      ids: stillAccepted,
      change: { state: "accepted_risk", reason: "internal", acceptedUntil: new Date(Date.now() + 30 * DAY) },
    });

    const before = await snapshot();
    const read = await readEverything(expired[0]!);
    expect(await snapshot()).toEqual(before); // not a row changed, in any table
    expect(await t.db.secret.count({ where: { id: { in: expired }, triageState: "accepted_risk" } })).toBe(4);

    // What they read: the four expired acceptances are open; the two current ones are not.
    expect(read.listed).toBe("open");
    expect(read.one).toBe("open");
    expect(read.accepted).toBe(2);
    const openStored = await t.db.secret.count({ where: { triageState: { in: ["open", "confirmed"] } } });
    expect(read.open).toBe(openStored + 4);
    expect(read.fleetOpen).toBe(openStored + 4);
    expect(read.summaryOpen).toBe(openStored + 4);
    expect(read.exportedOpen).toBe(openStored + 4);
    expect(read.periodOpen).toBe(openStored + 4);

    // The scheduled job writes down what the reads showed, and after it every read says the same.
    expect(await reopenExpiredRisks()).toBe(4);
    expect(await t.db.secret.count({ where: { id: { in: expired }, triageState: "open" } })).toBe(4);
    const events = await t.db.auditEvent.count({
      where: { entityId: { in: expired }, action: "secret.triaged", actorLabel: "system: risk acceptance expired" },
    });
    expect(events).toBe(4);
    expect(await readEverything(expired[0]!)).toEqual(read);
    expect(await reopenExpiredRisks()).toBe(0);
  });

  it("a past date replays the acceptance's expiry from the audit trail too", async () => {
    const [id] = (await t.db.secret.findMany({ where: { triageState: "open" }, select: { id: true }, take: 1 })).map(
      (s) => s.id,
    );
    const start = new Date(Date.now() - 8 * DAY);
    await triageSecrets(
      admin,
      {
        ids: [id!],
        change: { state: "accepted_risk", reason: "window", acceptedUntil: new Date(Date.now() - 5 * DAY) },
      },
      start,
    );
    const openAt = async (asOf: Date) => {
      const rows: { secret_id: string | number | null; triage_state: string | number | null }[] = [];
      for await (const part of exportFindings({ asOf, scope: {} })) rows.push(...part);
      return rows.find((r) => r.secret_id === id)?.triage_state;
    };
    expect(await openAt(new Date(Date.now() - 6 * DAY))).toBe("accepted_risk");
    expect(await openAt(new Date(Date.now() - 4 * DAY))).toBe("open"); // expired, not yet recorded
    expect(await openAt(new Date())).toBe("open");
    // The trends' one pass over the history (3 weeks, none stored) reads the expiry the same way.
    for (const groupBy of ["registry", "repository"] as const)
      expect((await getTrends({ asOf: new Date(), weeks: 3, groupBy }, { fresh: true })).value.points).toEqual(
        await trendsByDefinition(t.db, new Date(), 3, groupBy),
      );
  });
});
