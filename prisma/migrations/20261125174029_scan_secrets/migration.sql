-- Which secrets a scan reported: one row per secret per scan instead of one per occurrence per scan.
CREATE TABLE "ScanSecret" (
    "scanId" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "occurrences" INTEGER NOT NULL,

    CONSTRAINT "ScanSecret_pkey" PRIMARY KEY ("scanId","secretId")
);

-- Carry over what existing scans saw.
INSERT INTO "ScanSecret" ("scanId", "secretId", "occurrences")
SELECT os."scanId", o."secretId", count(*)::int
FROM "OccurrenceScan" os JOIN "Occurrence" o ON o.id = os."occurrenceId"
GROUP BY os."scanId", o."secretId";

CREATE INDEX "ScanSecret_secretId_idx" ON "ScanSecret"("secretId");

ALTER TABLE "ScanSecret" ADD CONSTRAINT "ScanSecret_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ScanSecret" ADD CONSTRAINT "ScanSecret_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

DROP TABLE "OccurrenceScan";

-- Every index on Occurrence is paid for once per ingested occurrence: the unique key leads with the image (and
-- serves the image page), the scanner filter goes through ScanSecret.
DROP INDEX "Occurrence_imageId_idx";

DROP INDEX "Occurrence_scanner_secretId_idx";

DROP INDEX "Occurrence_secretId_imageId_layerKey_path_line_key";

CREATE UNIQUE INDEX "Occurrence_imageId_secretId_layerKey_path_line_key" ON "Occurrence"("imageId", "secretId", "layerKey", "path", "line");
