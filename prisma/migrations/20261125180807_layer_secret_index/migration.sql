-- DropIndex
DROP INDEX "Occurrence_layerId_idx";

-- CreateIndex
CREATE INDEX "Occurrence_layerId_secretId_idx" ON "Occurrence"("layerId", "secretId");
