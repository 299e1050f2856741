import { getDb } from "../db";
import type { FindingType } from "../compliance/catalogue";

/** How a secret sits in the fleet's images, from its occurrences. A secret can be several types at once. */
export async function findingTypesOf(secretId: string): Promise<FindingType[]> {
  const [r] = await getDb().$queryRaw<{ residue: boolean; present: boolean; history: boolean; env: boolean; shared: boolean }[]>`
    SELECT bool_or(o.residue) AS residue,
           bool_or(o.source = 'file' AND NOT o.residue) AS present,
           bool_or(o.source = 'history') AS history,
           bool_or(o.source IN ('env', 'config')) AS env,
           EXISTS (SELECT 1 FROM "Occurrence" x JOIN "ImageLayer" il ON il."layerId" = x."layerId" JOIN "Image" i ON i.id = il."imageId"
                   WHERE x."secretId" = ${secretId} AND x."layerId" IS NOT NULL
                   GROUP BY x."layerId" HAVING count(DISTINCT i."repositoryId") > 1) AS shared
    FROM "Occurrence" o WHERE o."secretId" = ${secretId}`;
  if (!r) return [];
  const types: FindingType[] = [];
  if (r.residue) types.push("file_residue");
  if (r.present) types.push("file_present");
  if (r.history) types.push("build_history");
  if (r.env) types.push("env_config");
  if (r.shared) types.push("base_inherited");
  return types;
}
