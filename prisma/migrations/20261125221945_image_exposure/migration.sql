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

-- What one occurrence of a secret adds to its image: nothing unless the secret is open (open or confirmed, not
-- remediated), else 1 to the total and 1 to each finding type the secret has.
CREATE TYPE residue_exposure AS (open int, file_residue int, file_present int, build_history int, env_config int, base_inherited int);

CREATE FUNCTION residue_exposure_of(state "TriageState", remediated timestamp, residue int, present boolean, history boolean, config boolean, shared boolean)
RETURNS residue_exposure LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(o, o * (residue > 0)::int, o * present::int, o * history::int, o * config::int, o * shared::int)::residue_exposure
  FROM (SELECT CASE WHEN state IN ('open', 'confirmed') AND remediated IS NULL THEN 1 ELSE 0 END AS o) x
$$;

-- Exact recount of some images, for deletions (a deleted occurrence's secret may be gone too).
CREATE FUNCTION residue_exposure_recount(images text[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "ImageExposure" WHERE "imageId" = ANY(images);
  INSERT INTO "ImageExposure" ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
  SELECT o."imageId", sum(c.open), sum(c.file_residue), sum(c.file_present), sum(c.build_history), sum(c.env_config), sum(c.base_inherited)
  FROM "Occurrence" o JOIN "Image" i ON i.id = o."imageId" JOIN "Secret" s ON s.id = o."secretId"
  CROSS JOIN LATERAL residue_exposure_of(s."triageState", s."remediatedAt", s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer") c
  WHERE o."imageId" = ANY(images)
  GROUP BY o."imageId";
$$;

CREATE FUNCTION residue_exposure_occurrences_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ImageExposure" AS e ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
  SELECT a."imageId", sum(c.open), sum(c.file_residue), sum(c.file_present), sum(c.build_history), sum(c.env_config), sum(c.base_inherited)
  FROM added a JOIN "Secret" s ON s.id = a."secretId"
  CROSS JOIN LATERAL residue_exposure_of(s."triageState", s."remediatedAt", s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer") c
  GROUP BY a."imageId" ORDER BY a."imageId"
  ON CONFLICT ("imageId") DO UPDATE SET
    "openOccurrences" = e."openOccurrences" + EXCLUDED."openOccurrences", "fileResidue" = e."fileResidue" + EXCLUDED."fileResidue",
    "filePresent" = e."filePresent" + EXCLUDED."filePresent", "buildHistory" = e."buildHistory" + EXCLUDED."buildHistory",
    "envConfig" = e."envConfig" + EXCLUDED."envConfig", "baseInherited" = e."baseInherited" + EXCLUDED."baseInherited";
  RETURN NULL;
END $$;

CREATE FUNCTION residue_exposure_occurrences_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM residue_exposure_recount(ARRAY(SELECT DISTINCT "imageId" FROM removed));
  RETURN NULL;
END $$;

-- A secret whose contribution changed (triage, remediation, new finding types) moves every image that holds it
-- by the difference, once per occurrence there.
CREATE FUNCTION residue_exposure_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH d AS MATERIALIZED (
    SELECT n.id, (nc).open - (oc).open AS open, (nc).file_residue - (oc).file_residue AS file_residue,
           (nc).file_present - (oc).file_present AS file_present, (nc).build_history - (oc).build_history AS build_history,
           (nc).env_config - (oc).env_config AS env_config, (nc).base_inherited - (oc).base_inherited AS base_inherited
    FROM (
      SELECT n.id,
        residue_exposure_of(n."triageState", n."remediatedAt", n."residueCount", n."inFinalFs", n."inHistory", n."inConfig", n."inSharedLayer") AS nc,
        residue_exposure_of(o."triageState", o."remediatedAt", o."residueCount", o."inFinalFs", o."inHistory", o."inConfig", o."inSharedLayer") AS oc
      FROM after_rows n JOIN before_rows o ON o.id = n.id
    ) n
    WHERE nc IS DISTINCT FROM oc
  )
  INSERT INTO "ImageExposure" AS e ("imageId", "openOccurrences", "fileResidue", "filePresent", "buildHistory", "envConfig", "baseInherited")
  SELECT o."imageId", sum(d.open), sum(d.file_residue), sum(d.file_present), sum(d.build_history), sum(d.env_config), sum(d.base_inherited)
  FROM d JOIN "Occurrence" o ON o."secretId" = d.id
  GROUP BY o."imageId" ORDER BY o."imageId"
  ON CONFLICT ("imageId") DO UPDATE SET
    "openOccurrences" = e."openOccurrences" + EXCLUDED."openOccurrences", "fileResidue" = e."fileResidue" + EXCLUDED."fileResidue",
    "filePresent" = e."filePresent" + EXCLUDED."filePresent", "buildHistory" = e."buildHistory" + EXCLUDED."buildHistory",
    "envConfig" = e."envConfig" + EXCLUDED."envConfig", "baseInherited" = e."baseInherited" + EXCLUDED."baseInherited";
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
