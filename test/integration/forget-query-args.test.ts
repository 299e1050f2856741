import { getLogs } from "@prisma/debug";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetQueryArgs } from "@/lib/db/forget-query-args";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

describe(`query parameters held by Prisma's debug history on ${testDatabaseKind}`, () => {
  it("are let go by forgetQueryArgs (an ingest batch's rows would otherwise stay reachable)", async () => {
    const marker = `batch-rows-${Date.now()}-${"x".repeat(64)}`;
    await t.db.$queryRaw`SELECT length(${marker}::text) AS n`;
    // The driver adapter logged the query with its parameter whatever DEBUG says: the retention this works around.
    expect(getLogs(10_000_000)).toContain(marker);
    forgetQueryArgs();
    expect(getLogs(10_000_000)).not.toContain(marker);
  });
});
