-- AlterTable
ALTER TABLE "Layer" ADD COLUMN     "sharedAcrossRepositories" BOOLEAN NOT NULL DEFAULT false;

-- Layers already in images of two or more repositories.
UPDATE "Layer" l SET "sharedAcrossRepositories" = true
FROM (SELECT il."layerId" FROM "ImageLayer" il JOIN "Image" i ON i.id = il."imageId"
      WHERE il."layerId" IS NOT NULL GROUP BY il."layerId" HAVING count(DISTINCT i."repositoryId") > 1) shared
WHERE l.id = shared."layerId";

-- And the secrets in them: before, a base shared by a later upload did not flag the secrets already in it.
UPDATE "Secret" s SET "inSharedLayer" = true
FROM (SELECT DISTINCT o."secretId" FROM "Occurrence" o JOIN "Layer" l ON l.id = o."layerId" WHERE l."sharedAcrossRepositories") x
WHERE s.id = x."secretId" AND NOT s."inSharedLayer";
