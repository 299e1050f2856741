import { recountSecrets } from "../secrets/recount-secrets";
import type { IngestPlan } from "./resolve-findings";
import { cmp, rowsJson, type Tx } from "../db/write-batches";

type LayerRow = { id: string; key: string; diffId: string | null; digest: string | null };

/** Each plan layer key to its stored row: the id, and the key occurrences are written under. */
export type StoredLayers = { ids: Map<string, string>; keys: Map<string, string> };

/**
 * Finds or creates the stored layer of every layer in the plan. A layer has two names, its diffID (uncompressed,
 * trivy, ggshield, Residue) and its compressed digest (trufflehog, manifests), and reports may know either or both:
 * - a layer known by one name gets the other when a report links the two (trivy's Metadata.Layers, Residue's SARIF);
 * - a layer stored twice, once under each name by reports that knew one each, is one row again when a report links
 *   them: the digest row's occurrences, history entries and deletions move to the diffID row (an occurrence that
 *   already has its twin there is dropped), and the secrets in it are recounted.
 * A link that contradicts a stored one (the digest already belongs to another diffID) is ignored.
 */
export async function upsertLayers(tx: Tx, plan: IngestPlan): Promise<StoredLayers> {
  const layers = [...plan.layers].sort((a, b) => cmp(a.key, b.key));
  if (!layers.length) return { ids: new Map(), keys: new Map() };
  const diffs = layers.flatMap((l) => (l.diffId ? [l.diffId] : []));
  const digests = layers.flatMap((l) => (l.digest ? [l.digest] : []));
  const stored = await tx.$queryRaw<LayerRow[]>`
    SELECT id, key, "diffId", digest FROM "Layer" WHERE "diffId" = ANY(${diffs}::text[]) OR digest = ANY(${digests}::text[]) ORDER BY id FOR UPDATE`;
  const byDiff = new Map(stored.filter((r) => r.diffId).map((r) => [r.diffId!, r]));
  const byDigest = new Map(stored.filter((r) => r.digest).map((r) => [r.digest!, r]));

  const merges: { src: string; dst: string; key: string; digest: string }[] = [];
  const renames: { id: string; diff: string }[] = [];
  const fills: { id: string; digest: string }[] = [];
  for (const l of layers) {
    const a = l.diffId ? byDiff.get(l.diffId) : undefined;
    const b = l.digest ? byDigest.get(l.digest) : undefined;
    if (a && b && a !== b && !b.diffId) merges.push({ src: b.id, dst: a.id, key: a.key, digest: l.digest! });
    else if (a && !b && l.digest && !a.digest) fills.push({ id: a.id, digest: l.digest });
    else if (b && !a && l.diffId && !b.diffId) renames.push({ id: b.id, diff: l.diffId });
  }
  if (merges.length) await mergeLayers(tx, merges);
  if (renames.length) {
    await tx.$executeRaw`
      UPDATE "Layer" l SET key = x.diff, "diffId" = x.diff FROM json_to_recordset(${rowsJson(renames)}::json) AS x(id text, diff text) WHERE l.id = x.id`;
    await tx.$executeRaw`
      UPDATE "Occurrence" o SET "layerKey" = x.diff FROM json_to_recordset(${rowsJson(renames)}::json) AS x(id text, diff text) WHERE o."layerId" = x.id`;
  }
  if (fills.length) {
    await tx.$executeRaw`UPDATE "Layer" l SET digest = x.digest FROM json_to_recordset(${rowsJson(fills)}::json) AS x(id text, digest text) WHERE l.id = x.id`;
  }

  // Layers stored under neither name; then every plan layer's row, by whichever name the plan knows.
  const known = (l: (typeof layers)[number]) =>
    (l.diffId && byDiff.has(l.diffId)) || (l.digest && byDigest.has(l.digest));
  const fresh = layers.filter((l) => !known(l));
  if (fresh.length) {
    await tx.$executeRaw`
      INSERT INTO "Layer" (id, key, "diffId", digest, size)
      SELECT gen_random_uuid()::text, x.key, x.diff, x.dig, x.size
      FROM json_to_recordset(${rowsJson(fresh.map((l) => ({ key: l.key, diff: l.diffId, dig: l.digest, size: l.size })))}::json) AS x(key text, diff text, dig text, size bigint)
      ON CONFLICT (key) DO UPDATE SET digest = COALESCE("Layer".digest, EXCLUDED.digest), size = COALESCE("Layer".size, EXCLUDED.size)`;
  }
  const rows = await tx.$queryRaw<LayerRow[]>`
    SELECT id, key, "diffId", digest FROM "Layer" WHERE "diffId" = ANY(${diffs}::text[]) OR digest = ANY(${digests}::text[])`;
  const rowByDiff = new Map(rows.filter((r) => r.diffId).map((r) => [r.diffId!, r]));
  const rowByDigest = new Map(rows.filter((r) => r.digest).map((r) => [r.digest!, r]));
  const ids = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const l of layers) {
    const row = (l.diffId && rowByDiff.get(l.diffId)) || (l.digest && rowByDigest.get(l.digest)) || undefined;
    if (!row) continue;
    ids.set(l.key, row.id);
    keys.set(l.key, row.key);
  }
  return { ids, keys };
}

async function mergeLayers(tx: Tx, merges: { src: string; dst: string; key: string; digest: string }[]) {
  const pairs = rowsJson(merges);
  const secrets = await tx.$queryRaw<{ secretId: string }[]>`
    SELECT DISTINCT "secretId" FROM "Occurrence" WHERE "layerId" = ANY(${merges.map((m) => m.src)}::text[])`;
  await tx.$executeRaw`
    DELETE FROM "Occurrence" o USING json_to_recordset(${pairs}::json) AS m(src text, dst text)
    WHERE o."layerId" = m.src AND EXISTS (
      SELECT 1 FROM "Occurrence" t WHERE t."layerId" = m.dst AND t."imageId" = o."imageId" AND t."secretId" = o."secretId" AND t.path = o.path AND t.line = o.line)`;
  await tx.$executeRaw`
    UPDATE "Occurrence" o SET "layerId" = m.dst, "layerKey" = m.key FROM json_to_recordset(${pairs}::json) AS m(src text, dst text, key text) WHERE o."layerId" = m.src`;
  await tx.$executeRaw`
    UPDATE "Occurrence" o SET "deletedInLayerId" = m.dst FROM json_to_recordset(${pairs}::json) AS m(src text, dst text) WHERE o."deletedInLayerId" = m.src`;
  await tx.$executeRaw`
    UPDATE "ImageLayer" il SET "layerId" = m.dst FROM json_to_recordset(${pairs}::json) AS m(src text, dst text) WHERE il."layerId" = m.src`;
  await tx.$executeRaw`
    UPDATE "Layer" l SET size = COALESCE(l.size, f.size), "sharedAcrossRepositories" = l."sharedAcrossRepositories" OR f."sharedAcrossRepositories"
    FROM json_to_recordset(${pairs}::json) AS m(src text, dst text) JOIN "Layer" f ON f.id = m.src WHERE l.id = m.dst`;
  await tx.$executeRaw`DELETE FROM "Layer" WHERE id = ANY(${merges.map((m) => m.src)}::text[])`;
  await tx.$executeRaw`
    UPDATE "Layer" l SET digest = m.digest FROM json_to_recordset(${pairs}::json) AS m(dst text, digest text) WHERE l.id = m.dst`;
  await recountSecrets(
    tx,
    secrets.map((s) => s.secretId),
  );
}
