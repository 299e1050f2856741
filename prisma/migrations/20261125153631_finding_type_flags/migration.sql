-- DropIndex
DROP INDEX "Occurrence_residue_secretId_idx";

-- AlterTable
ALTER TABLE "Secret" ADD COLUMN     "inConfig" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "inFinalFs" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "inHistory" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "inSharedLayer" BOOLEAN NOT NULL DEFAULT false;

-- Backfill the flags from existing occurrences (ingest keeps them in step from now on).
UPDATE "Secret" s SET "inFinalFs" = f.present, "inHistory" = f.history, "inConfig" = f.config
FROM (SELECT "secretId", bool_or(source = 'file' AND NOT residue) AS present, bool_or(source = 'history') AS history,
             bool_or(source IN ('env', 'config')) AS config
      FROM "Occurrence" GROUP BY "secretId") f
WHERE s.id = f."secretId";

UPDATE "Secret" s SET "inSharedLayer" = true
WHERE EXISTS (SELECT 1 FROM "Occurrence" o JOIN "ImageLayer" il ON il."layerId" = o."layerId" JOIN "Image" i ON i.id = il."imageId"
              WHERE o."secretId" = s.id AND i."repositoryId" <> o."repositoryId");
