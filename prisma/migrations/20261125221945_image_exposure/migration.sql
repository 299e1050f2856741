-- CreateTable
CREATE TABLE "ImageExposure" (
    "imageId" TEXT NOT NULL,
    "openOccurrences" INTEGER NOT NULL DEFAULT 0,
    "fileResidue" INTEGER NOT NULL DEFAULT 0,
    "filePresent" INTEGER NOT NULL DEFAULT 0,
    "buildHistory" INTEGER NOT NULL DEFAULT 0,
    "envConfig" INTEGER NOT NULL DEFAULT 0,
    "baseInherited" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ImageExposure_pkey" PRIMARY KEY ("imageId")
);

-- AddForeignKey
ALTER TABLE "ImageExposure" ADD CONSTRAINT "ImageExposure_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kept by triggers rather than by each write path: ingest, triage, expiry, regression and remediation all change
-- what an image exposes, and a path that forgot would put wrong figures in front of an auditor.
-- Every change is an addition of counts, so concurrent writers commute: a transaction that changes a secret
-- holds its row lock, and so does every ingest that adds occurrences of it (it upserts the secret first).
-- Deletions recount the images instead (their secrets may be gone); Residue itself never deletes occurrences.

-- What one occurrence of a secret adds to its image, as bits: nothing unless the secret is open (open or
-- confirmed, not remediated), else 1 (counted in openOccurrences) and a bit per finding type the secret has, in
-- the column order of ImageExposure. One scalar expression, so the planner inlines it.
CREATE FUNCTION residue_exposure_bits(state "TriageState", remediated timestamp, residue int, present boolean, history boolean, config boolean, shared boolean)
RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN state IN ('open', 'confirmed') AND remediated IS NULL
    THEN 1 | ((residue > 0)::int << 1) | (present::int << 2) | (history::int << 3) | (config::int << 4) | (shared::int << 5) ELSE 0 END
$$;

-- Exact recount of some images, for deletions (a deleted occurrence's secret may be gone too).
CREATE FUNCTION residue_exposure_recount(images text[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "ImageExposure" WHERE "imageId" = ANY(images);
  INSERT INTO "ImageExposure" ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
  SELECT "imageId", sum(b & 1), sum((b >> 1) & 1), sum((b >> 2) & 1), sum((b >> 3) & 1), sum((b >> 4) & 1), sum((b >> 5) & 1)
  FROM (
    SELECT o."imageId", residue_exposure_bits(s."triageState", s."remediatedAt", s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer") AS b
    FROM "Occurrence" o JOIN "Image" i ON i.id = o."imageId" JOIN "Secret" s ON s.id = o."secretId"
    WHERE o."imageId" = ANY(images)
  ) x
  GROUP BY "imageId";
$$;

CREATE FUNCTION residue_exposure_occurrences_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM added) THEN
    RETURN NULL; -- an upsert that only updated: nothing to plan
  END IF;
  EXECUTE $q$
  INSERT INTO "ImageExposure" AS e ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
  SELECT "imageId", sum(b & 1), sum((b >> 1) & 1), sum((b >> 2) & 1), sum((b >> 3) & 1), sum((b >> 4) & 1), sum((b >> 5) & 1)
  FROM (
    SELECT a."imageId", residue_exposure_bits(s."triageState", s."remediatedAt", s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer") AS b
    FROM added a JOIN "Secret" s ON s.id = a."secretId"
  ) x
  GROUP BY "imageId" ORDER BY "imageId"
  ON CONFLICT ("imageId") DO UPDATE SET
    "openOccurrences" = e."openOccurrences" + EXCLUDED."openOccurrences", "fileResidue" = e."fileResidue" + EXCLUDED."fileResidue",
    "filePresent" = e."filePresent" + EXCLUDED."filePresent", "buildHistory" = e."buildHistory" + EXCLUDED."buildHistory",
    "envConfig" = e."envConfig" + EXCLUDED."envConfig", "baseInherited" = e."baseInherited" + EXCLUDED."baseInherited"$q$;
  RETURN NULL;
END $$;

CREATE FUNCTION residue_exposure_occurrences_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM residue_exposure_recount(ARRAY(SELECT DISTINCT "imageId" FROM removed));
  RETURN NULL;
END $$;

-- A secret whose bits changed (triage, remediation, new finding types) moves every image that holds it by the
-- difference, once per occurrence there. Most updates change no bits (ingest refreshing lastSeenAt): the
-- occurrences are only read for the secrets that did.
CREATE FUNCTION residue_exposure_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  change record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM after_rows) THEN
    RETURN NULL; -- an upsert that only inserted: nothing to plan
  END IF;
  -- EXECUTE: planned each time for the rows at hand (a plan cached from an empty first call compared 18,000 changed
  -- secrets pairwise). Secrets are grouped by their change of bits (a handful of kinds), and each group's images
  -- are counted from Occurrence alone by secret id: no join that could scan Occurrence once per secret.
  FOR change IN EXECUTE $q$
    SELECT ob, nb, array_agg(id) AS ids FROM (
      SELECT n.id,
        residue_exposure_bits(o."triageState", o."remediatedAt", o."residueCount", o."inFinalFs", o."inHistory", o."inConfig", o."inSharedLayer") AS ob,
        residue_exposure_bits(n."triageState", n."remediatedAt", n."residueCount", n."inFinalFs", n."inHistory", n."inConfig", n."inSharedLayer") AS nb
      FROM after_rows n JOIN before_rows o ON o.id = n.id
    ) d WHERE ob <> nb GROUP BY ob, nb$q$
  LOOP
    EXECUTE $q$
      INSERT INTO "ImageExposure" AS e ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
      SELECT o."imageId", count(*) * (($3 & 1) - ($2 & 1)), count(*) * ((($3 >> 1) & 1) - (($2 >> 1) & 1)), count(*) * ((($3 >> 2) & 1) - (($2 >> 2) & 1)),
             count(*) * ((($3 >> 3) & 1) - (($2 >> 3) & 1)), count(*) * ((($3 >> 4) & 1) - (($2 >> 4) & 1)), count(*) * ((($3 >> 5) & 1) - (($2 >> 5) & 1))
      FROM "Occurrence" o WHERE o."secretId" = ANY($1)
      GROUP BY o."imageId" ORDER BY o."imageId"
      ON CONFLICT ("imageId") DO UPDATE SET
        "openOccurrences" = e."openOccurrences" + EXCLUDED."openOccurrences", "fileResidue" = e."fileResidue" + EXCLUDED."fileResidue",
        "filePresent" = e."filePresent" + EXCLUDED."filePresent", "buildHistory" = e."buildHistory" + EXCLUDED."buildHistory",
        "envConfig" = e."envConfig" + EXCLUDED."envConfig", "baseInherited" = e."baseInherited" + EXCLUDED."baseInherited"$q$
    USING change.ids, change.ob, change.nb;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER "Occurrence_exposure_insert" AFTER INSERT ON "Occurrence" REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION residue_exposure_occurrences_added();
CREATE TRIGGER "Occurrence_exposure_delete" AFTER DELETE ON "Occurrence" REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION residue_exposure_occurrences_deleted();
CREATE TRIGGER "Secret_exposure_update" AFTER UPDATE ON "Secret" REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
  FOR EACH STATEMENT EXECUTE FUNCTION residue_exposure_secrets_changed();

-- Existing data.
SELECT residue_exposure_recount(ARRAY(SELECT id FROM "Image"));
