-- Distinct paths, once: text search scans these instead of every occurrence's path.
CREATE TABLE "Path" (
    "id" SERIAL NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Path_pkey" PRIMARY KEY ("id")
);

INSERT INTO "Path" ("value") SELECT DISTINCT path FROM "Occurrence" ORDER BY 1;

CREATE UNIQUE INDEX "Path_value_key" ON "Path"("value");

CREATE INDEX "Path_value_idx" ON "Path" USING GIN ("value" gin_trgm_ops);

ALTER TABLE "Occurrence" ADD COLUMN "pathId" INTEGER;

UPDATE "Occurrence" o SET "pathId" = p.id FROM "Path" p WHERE p.value = o.path;

ALTER TABLE "Occurrence" ALTER COLUMN "pathId" SET NOT NULL;

CREATE INDEX "Occurrence_pathId_secretId_idx" ON "Occurrence"("pathId", "secretId");

ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_pathId_fkey" FOREIGN KEY ("pathId") REFERENCES "Path"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The trigram index on every occurrence's path is replaced by the one on Path.
DROP INDEX "Occurrence_path_idx";
