import { expect } from "vitest";
import type { Db } from "@/lib/db";

// What the triggers keep (ImageExposure, SecretPlacement, GroupExposure), and the same counted from scratch over
// every occurrence: the definitions.
const OPEN = `"triageState" IN ('open', 'confirmed') AND "remediatedAt" IS NULL`;

export const keptImageExposure = (db: Db) => db.$queryRaw<Record<string, unknown>[]>`
  SELECT "imageId", "openOccurrences" AS open, "fileResidue" AS residue, "filePresent" AS present, "buildHistory" AS history,
         "envConfig" AS config, "baseInherited" AS inherited
  FROM "ImageExposure" ORDER BY 1`;
const recountImageExposure = (db: Db) =>
  db.$queryRawUnsafe<Record<string, unknown>[]>(`
  SELECT o."imageId", count(*) FILTER (WHERE open)::int AS open, count(*) FILTER (WHERE open AND s."residueCount" > 0)::int AS residue,
         count(*) FILTER (WHERE open AND s."inFinalFs")::int AS present, count(*) FILTER (WHERE open AND s."inHistory")::int AS history,
         count(*) FILTER (WHERE open AND s."inConfig")::int AS config, count(*) FILTER (WHERE open AND s."inSharedLayer")::int AS inherited
  FROM "Occurrence" o
  JOIN (SELECT *, ${OPEN} AS open FROM "Secret") s ON s.id = o."secretId"
  GROUP BY o."imageId" ORDER BY 1`);

const keptPlacements = (db: Db) =>
  db.$queryRaw<
    unknown[]
  >`SELECT "secretId", "groupBy"::text AS g, "groupId", occurrences FROM "SecretPlacement" ORDER BY 1, 2, 3`;
const recountPlacements = (db: Db) => db.$queryRaw<unknown[]>`
  SELECT * FROM (
    SELECT o."secretId", 'repository' AS g, o."repositoryId" AS "groupId", count(*)::int AS occurrences FROM "Occurrence" o GROUP BY 1, 3
    UNION ALL
    SELECT o."secretId", 'registry', r."registryId", count(*)::int FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" GROUP BY 1, 3
  ) x ORDER BY 1, 2, 3`;

const keptGroups = (db: Db) =>
  db.$queryRaw<
    unknown[]
  >`SELECT "groupBy"::text AS g, "groupId", "openSecrets" AS n FROM "GroupExposure" WHERE "openSecrets" <> 0 ORDER BY 1, 2`;
const recountGroups = (db: Db) =>
  db.$queryRawUnsafe<unknown[]>(`
  SELECT * FROM (
    SELECT 'repository' AS g, o."repositoryId" AS "groupId", count(DISTINCT o."secretId")::int AS n
    FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId" WHERE s.${OPEN.replace(" AND ", " AND s.")} GROUP BY 2
    UNION ALL
    SELECT 'registry', r."registryId", count(DISTINCT o."secretId")::int
    FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" JOIN "Secret" s ON s.id = o."secretId"
    WHERE s.${OPEN.replace(" AND ", " AND s.")} GROUP BY 2
  ) x ORDER BY 1, 2`);

/** Every rollup the triggers keep equals its recount; returns the per-image recount. */
export async function expectRollupsEqualRecount(db: Db) {
  const images = await recountImageExposure(db);
  expect(await keptImageExposure(db), "ImageExposure").toEqual(images);
  expect(await keptPlacements(db), "SecretPlacement").toEqual(await recountPlacements(db));
  expect(await keptGroups(db), "GroupExposure").toEqual(await recountGroups(db));
  return images;
}
