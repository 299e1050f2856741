import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fleetImages, residueSarif, trivyReport, trufflehogLines } from "@/bench/fleet";
import { maintenanceIdle } from "@/lib/db/maintenance";
import { sha256Hex } from "@/lib/hash";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getSecret } from "@/lib/secrets/get-secret";
import { getFleetSummary } from "@/lib/stats/get-fleet-summary";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { allFixtures, readFixture } from "@/test/helpers/fixtures";
import { rawValuesInFixtures } from "@/test/helpers/raw-values";

let t: TestDb;
const uploader = { kind: "system", label: "test" } as const;
const ingest = (content: Buffer | string, extra: { format?: string; image?: string } = {}) =>
  ingestScan({ content: Buffer.isBuffer(content) ? content : Buffer.from(content), uploader, ...extra });

beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => t.drop());

async function reset() {
  await t.db.$executeRawUnsafe(`TRUNCATE "Registry", "Layer", "Scan", "Secret", "AuditEvent" CASCADE`);
}

const rows = async (table: string) =>
  Number((await t.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`))[0]!.n);

describe(`ingest on ${testDatabaseKind}`, () => {
  beforeEach(reset);

  it("is idempotent: the same report again adds no rows and says duplicate", async () => {
    const first = await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "ghcr.io/acme/api:1.0" });
    expect(first).toMatchObject({
      duplicate: false,
      counts: { findings: 8, secrets: 2, newSecrets: 2, newOccurrences: 4 },
    });
    const before = {
      s: await rows("Secret"),
      o: await rows("Occurrence"),
      sc: await rows("Scan"),
      ss: await rows("ScanSecret"),
    };
    const again = await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "ghcr.io/acme/api:1.0" });
    expect(again).toMatchObject({
      duplicate: true,
      scanId: first.scanId,
      counts: { newSecrets: 0, newOccurrences: 0 },
    });
    expect({
      s: await rows("Secret"),
      o: await rows("Occurrence"),
      sc: await rows("Scan"),
      ss: await rows("ScanSecret"),
    }).toEqual(before);
  });

  it("correlates one secret across images in different registries", async () => {
    const report = readFixture("trufflehog/v3_git.json").toString();
    await ingest(report, { image: "ghcr.io/acme/api:1.0" });
    // Same findings, different bytes (a trailing newline), another registry.
    const second = await ingest(report + "\n", { image: "registry.gitlab.com/acme/worker:2.3" });
    expect(second.counts).toMatchObject({ newSecrets: 0, newOccurrences: 3 });
    expect(await rows("Secret")).toBe(3);
    const aws = (await listSecrets(listSecretsQuerySchema.parse({ rule: "aws" }))).secrets[0]!;
    const detail = await getSecret({ secretId: aws.id });
    expect(detail.blastRadius).toMatchObject({ registries: 2, repositories: 2, images: 2 });
    expect(detail.tree.map((r) => r.host).sort()).toEqual(["ghcr.io", "registry.gitlab.com"]);
    expect(detail.tree[0]!.repositories[0]!.images[0]!.tags).toHaveLength(1);
  });

  it("text search finds secrets by rule, path and repository name, with LIKE characters taken literally", async () => {
    await ingest(readFixture("trufflehog/v3_git.json"), { image: "ghcr.io/acme/payments-api:1.0" });
    await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "docker.io/other/thing:2" });
    const ids = async (q: string) =>
      (await listSecrets(listSecretsQuerySchema.parse({ q }))).secrets.map((s) => s.id).sort();
    const all = await t.db.secret.findMany({
      select: {
        id: true,
        ruleId: true,
        occurrences: { select: { path: true, repository: { select: { name: true } } } },
      },
    });
    const expected = (pred: (s: (typeof all)[number]) => boolean) =>
      all
        .filter(pred)
        .map((s) => s.id)
        .sort();
    expect(await ids("PAYMENTS-api")).toEqual(
      expected((s) => s.occurrences.some((o) => o.repository.name === "acme/payments-api")),
    );
    expect((await ids("payments-api")).length).toBe(3);
    const somePath = all[0]!.occurrences[0]!.path;
    expect(await ids(somePath)).toEqual(
      expected(
        (s) =>
          s.occurrences.some((o) => o.path.toLowerCase().includes(somePath.toLowerCase())) ||
          s.ruleId.toLowerCase().includes(somePath.toLowerCase()),
      ),
    );
    expect(await ids("%")).toEqual(
      expected(
        (s) =>
          s.ruleId.includes("%") || s.occurrences.some((o) => o.path.includes("%") || o.repository.name.includes("%")),
      ),
    );
    expect(await ids("no-such-thing-anywhere")).toEqual([]);
  });

  it("filters by the scan and by the scanner that reported a secret; a duplicate upload repeats the counts", async () => {
    const trufflehog = await ingest(readFixture("trufflehog/v3_git.json"), { image: "ghcr.io/acme/api:1.0" });
    const gitleaks = await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "ghcr.io/acme/api:1.0" });
    const ids = async (p: Record<string, string>) =>
      (await listSecrets(listSecretsQuerySchema.parse(p))).secrets.map((s) => s.id).sort();
    const seenBy = async (scanId: string) =>
      (await t.db.scanSecret.findMany({ where: { scanId }, select: { secretId: true } })).map((r) => r.secretId).sort();
    expect(await ids({ scan: trufflehog.scanId })).toEqual(await seenBy(trufflehog.scanId));
    expect(await ids({ scan: gitleaks.scanId })).toHaveLength(2);
    expect(await ids({ scanner: "gitleaks" })).toEqual(await seenBy(gitleaks.scanId));
    expect(await ids({ scanner: "trufflehog" })).toEqual(await seenBy(trufflehog.scanId));
    expect(await ids({ scanner: "nobody" })).toEqual([]);
    const again = await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "ghcr.io/acme/api:1.0" });
    expect(again.counts).toMatchObject({
      secrets: gitleaks.counts.secrets,
      alreadyKnown: gitleaks.counts.newOccurrences,
    });
  });

  it("keeps every secret's counters and flags equal to a full recount over its occurrences, upload after upload", async () => {
    const recount = () =>
      t.db.$queryRawUnsafe<object[]>(`
      SELECT s.id, s."occurrenceCount" = c.n AS n, s."imageCount" = c.images AS images, s."residueCount" = c.residue AS residue,
             s."repositoryCount" = c.repos AS repos, s."registryCount" = c.registries AS registries, s."layerCount" = c.layers AS layers,
             s."inFinalFs" = c.present AS present, s."inHistory" = c.history AS history, s."inConfig" = c.config AS config,
             s."inSharedLayer" = c.shared AS shared
      FROM "Secret" s JOIN (
        SELECT o."secretId", count(*)::int AS n, count(DISTINCT o."imageId")::int AS images, (count(*) FILTER (WHERE o.residue))::int AS residue,
               count(DISTINCT o."repositoryId")::int AS repos, count(DISTINCT r."registryId")::int AS registries, count(DISTINCT o."layerId")::int AS layers,
               bool_or(o.source = 'file' AND NOT o.residue) AS present, bool_or(o.source = 'history') AS history, bool_or(o.source IN ('env', 'config')) AS config,
               bool_or(EXISTS (SELECT 1 FROM "ImageLayer" il JOIN "Image" i ON i.id = il."imageId" WHERE il."layerId" = o."layerId" AND i."repositoryId" <> o."repositoryId")) AS shared
        FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" GROUP BY o."secretId") c ON c."secretId" = s.id
      WHERE NOT (s."occurrenceCount" = c.n AND s."imageCount" = c.images AND s."residueCount" = c.residue AND s."repositoryCount" = c.repos
                 AND s."registryCount" = c.registries AND s."layerCount" = c.layers AND s."inFinalFs" = c.present AND s."inHistory" = c.history AND s."inConfig" = c.config
                 AND s."inSharedLayer" = c.shared)`);
    const images = fleetImages(9, { repositories: 4, bases: 2 });
    // Present first, then the same files reported deleted by a later layer: they turn into residue.
    const sarif = residueSarif(images[0]!, 400, { secretPool: 60, seed: 5 });
    await ingest(sarif.replaceAll('"residue/deletedIn"', '"residue/ignored"'));
    expect(await recount()).toEqual([]);
    await ingest(sarif);
    expect(await recount()).toEqual([]);
    for (const [i, img] of images.entries()) {
      await ingest(
        i % 3 === 0
          ? residueSarif(img, 120, { secretPool: 60, seed: i })
          : i % 3 === 1
            ? trivyReport(img, 40, { secretPool: 60, seed: i })
            : trufflehogLines(img, 40, { secretPool: 60, seed: i }),
      );
      expect(await recount()).toEqual([]);
    }
    await ingest(readFixture("trufflehog/v3_git.json"), { image: "ghcr.io/acme/api:1.0" });
    await ingest(readFixture("trufflehog/v3_git.json").toString() + "\n", {
      image: "registry.gitlab.com/acme/worker:2.3",
    });
    expect(await recount()).toEqual([]);
    expect(await t.db.secret.count({ where: { registryCount: { gt: 1 } } })).toBeGreaterThan(0);
    expect(await t.db.secret.count({ where: { residueCount: { gt: 0 } } })).toBeGreaterThan(0);
    expect(await t.db.secret.count({ where: { inSharedLayer: true } })).toBeGreaterThan(0);
  });

  it("a JSON-lines upload streamed from its spooled file stores what the same report from memory does", async () => {
    const img = fleetImages(1, { repositories: 1, bases: 1 });
    const report = trufflehogLines(img[0]!, 2_600, { secretPool: 3_000, seed: 9 }); // three batches of records
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "residue-jsonl-")), "report.jsonl");
    fs.writeFileSync(file, report);
    const spooled = { file, size: Buffer.byteLength(report), sha256: sha256Hex(report) };
    const stored = async () => ({
      secrets: await rows("Secret"),
      occurrences: await rows("Occurrence"),
      layers: await rows("Layer"),
      images: await rows("Image"),
    });
    const streamed = await ingestScan({ content: spooled, uploader });
    const fromFile = await stored();
    await reset();
    const whole = await ingest(report);
    expect(streamed.counts.findings).toBe(2_600);
    expect(streamed).toMatchObject({ format: "trufflehog-jsonl", counts: whole.counts });
    expect(fromFile).toEqual(await stored());
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("the home page's fleet counts equal counting the occurrences", async () => {
    for (const [i, img] of fleetImages(6, { repositories: 3, bases: 2 }).entries())
      await ingest(trivyReport(img, 20, { secretPool: 30, seed: i }));
    await ingest(readFixture("gitleaks/version_7.5.0.json"), { image: "registry.gitlab.com/acme/api:1.0" });
    await ingest(readFixture("trivy/scheme_2_no_vuln.json"), { image: "quay.io/acme/clean:1.0" }); // an image, a registry, nothing found
    expect(await rows("Image")).toBeGreaterThan(7);
    const [want] = await t.db.$queryRawUnsafe<{ images: number; registries: number }[]>(
      `SELECT count(DISTINCT o."imageId")::int AS images, count(DISTINCT r."registryId")::int AS registries FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId"`,
    );
    expect(want!.registries).toBeGreaterThan(1);
    expect(await getFleetSummary()).toMatchObject({
      affectedImages: want!.images,
      registries: want!.registries,
      secrets: await rows("Secret"),
    });
  });

  it("text search matching more than 10,000 secrets finds the same secrets as one matching a few", async () => {
    const img = fleetImages(1, { repositories: 1, bases: 1 })[0]!;
    await ingest(residueSarif(img, 11_000, { secretPool: 1_000_000, seed: 4 })); // 10,202 distinct secrets
    const expected = async (like: string) =>
      (
        await t.db.$queryRawUnsafe<{ id: string }[]>(
          `SELECT DISTINCT "secretId" AS id FROM "Occurrence" WHERE path ILIKE $1`,
          like,
        )
      )
        .map((r) => r.id)
        .sort();
    const found = async (q: string) => {
      const r = await listSecrets(listSecretsQuerySchema.parse({ q, pageSize: "100" }));
      return { total: r.total };
    };
    const broad = await found("src/MODULE-"); // every secret: past the id-list limit
    expect(broad.total).toBe((await expected("%src/module-%")).length);
    expect(broad.total).toBeGreaterThan(10_000);
    const narrow = await found("module-1234.");
    expect(narrow.total).toBe((await expected("%module-1234.%")).length);
    expect(narrow.total).toBeGreaterThan(0);
    expect((await found("module-1")).total).toBe((await expected("%module-1%")).length);

    // One path behind more occurrences than the id limit: filtered by the path's id, not by a list of secrets.
    const hot = Array.from({ length: 10_050 }, (_, i) => ({
      RuleID: "generic-api-key",
      File: "app/shared/hot.env",
      Secret: `hot-secret-value-${i}-abcdef0123`,
      StartLine: i + 1,
    }));
    await ingest(JSON.stringify(hot), { image: "ghcr.io/acme/hot:1" });
    const hotTotal = (await found("SHARED/hot.env")).total;
    expect(hotTotal).toBe((await expected("%shared/hot.env%")).length);
    expect(hotTotal).toBe(10_050);
    expect((await found("acme/hot")).total).toBe(10_050); // the repository branch, past the limit the same way
  });

  it.runIf(testDatabaseKind === "pglite")(
    "the embedded database is vacuumed after ingests have written 20,000 rows (it has no autovacuum)",
    async () => {
      const allVisible = async () =>
        (
          await t.db.$queryRawUnsafe<{ n: number }[]>(
            `SELECT relallvisible::int AS n FROM pg_class WHERE relname = 'Occurrence'`,
          )
        )[0]!.n;
      const img = fleetImages(1, { repositories: 1, bases: 1 })[0]!;
      expect(await allVisible()).toBe(0); // truncated: a new, never vacuumed table
      await ingest(residueSarif(img, 21_000, { secretPool: 500, seed: 2 }));
      await maintenanceIdle();
      expect(await allVisible()).toBeGreaterThan(0);
    },
  );

  it("stores paths too long for an index entry by their beginning and a hash, keeping long paths apart", async () => {
    const long = (tail: string) =>
      Array.from(
        { length: 3200 },
        (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7919 + ((i * i) % 31)) % 36],
      ).join("") + tail;
    const report = JSON.stringify([
      { RuleID: "generic-api-key", File: long("/a.env"), Secret: "s3cr3t-value-1234567890abcdef", StartLine: 1 },
      { RuleID: "generic-api-key", File: long("/b.env"), Secret: "s3cr3t-value-1234567890abcdef", StartLine: 1 },
    ]);
    const r = await ingest(report, { image: "ghcr.io/acme/api:1.0" });
    expect(r.counts).toMatchObject({ newSecrets: 1, newOccurrences: 2 });
    const paths = (await t.db.occurrence.findMany({ select: { path: true } })).map((o) => o.path);
    expect(new Set(paths).size).toBe(2);
    for (const p of paths) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2000);
      expect(p).toMatch(/^[a-z0-9]{1900}…#[0-9a-f]{16}$/);
    }
    expect((await listSecrets(listSecretsQuerySchema.parse({ q: long("").slice(100, 140) }))).total).toBe(1);
  });

  it("gitleaks JSON and gitleaks SARIF of the same leaks are the same secrets", async () => {
    await ingest(readFixture("gitleaks/version_7.5.0.json"));
    const sarif = await ingest(readFixture("sarif/gitleaks_7.5.0.sarif"));
    expect(sarif.counts.newSecrets).toBe(0);
    expect(await rows("Secret")).toBe(2);
  });

  it("a failing upload leaves nothing behind", async () => {
    await ingest(readFixture("trivy-upstream/secrets.json.golden"), { image: "ghcr.io/acme/api:1.0" });
    const before = {
      s: await rows("Secret"),
      o: await rows("Occurrence"),
      sc: await rows("Scan"),
      i: await rows("Image"),
    };
    await expect(ingest(readFixture("gitleaks/gitleaks8_many.json"), { image: "NOT A REF" })).rejects.toThrow(
      /Invalid image reference/,
    );
    // Force a database error mid-ingest, after the scan, images and secrets are written: a trigger on Occurrence.
    await t.db.$executeRawUnsafe(
      `CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`,
    );
    await t.db.$executeRawUnsafe(
      `CREATE TRIGGER test_fail BEFORE INSERT ON "Occurrence" FOR EACH ROW EXECUTE FUNCTION test_fail()`,
    );
    const broken = JSON.stringify([{ RuleID: "r", File: "/a/b", Secret: "s3cr3t-value-123456" }]);
    await expect(ingest(broken, { image: "ghcr.io/acme/other:1" })).rejects.toThrow();
    await t.db.$executeRawUnsafe(`DROP TRIGGER test_fail ON "Occurrence"`);
    await t.db.$executeRawUnsafe(`DROP FUNCTION test_fail()`);
    expect({
      s: await rows("Secret"),
      o: await rows("Occurrence"),
      sc: await rows("Scan"),
      i: await rows("Image"),
    }).toEqual(before);
  });

  it("a resolved secret seen in a new digest reopens as a regression; a false positive stays suppressed", async () => {
    const report = readFixture("trufflehog/v3_git.json").toString();
    await ingest(report, { image: "ghcr.io/acme/api:1.0" });
    const all = (await listSecrets(listSecretsQuerySchema.parse({}))).secrets;
    await t.db.secret.update({ where: { id: all[0]!.id }, data: { triageState: "resolved" } });
    await t.db.secret.update({
      where: { id: all[1]!.id },
      data: { triageState: "false_positive", triageReason: "test key" },
    });
    await ingest(report + "\n", { image: `ghcr.io/acme/api@sha256:${"c".repeat(64)}` });
    const after = await t.db.secret.findMany({ where: { id: { in: [all[0]!.id, all[1]!.id] } } });
    expect(after.find((s) => s.id === all[0]!.id)).toMatchObject({ triageState: "open", regression: true });
    expect(after.find((s) => s.id === all[1]!.id)).toMatchObject({ triageState: "false_positive" });
  });

  it("never stores a raw secret value: every fixture ingested, every table dumped", async () => {
    for (const f of allFixtures()) await ingest(readFixture(f)).catch(() => undefined);
    const tables = await t.db.$queryRawUnsafe<{ tablename: string }[]>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
    );
    let dump = "";
    for (const { tablename } of tables) {
      const r = await t.db.$queryRawUnsafe<{ j: string }[]>(
        `SELECT coalesce(json_agg(t)::text, '') AS j FROM "${tablename}" t`,
      );
      dump += r[0]!.j;
    }
    const raws = rawValuesInFixtures();
    expect(raws.length).toBeGreaterThan(50);
    expect(dump.length).toBeGreaterThan(10_000);
    const leaked = raws.filter((v) => dump.includes(v) || dump.includes(JSON.stringify(v).slice(1, -1)));
    expect(leaked).toEqual([]);
  });
});
