-- AlterTable
ALTER TABLE "Occurrence" ADD COLUMN     "valueKnown" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "SecretKey" (
    "key" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "kind" "IdentityKind" NOT NULL,

    CONSTRAINT "SecretKey_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SecretMerge" (
    "fromSecretId" TEXT NOT NULL,
    "intoSecretId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "reasons" TEXT[],
    "scanId" TEXT,

    CONSTRAINT "SecretMerge_pkey" PRIMARY KEY ("fromSecretId")
);

-- CreateIndex
CREATE INDEX "SecretKey_secretId_idx" ON "SecretKey"("secretId");

-- CreateIndex
CREATE INDEX "SecretMerge_intoSecretId_idx" ON "SecretMerge"("intoSecretId");

-- AddForeignKey
ALTER TABLE "SecretKey" ADD CONSTRAINT "SecretKey_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecretMerge" ADD CONSTRAINT "SecretMerge_intoSecretId_fkey" FOREIGN KEY ("intoSecretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kinds as lib/secrets/identity.ts now gives them. "scanner_hash" used to mean a sha1 of the value (detect-secrets):
-- that is a value hash, "hmac". ggshield's ignore_sha used to be taken for a sha256 of the value ("hmac"); it is a
-- hash of the matches and their types, so a secret only ggshield reported is known by a scanner's fingerprint.
UPDATE "Secret" SET "identityKind" = 'hmac' WHERE "identityKind" = 'scanner_hash';
UPDATE "Secret" s SET "identityKind" = 'scanner_hash'
WHERE s."identityKind" = 'hmac'
  AND EXISTS (SELECT 1 FROM "ScanSecret" ss JOIN "Scan" sc ON sc.id = ss."scanId" WHERE ss."secretId" = s.id)
  AND NOT EXISTS (SELECT 1 FROM "ScanSecret" ss JOIN "Scan" sc ON sc.id = ss."scanId" WHERE ss."secretId" = s.id AND sc.scanner <> 'ggshield');

-- Every secret is known by the key it was named by.
INSERT INTO "SecretKey" (key, "secretId", kind) SELECT "identityKey", id, "identityKind" FROM "Secret";

-- Occurrences are written under their layer's stored key. A layer first stored by its compressed digest and named
-- by its diffID later kept occurrences under the old key; each moves to the current one (a twin already there wins).
DELETE FROM "Occurrence" o USING "Layer" l
WHERE o."layerId" = l.id AND o."layerKey" <> l.key
  AND EXISTS (SELECT 1 FROM "Occurrence" t WHERE t."imageId" = o."imageId" AND t."secretId" = o."secretId" AND t."layerKey" = l.key AND t.path = o.path AND t.line = o.line);
UPDATE "Occurrence" o SET "layerKey" = l.key FROM "Layer" l WHERE o."layerId" = l.id AND o."layerKey" <> l.key;

-- An occurrence of a secret no report gave the value of was seen masked only.
UPDATE "Occurrence" o SET "valueKnown" = false FROM "Secret" s WHERE s.id = o."secretId" AND s."identityKind" <> 'hmac';
