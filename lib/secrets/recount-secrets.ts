import type { Prisma } from "../generated/prisma/client";

/**
 * Sets secrets' counters and flags from the occurrences they hold, exactly. Ingest moves them by what each upload
 * adds (lib/ingest/secret-counters.ts); this is for the rare writes that move or fold occurrences between
 * secrets or layers (a merge), where adding is not enough.
 */
export async function recountSecrets(tx: Prisma.TransactionClient, secretIds: string[]) {
  const ids = [...new Set(secretIds)].sort();
  if (!ids.length) return;
  await tx.$executeRaw`
    UPDATE "Secret" s SET
      "occurrenceCount" = COALESCE(c.n, 0), "imageCount" = COALESCE(c.images, 0), "residueCount" = COALESCE(c.residue, 0),
      "repositoryCount" = COALESCE(c.repositories, 0), "registryCount" = COALESCE(c.registries, 0), "layerCount" = COALESCE(c.layers, 0),
      "inFinalFs" = COALESCE(c.present, false), "inHistory" = COALESCE(c.history, false), "inConfig" = COALESCE(c.config, false),
      "inSharedLayer" = COALESCE(c.shared, false)
    FROM unnest(${ids}::text[]) AS sv(id)
    LEFT JOIN (
      SELECT o."secretId", count(*)::int AS n, count(DISTINCT o."imageId")::int AS images, (count(*) FILTER (WHERE o.residue))::int AS residue,
             count(DISTINCT o."repositoryId")::int AS repositories, count(DISTINCT r."registryId")::int AS registries, count(DISTINCT o."layerId")::int AS layers,
             bool_or(o.source = 'file' AND NOT o.residue) AS present, bool_or(o.source = 'history') AS history, bool_or(o.source IN ('env', 'config')) AS config,
             COALESCE(bool_or(l."sharedAcrossRepositories"), false) AS shared
      FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" LEFT JOIN "Layer" l ON l.id = o."layerId"
      WHERE o."secretId" = ANY(${ids}::text[]) GROUP BY o."secretId"
    ) c ON c."secretId" = sv.id
    WHERE s.id = sv.id`;
}
