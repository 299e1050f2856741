import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

// Case 7 of the hardening issue: a report with ≥ 32,767 new secrets answered 500 ("query parameter limit
// exceeded"). No statement may take one bind parameter per row: this walks 100,000 distinct secrets through every
// write path that fans out per secret (ingest, bulk triage, remediation plans, regression and its audit trail).
const N = Number(process.env.RESIDUE_PARAM_TEST_N ?? 100_000);
let t: TestDb;
const uploader = { kind: "system", label: "test" } as const;
const admin = { kind: "system", label: "test-admin" } as const;

beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

const report = (salt: string) =>
  Buffer.from(
    JSON.stringify(
      Array.from({ length: N }, (_, i) => ({
        RuleID: "generic-api-key",
        File: `/app/k${i % 500}.env`,
        StartLine: 1 + (i % 50),
        Secret: `tok_${salt}_${i.toString(36).padStart(8, "0")}_zz`,
      })),
    ),
  );

describe(`${N.toLocaleString("en")} distinct secrets on ${testDatabaseKind}`, () => {
  it(
    "ingest, bulk triage, plans in a second repository, and a regression of all of them: no 5xx",
    { timeout: 600_000 },
    async () => {
      const lap = (() => {
        let t0 = Date.now();
        return (what: string) => {
          if (process.env.RESIDUE_PARAM_TEST_N) console.log(what, Date.now() - t0, "ms");
          t0 = Date.now();
        };
      })();
      const first = await ingestScan({
        content: report("a"),
        uploader,
        image: "ghcr.io/acme/big:1",
        format: "gitleaks",
      });
      expect(first.counts.newSecrets).toBe(N);
      const ids = (await t.db.secret.findMany({ select: { id: true } })).map((s) => s.id);
      expect(ids).toHaveLength(N);
      lap("ingest");

      expect(await triageSecrets(admin, { ids, change: { state: "confirmed" } })).toEqual({ changed: N });
      expect(await t.db.remediationStep.count({ where: { kind: "rotate" } })).toBe(N);
      lap("confirm");

      // Every confirmed secret found in a new repository gets rebuild and purge steps there (reconcile).
      const second = await ingestScan({
        content: report("a"),
        uploader,
        image: "ghcr.io/acme/other:1",
        format: "gitleaks",
      });
      expect(second.counts.newSecrets).toBe(0);
      expect(await t.db.remediationStep.count({ where: { kind: "rebuild" } })).toBe(2 * N);
      lap("second ingest");

      // Resolved by hand, then seen again: every one regresses, with an audit event each.
      expect(await triageSecrets(admin, { ids, change: { state: "resolved", reason: "rotated" } })).toEqual({
        changed: N,
      });
      lap("resolve");
      await ingestScan({ content: report("a"), uploader, image: "ghcr.io/acme/third:1", format: "gitleaks" });
      lap("regression ingest");
      expect(await t.db.secret.count({ where: { triageState: "confirmed", regression: true } })).toBe(N); // it has a plan
      expect(await t.db.auditEvent.count({ where: { action: "secret.regressed" } })).toBe(N);
    },
  );
});
