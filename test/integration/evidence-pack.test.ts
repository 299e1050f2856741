import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE_VERSION } from "@/lib/compliance/catalogue";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { evidencePack } from "@/lib/compliance/evidence-pack";
import { EXPORT_WRITERS, exportStream } from "@/lib/compliance/export-findings";
import type { Scope } from "@/lib/compliance/scope";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { githubToken, gitleaksTokens } from "@/test/helpers/scanner-reports";

let t: TestDb;
const system = { kind: "system", label: "test" } as const;
const VALUES = Array.from({ length: 6 }, githubToken);
const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12));

async function unpack(asOf: Date, scope: Scope) {
  const chunks: Uint8Array[] = [];
  for await (const c of evidencePack({ asOf, scope, generatedBy: "auditor@x.test" })) chunks.push(c);
  const files = unzipSync(Buffer.concat(chunks));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

beforeAll(async () => {
  t = await setupTestDb();
  await ingestScan({
    content: gitleaksTokens(VALUES.slice(0, 3)),
    image: "ghcr.io/acme/api:1",
    uploader: system,
    now: day(2),
  });
  await ingestScan({
    content: gitleaksTokens(VALUES.slice(2, 6)),
    image: "docker.io/acme/web:1",
    uploader: system,
    now: day(3),
  });
  // Secrets by where they are: on ghcr.io (some also on docker.io), and on docker.io only.
  const on = async (host: string) =>
    (
      await t.db.secret.findMany({
        where: { occurrences: { some: { repository: { registry: { host } } } } },
        select: { id: true },
        orderBy: { id: "asc" },
      })
    ).map((s) => s.id);
  const ghcr = await on("ghcr.io");
  const dockerOnly = (await on("docker.io")).filter((id) => !ghcr.includes(id));
  await triageSecrets(system, { ids: [ghcr[0]!, dockerOnly[0]!], change: { state: "confirmed" } }, day(4));
  await triageSecrets(system, { ids: [ghcr[1]!], change: { state: "false_positive", reason: "test" } }, day(6));
});
afterAll(() => t.drop());

describe(`evidence pack on ${testDatabaseKind}`, () => {
  for (const [label, scope] of [
    ["whole fleet", {}],
    ["one registry", { registry: "ghcr.io" }],
  ] as const) {
    it(`${label}, as of a past date: the same figures and rows as the page and the export, the audit trail behind them`, async () => {
      const asOf = day(5);
      const files = await unpack(asOf, scope);
      expect(Object.keys(files).sort()).toEqual(
        ["audit-trail.jsonl", "findings.csv", "findings.json", "manifest.json", "report.md", "summary.json"].sort(),
      );
      const manifest = JSON.parse(files["manifest.json"]!);
      expect(manifest).toMatchObject({
        catalogueVersion: CATALOGUE_VERSION,
        asOf: asOf.toISOString(),
        generatedBy: "auditor@x.test",
        scope: { registry: (scope as Scope).registry ?? null },
      });

      const summary = await getComplianceSummary(asOf, scope, { fresh: true });
      const packed = JSON.parse(files["summary.json"]!).controls;
      expect(packed.map((c: { id: string; status: string; figures: unknown }) => [c.id, c.status, c.figures])).toEqual(
        summary.map((c) => [c.control.id, c.status, c.figures]),
      );
      for (const c of summary) expect(files["report.md"]).toContain(c.control.title);
      expect(files["report.md"]).toContain("Sign-off");

      const exported = await new Response(exportStream(EXPORT_WRITERS.json, { asOf, scope })).text();
      expect(JSON.parse(files["findings.json"]!)).toEqual(JSON.parse(exported));
      // Names, not only counts: images and tags in scope (the shared token is on both registries).
      const rows = JSON.parse(exported) as Record<string, string | number>[];
      const names = rows.map((r) => `${r.image_names} ${r.tag_names}`).join(" ");
      expect(names).toContain("ghcr.io/acme/api:1");
      if ("registry" in scope) expect(names).not.toContain("docker.io");
      else expect(names).toContain("docker.io/acme/web:1");
      const csv = await new Response(exportStream(EXPORT_WRITERS.csv, { asOf, scope })).text();
      expect(files["findings.csv"]).toBe(csv);

      // The trail: state changes of the secrets in scope up to the date, and nothing else.
      const inScope = new Set(JSON.parse(exported).map((r: { secret_id: string }) => r.secret_id));
      const trail = files["audit-trail.jsonl"]!.trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(trail.length).toBeGreaterThan(0);
      for (const e of trail) {
        expect(new Date(e.at).getTime()).toBeLessThanOrEqual(asOf.getTime());
        if (e.entityType === "Secret") expect(inScope.has(e.entityId)).toBe(true);
      }
      const confirmed = trail.filter((e) => e.action === "secret.triaged" && e.after.state === "confirmed");
      const wanted = await t.db.auditEvent.count({
        where: { action: "secret.triaged", entityId: { in: [...inScope] as string[] }, at: { lte: asOf } },
      });
      expect(trail.filter((e) => e.action === "secret.triaged")).toHaveLength(wanted);
      expect(confirmed.length).toBeGreaterThan(0);
      // The false positive of day 6 is after the date: not in this pack.
      expect(trail.some((e) => e.after?.state === "false_positive")).toBe(false);

      for (const text of Object.values(files)) for (const v of VALUES) expect(text).not.toContain(v);
    });
  }
});
