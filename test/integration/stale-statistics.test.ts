import { afterAll, beforeAll, expect, it } from "vitest";
import { fleetImages, residueSarif } from "@/bench/fleet";
import { timed } from "@/bench/measure";
import { maintenanceIdle } from "@/lib/db/maintenance";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { getSecret } from "@/lib/secrets/get-secret";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";
import { getFleetSummary } from "@/lib/stats/get-fleet-summary";
import { reopenExpiredRisks } from "@/lib/triage/reopen-expired-risks";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

// Autovacuum can analyze a table while a large first upload is still uncommitted: it then records pages and no live
// rows, and until the next analyze the planner takes the table for empty whatever it holds. Plans that are only
// safe for small tables (a nested loop re-running a subquery per row) then turn quadratic: 85 and 134 s statements
// in CI runs. Here the statistics of every table say "pages, no rows" before the first upload and before a
// statement that runs on every read, and each step must stay far from that.

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => t.drop());

const uploader = { kind: "system", label: "test" } as const;
const LIMIT_MS = 15_000; // each step takes 0.03-5 s here; the quadratic plans took minutes

/** Runs a step and fails it, by name, past the limit. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const { ms, value } = await timed(run);
  expect({ step: name, ms }).toEqual({ step: name, ms: expect.toSatisfy((t: number) => t < LIMIT_MS) });
  return value;
}

it(
  `ingest and reads stay set-based when the planner believes every table is empty (${testDatabaseKind})`,
  { timeout: 180_000 },
  async () => {
    const tables = `SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')`;
    if (testDatabaseKind === "postgresql") {
      for (const { name } of await t.db.$queryRawUnsafe<{ name: string }[]>(
        `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
      )) {
        await t.db.$executeRawUnsafe(`ALTER TABLE "${name}" SET (autovacuum_enabled = false)`);
      }
    }
    // What an analyze of a table with pages and no committed rows leaves: no rows per page and no column statistics.
    const zeroDensity = async () => {
      await t.db.$executeRawUnsafe(`UPDATE pg_class SET reltuples = 0, relpages = 1 WHERE oid IN (${tables})`);
      await t.db.$executeRawUnsafe(`DELETE FROM pg_statistic WHERE starelid IN (${tables})`);
    };
    const [a, b] = fleetImages(2, { repositories: 2, bases: 1 });
    // 10,000 secrets first seen, planned as if autovacuum had analyzed the tables in the middle of the upload.
    await zeroDensity();
    await step("first upload", () =>
      ingestScan({ content: Buffer.from(residueSarif(a!, 11_000, { secretPool: 1_000_000, seed: 4 })), uploader }),
    );
    // It grew the tables this much, so it is followed by statistics of its own, which the next upload waits for: the
    // same secrets again in another repository (the known-secret path).
    await step("second upload", () =>
      ingestScan({ content: Buffer.from(residueSarif(b!, 11_000, { secretPool: 1_000_000, seed: 4 })), uploader }),
    );
    const twice = await t.db.secret.count();
    expect(twice).toBeGreaterThan(10_000);
    expect(await t.db.secret.count({ where: { repositoryCount: 2 } })).toBe(twice);
    // 10,000 more secrets, all new, analyzed mid-upload again: the reads after it plan on the statistics it is
    // followed by. On PostgreSQL the upload's response waits for its ANALYZE; PGlite's runs after the response.
    await zeroDensity();
    const third = Array.from({ length: 10_000 }, (_, i) => ({
      RuleID: "generic-api-key",
      File: `app/third/${i}.env`,
      Secret: `third-upload-value-${i}-0123456789abcdef`,
      StartLine: 1,
    }));
    await step("third upload", () =>
      ingestScan({ content: Buffer.from(JSON.stringify(third)), image: "ghcr.io/acme/third:1", uploader }),
    );
    if (testDatabaseKind === "pglite") await maintenanceIdle();
    const secrets = await t.db.secret.count();
    expect(secrets).toBe(twice + 10_000);
    const estimate = async (table: string) =>
      (
        await t.db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '"${table}"'::regclass`,
        )
      )[0]!.n;
    expect(await estimate("Secret")).toBeGreaterThan(0.9 * secrets);
    expect(await estimate("Occurrence")).toBeGreaterThan(0.9 * (await t.db.occurrence.count()));
    const page = await step("secrets table", () => listSecrets(listSecretsQuerySchema.parse({})));
    expect(page.total).toBe(secrets);
    expect(
      (await step("text search", () => listSecrets(listSecretsQuerySchema.parse({ q: "src/MODULE-" })))).total,
    ).toBe(twice);
    await step("secret page", () => getSecret({ secretId: page.secrets[0]!.id }));
    await step("home page", () => getFleetSummary());
    await step("compliance summary", () => getComplianceSummary(new Date(), {}, { fresh: true }));

    // Every read first reopens expired risk acceptances: that must not depend on the statistics either.
    await t.db.$executeRawUnsafe(
      `UPDATE "Secret" SET "triageState" = 'accepted_risk', "acceptedUntil" = now() - interval '1 day' WHERE id IN (SELECT id FROM "Secret" ORDER BY id LIMIT 100)`,
    );
    await zeroDensity();
    expect(await step("reopen expired risks", () => reopenExpiredRisks(new Date()))).toBe(100);
  },
);
