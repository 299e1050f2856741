import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "@/lib/db/migration-files";
import { previewOf } from "@/lib/secrets/identity";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

// Hardening case 4, stored data: previews written before one masking function existed may hold a full token.
let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

const TOKEN = "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";

describe(`re-masking stored previews on ${testDatabaseKind}`, () => {
  it("cuts every preview previewOf would not have written, keeps those it would", async () => {
    const rows: [string, string][] = [
      ["full token from a scanner", TOKEN],
      ["assignment from trivy", `GITHUB_TOKEN=${TOKEN}`],
      ["old raw preview of an npm line", "//re•••• (72 chars)"],
      ["canonical raw", previewOf(TOKEN)],
      ["canonical scanner", previewOf("AKIA****************", "scanner")],
      ["nothing in the report", "(value not in report)"],
    ];
    for (const [i, [, preview]] of rows.entries()) {
      await t.db.secret.create({
        data: {
          identityKey: `k${i}`,
          identityKind: "location",
          detector: "d",
          ruleId: "r",
          redactedPreview: preview,
          severity: "high",
        },
      });
    }
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, "20261202001500_remask_previews", "migration.sql"), "utf8");
    await t.db.$executeRawUnsafe(sql);
    await t.db.$executeRawUnsafe(sql); // idempotent
    const after = (
      await t.db.secret.findMany({ orderBy: { identityKey: "asc" }, select: { redactedPreview: true } })
    ).map((s) => s.redactedPreview);
    expect(after).toEqual([
      "ghp_••••",
      "GITH••••",
      "•••• (72 chars)",
      previewOf(TOKEN),
      "AKIA••••",
      "(value not in report)",
    ]);
    for (const p of after) expect(p).not.toContain(TOKEN.slice(4, 12));
  });
});
