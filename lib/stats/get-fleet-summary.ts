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
    { scans: bigint; secrets: bigint; open: bigint; images: bigint; registries: bigint; residue: bigint; last_scan: Date | null }[]
  >`
    SELECT
      (SELECT count(*) FROM "Scan" WHERE status = 'completed') AS scans,
      (SELECT count(*) FROM "Secret") AS secrets,
      (SELECT count(*) FROM "Secret" WHERE "triageState" IN ('open', 'confirmed')) AS open,
      -- Per image (per registry), one index probe for any occurrence, rather than every occurrence read and de-duplicated.
      (SELECT count(*) FROM "Image" i WHERE EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = i.id)) AS images,
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
