-- AlterTable
ALTER TABLE "Secret" ADD COLUMN     "layerCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "registryCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "repositoryCount" INTEGER NOT NULL DEFAULT 0;

-- Backfill from existing occurrences (ingest keeps them in step from now on).
UPDATE "Secret" s SET "repositoryCount" = c.repos, "registryCount" = c.registries, "layerCount" = c.layers
FROM (SELECT o."secretId", count(DISTINCT o."repositoryId")::int AS repos, count(DISTINCT r."registryId")::int AS registries, count(DISTINCT o."layerId")::int AS layers
      FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" GROUP BY o."secretId") c
WHERE s.id = c."secretId";
