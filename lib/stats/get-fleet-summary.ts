import { openNowSql } from "../vocabulary/sql";
import { getDb } from "../db";

export type FleetSummary = {
  scans: number;
  secrets: number;
  openSecrets: number;
  affectedImages: number;
  registries: number;
  residueSecrets: number;
  lastScanAt: Date | null;
};

/** Headline counts for the home page, in one round trip. */
export async function getFleetSummary(): Promise<FleetSummary> {
  const [row] = await getDb().$queryRaw<
    {
      scans: bigint;
      secrets: bigint;
      open: bigint;
      images: bigint;
      registries: bigint;
      residue: bigint;
      last_scan: Date | null;
    }[]
  >`
    SELECT
      (SELECT count(*) FROM "Scan" WHERE status = 'completed') AS scans,
      (SELECT count(*) FROM "Secret") AS secrets,
      (SELECT count(*) FROM "Secret" s WHERE ${openNowSql("s", new Date())}) AS open,
      -- ImageExposure has a row for exactly the images with an occurrence (its triggers insert one with the first and
      -- drop it with the last): 10,000 rows counted instead of one index probe per image, much the cheaper on PGlite.
      (SELECT count(*) FROM "ImageExposure") AS images,
      -- Per registry, one index probe for any occurrence, rather than every occurrence read and de-duplicated.
      (SELECT count(*) FROM "Registry" g WHERE EXISTS (SELECT 1 FROM "Repository" r JOIN "Occurrence" o ON o."repositoryId" = r.id WHERE r."registryId" = g.id)) AS registries,
      (SELECT count(*) FROM "Secret" WHERE "residueCount" > 0) AS residue,
      (SELECT max("createdAt") FROM "Scan" WHERE status = 'completed') AS last_scan`;
  return {
    scans: Number(row!.scans),
    secrets: Number(row!.secrets),
    openSecrets: Number(row!.open),
    affectedImages: Number(row!.images),
    registries: Number(row!.registries),
    residueSecrets: Number(row!.residue),
    lastScanAt: row!.last_scan,
  };
}
