-- CreateTable
CREATE TABLE "SecretPlacement" (
    "secretId" TEXT NOT NULL,
    "groupBy" "TrendGroupBy" NOT NULL,
    "groupId" TEXT NOT NULL,
    "occurrences" INTEGER NOT NULL,

    CONSTRAINT "SecretPlacement_pkey" PRIMARY KEY ("secretId","groupBy","groupId")
);

-- CreateTable
CREATE TABLE "GroupExposure" (
    "groupBy" "TrendGroupBy" NOT NULL,
    "groupId" TEXT NOT NULL,
    "openSecrets" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "GroupExposure_pkey" PRIMARY KEY ("groupBy","groupId")
);

-- CreateIndex
CREATE INDEX "SecretPlacement_groupBy_groupId_idx" ON "SecretPlacement"("groupBy", "groupId");

-- AddForeignKey
ALTER TABLE "SecretPlacement" ADD CONSTRAINT "SecretPlacement_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kept by triggers, as ImageExposure is (migration image_exposure, which says why): where each secret occurs per
-- repository and per registry (SecretPlacement), and how many secrets are open in each (GroupExposure). A secret is
-- open here by its stored state: open or confirmed, not remediated. Additions commute (a transaction that adds
-- occurrences of a secret or changes its state holds the secret's row lock); deletions and merges recount.

CREATE FUNCTION residue_secret_open(state "TriageState", remediated timestamp) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT state IN ('open', 'confirmed') AND remediated IS NULL
$$;

-- Exact recount of every group's open secrets: after deletions and merges (rare), and for existing data.
CREATE FUNCTION residue_group_exposure_recount() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "GroupExposure";
  INSERT INTO "GroupExposure" ("groupBy", "groupId", "openSecrets")
  SELECT p."groupBy", p."groupId", count(*) FROM "SecretPlacement" p JOIN "Secret" s ON s.id = p."secretId"
  WHERE residue_secret_open(s."triageState", s."remediatedAt") GROUP BY 1, 2;
$$;

-- Exact recount of some secrets' placements from their occurrences, then of the groups.
CREATE FUNCTION residue_placement_recount(secrets text[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "SecretPlacement" WHERE "secretId" = ANY(secrets);
  INSERT INTO "SecretPlacement" ("secretId", "groupBy", "groupId", occurrences)
  SELECT o."secretId", 'repository'::"TrendGroupBy", o."repositoryId", count(*) FROM "Occurrence" o WHERE o."secretId" = ANY(secrets) GROUP BY 1, 3
  UNION ALL
  SELECT o."secretId", 'registry'::"TrendGroupBy", r."registryId", count(*) FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId"
  WHERE o."secretId" = ANY(secrets) GROUP BY 1, 3;
  SELECT residue_group_exposure_recount();
$$;

-- New occurrences: their placements gain them; a placement that is new adds its secret, if open, to its group.
CREATE FUNCTION residue_placement_occurrences_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM added) THEN
    RETURN NULL; -- an upsert that only updated
  END IF;
  EXECUTE $q$
  WITH pairs AS (
    SELECT a."secretId", 'repository'::"TrendGroupBy" AS g, a."repositoryId" AS gid, count(*)::int AS n FROM added a GROUP BY 1, 3
    UNION ALL
    SELECT a."secretId", 'registry'::"TrendGroupBy", r."registryId", count(*)::int FROM added a JOIN "Repository" r ON r.id = a."repositoryId" GROUP BY 1, 3
  ), placed AS (
    INSERT INTO "SecretPlacement" AS p ("secretId", "groupBy", "groupId", occurrences)
    SELECT "secretId", g, gid, n FROM pairs ORDER BY 1, 2, 3
    ON CONFLICT ("secretId", "groupBy", "groupId") DO UPDATE SET occurrences = p.occurrences + EXCLUDED.occurrences
    RETURNING p."secretId", p."groupBy", p."groupId", (xmax = 0) AS fresh
  )
  INSERT INTO "GroupExposure" AS e ("groupBy", "groupId", "openSecrets")
  SELECT pl."groupBy", pl."groupId", count(*) FROM placed pl JOIN "Secret" s ON s.id = pl."secretId"
  WHERE pl.fresh AND residue_secret_open(s."triageState", s."remediatedAt")
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("groupBy", "groupId") DO UPDATE SET "openSecrets" = e."openSecrets" + EXCLUDED."openSecrets"$q$;
  RETURN NULL;
END $$;

CREATE FUNCTION residue_placement_occurrences_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM residue_placement_recount(ARRAY(SELECT DISTINCT "secretId" FROM removed));
  RETURN NULL;
END $$;

-- A secret that opened or closed moves each group it is placed in by one.
CREATE FUNCTION residue_group_exposure_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM after_rows) THEN
    RETURN NULL;
  END IF;
  EXECUTE $q$
  INSERT INTO "GroupExposure" AS e ("groupBy", "groupId", "openSecrets")
  SELECT p."groupBy", p."groupId", sum(CASE WHEN d.open THEN 1 ELSE -1 END)::int
  FROM (
    SELECT n.id, residue_secret_open(n."triageState", n."remediatedAt") AS open
    FROM after_rows n JOIN before_rows o ON o.id = n.id
    WHERE residue_secret_open(n."triageState", n."remediatedAt") <> residue_secret_open(o."triageState", o."remediatedAt")
  ) d JOIN "SecretPlacement" p ON p."secretId" = d.id
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("groupBy", "groupId") DO UPDATE SET "openSecrets" = e."openSecrets" + EXCLUDED."openSecrets"$q$;
  RETURN NULL;
END $$;

CREATE TRIGGER "Occurrence_placement_insert" AFTER INSERT ON "Occurrence" REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION residue_placement_occurrences_added();
CREATE TRIGGER "Occurrence_placement_delete" AFTER DELETE ON "Occurrence" REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION residue_placement_occurrences_deleted();
CREATE TRIGGER "Secret_group_exposure_update" AFTER UPDATE ON "Secret" REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
  FOR EACH STATEMENT EXECUTE FUNCTION residue_group_exposure_secrets_changed();

-- Existing data.
SELECT residue_placement_recount(ARRAY(SELECT id FROM "Secret"));
