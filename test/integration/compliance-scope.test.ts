import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { EXPORT_WRITERS, exportStream } from "@/lib/compliance/export-findings";
import { getPeriodActivity } from "@/lib/compliance/period-activity";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { applyStepEvent } from "@/lib/remediation/steps";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { githubToken, gitleaksTokens } from "@/test/helpers/scanner-reports";

let t: TestDb;
const system = { kind: "system", label: "test" } as const;
const NHI = "OWASP-NHI-02"; // maps every finding type: its figures cover every secret in scope
const [A, B, SHARED] = [githubToken(), githubToken(), githubToken()];
const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12));

/** trufflehog saying the key no longer works: the evidence that verifies a recorded rotation. */
const notLive = (secret: string, image: string) => {
  const [repository, tag] = image.split(":");
  return Buffer.from(
    JSON.stringify({
      SourceMetadata: { Data: { Docker: { file: "/app/.env", image: repository, tag } } },
      SourceType: 4,
      DetectorName: "Github",
      Verified: false,
      Raw: secret,
    }),
  );
};
const summaryOf = async (asOf: Date, scope = {}) =>
  (await getComplianceSummary(asOf, scope)).find((c) => c.control.id === NHI)!;
const exported = async (asOf: Date, scope = {}) =>
  JSON.parse(await new Response(exportStream(EXPORT_WRITERS.json, { asOf, scope })).text()) as Record<
    string,
    string | number | null
  >[];

beforeAll(async () => {
  t = await setupTestDb();
  await ingestScan({
    content: gitleaksTokens([A, SHARED]),
    image: "ghcr.io/acme/api:1",
    uploader: system,
    now: day(2),
  });
  await ingestScan({
    content: gitleaksTokens([B, SHARED]),
    image: "docker.io/acme/worker:1",
    uploader: system,
    now: day(4),
  });
});
afterAll(() => t.drop());

describe(`compliance figures honour scope and date on ${testDatabaseKind}`, () => {
  it("before the first scan in scope there is no evidence: no control is green", async () => {
    for (const [asOf, scope] of [
      [day(1), {}],
      [day(3), { registry: "docker.io" }],
    ] as const) {
      const all = await getComplianceSummary(asOf, scope);
      expect(all.map((c) => c.status)).toEqual(all.map(() => "no_evidence"));
      expect(all[0]!.figures.scans).toBe(0);
    }
  });

  it("a scope counts only its own images and registries, also for a secret found elsewhere too", async () => {
    expect((await summaryOf(day(5))).figures).toMatchObject({
      openSecrets: 3,
      affectedImages: 2,
      affectedRegistries: 2,
      scans: 2,
    });
    expect((await summaryOf(day(5), { registry: "ghcr.io" })).figures).toMatchObject({
      openSecrets: 2,
      affectedImages: 1,
      affectedRegistries: 1,
      scans: 1,
    });
    expect((await summaryOf(day(5), { repository: "acme/worker" })).figures).toMatchObject({
      openSecrets: 2,
      affectedImages: 1,
      affectedRegistries: 1,
      scans: 1,
    });
    // As of a date before docker.io was scanned, the shared secret is in one registry only.
    expect((await summaryOf(day(3))).figures).toMatchObject({
      openSecrets: 2,
      affectedImages: 1,
      affectedRegistries: 1,
    });
  });

  it("the export answers for the same scope and date, naming what is in scope only", async () => {
    const rows = await exported(day(5), { registry: "ghcr.io" });
    expect(rows).toHaveLength(2);
    const shared = rows.find((r) => r.registries === 1 && r.repository_names === "ghcr.io/acme/api")!;
    expect(shared).toMatchObject({
      registry_names: "ghcr.io",
      images: 1,
      scope: "ghcr.io",
      as_of: day(5).toISOString(),
    });
    expect(await exported(day(3))).toHaveLength(2);
    const everything = await exported(day(5));
    expect(everything).toHaveLength(3);
    expect(everything.find((r) => r.registries === 2)).toMatchObject({
      registry_names: "docker.io ghcr.io",
      repository_names: "docker.io/acme/worker ghcr.io/acme/api",
    });
  });

  it("rotation coverage counts verified rotations only; a recorded one is its own number until evidence verifies it", async () => {
    const shared = (await t.db.secret.findMany({ where: { repositoryCount: 2 } }))[0]!;
    await triageSecrets(system, { ids: [shared.id], change: { state: "confirmed" } }, day(6));
    const rotate = await t.db.remediationStep.findFirstOrThrow({ where: { secretId: shared.id, kind: "rotate" } });
    await applyStepEvent(
      system,
      {
        stepId: rotate.id,
        event: { type: "complete", rotation: { rotatedBy: "ops", rotatedAt: day(7), how: "vault" } },
      },
      day(7),
    );
    const recorded = await summaryOf(day(8));
    expect(recorded.figures).toMatchObject({ confirmedSecrets: 1, rotatedSecrets: 0, rotationsUnverified: 1 });
    expect(recorded.rotationCoverage).toBe(0);
    expect(await getRemediationMetrics({ asOf: day(8) })).toMatchObject({
      rotatedSecrets: 0,
      rotationsUnverified: 1,
      rotationCoverage: 0,
    });

    await ingestScan({ content: notLive(SHARED, "ghcr.io/acme/api:1"), uploader: system, now: day(9) });
    const verified = await summaryOf(day(10));
    expect(verified.figures).toMatchObject({ rotatedSecrets: 1, rotationsUnverified: 0 });
    expect(verified.rotationCoverage).toBe(1);
    // As of the day before the evidence, it was still unverified.
    expect((await summaryOf(day(8))).figures).toMatchObject({ rotatedSecrets: 0, rotationsUnverified: 1 });
  });

  it("page, export and report state the same open secrets for every scope and date", async () => {
    for (const asOf of [day(3), day(5), day(10)]) {
      for (const scope of [{}, { registry: "ghcr.io" }, { registry: "docker.io" }, { repository: "acme/api" }]) {
        const figures = (await summaryOf(asOf, scope)).figures;
        const rows = await exported(asOf, scope);
        const openRows = rows.filter(
          (r) => (r.triage_state === "open" || r.triage_state === "confirmed") && r.remediation_state !== "remediated",
        );
        const report = await getPeriodActivity(day(1), asOf, scope);
        expect({
          asOf,
          scope,
          export: openRows.length,
          report: report.open,
          listed: report.openSecrets.length,
        }).toEqual({
          asOf,
          scope,
          export: figures.openSecrets,
          report: figures.openSecrets,
          listed: figures.openSecrets,
        });
        expect(new Set(report.openSecrets.map((s) => s.id))).toEqual(new Set(openRows.map((r) => r.secret_id)));
      }
    }
  });
});
