import { recordAudit } from "../audit/record-audit";
import { emitWebhookEvents } from "../webhooks/emit";
import { forgetQueryArgs } from "../db/forget-query-args";
import type { Actor } from "../access/actor";
import type { UpstreamResolution } from "../findings/finding";
import type { IngestPlan } from "./resolve-findings";
import {
  addDelta,
  applyCounterDeltas,
  flagSharedLayers,
  NO_CHANGE,
  probeKnown,
  type CounterDelta,
} from "./secret-counters";
import { upsertLayers } from "./upsert-layers";
import { upsertSecrets } from "./upsert-secrets";
import { eachChunk, cmp, rowsJson, type Tx } from "../db/write-batches";

export type ScanMeta = {
  scanner: string;
  toolName: string | null;
  scannerVersion: string | null;
  format: string;
  target: string | null;
  contentSha256: string;
  sizeBytes: number;
  scannedAt: Date | null;
  uploader: Actor;
  /** The scan's id, when the caller chose it (an upload's). */
  id?: string;
  findingsCount: number;
  skippedCount: number;
};

export type PersistResult = {
  scanId: string;
  duplicate: boolean;
  newSecrets: number;
  newOccurrences: number;
  knownOccurrences: number;
  secretIds: string[];
  /** Known secrets this scan found somewhere new (what triage's regression rule looks at). */
  seenAgain: string[];
  /** Secrets a scanner said are not live (evidence for rotation). */
  notLiveSecretIds: string[];
  /** Secrets the scanning service had already closed (lib/triage/apply-upstream.ts). */
  upstream: { secretId: string; resolution: UpstreamResolution }[];
  /** (secret, repository) pairs of the occurrences this scan added (what remediation reconciles). */
  fresh: { secretId: string; repositoryId: string }[];
};

/**
 * Writes one ingest inside the caller's transaction with a fixed number of statements per 2,500 rows.
 * Rows are sorted by their natural keys so concurrent uploads take row locks in the same order.
 * Returns duplicate=true (and writes nothing) when a scan with the same content already exists.
 */
export async function persistIngest(tx: Tx, meta: ScanMeta, plan: IngestPlan, now: Date): Promise<PersistResult> {
  const at = now.toISOString();
  const uploaderUserId = meta.uploader.kind === "user" ? meta.uploader.userId : null;
  const uploaderTokenId = meta.uploader.kind === "token" ? meta.uploader.tokenId : null;
  const scanRows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Scan" (id, scanner, "toolName", "scannerVersion", format, target, "contentSha256", "sizeBytes", "scannedAt",
                        "uploaderUserId", "uploaderTokenId", status, "findingsCount", "skippedCount", "createdAt")
    VALUES (COALESCE(${meta.id ?? null}::text, gen_random_uuid()::text), ${meta.scanner}, ${meta.toolName}, ${meta.scannerVersion}, ${meta.format}, ${meta.target},
            ${meta.contentSha256}, ${meta.sizeBytes}, ${meta.scannedAt?.toISOString() ?? null}::timestamp, ${uploaderUserId},
            ${uploaderTokenId}, 'processing', ${meta.findingsCount}, ${meta.skippedCount}, ${at}::timestamp)
    ON CONFLICT ("contentSha256") DO NOTHING
    RETURNING id`;
  if (!scanRows.length) {
    const [existing] = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Scan" WHERE "contentSha256" = ${meta.contentSha256}`;
    return {
      scanId: existing!.id,
      duplicate: true,
      newSecrets: 0,
      newOccurrences: 0,
      knownOccurrences: 0,
      secretIds: [],
      seenAgain: [],
      notLiveSecretIds: [],
      upstream: [],
      fresh: [],
    };
  }
  const scanId = scanRows[0]!.id;

  const imageIds = await upsertImages(tx, plan, at);
  const { ids: layerIds, keys: layerKeys } = await upsertLayers(tx, plan);
  await upsertImageLayers(tx, plan, imageIds, layerIds);
  await recordTags(tx, plan, imageIds, scanId, at);
  const { secretIds, newSecrets, firstSeen } = await upsertSecrets(tx, plan, { imageIds, layerIds, at, now, scanId });
  await emitWebhookEvents(
    tx,
    "secret.created",
    [...firstSeen].sort().map((id) => ({ subjectId: id, payload: { scanId } })),
    now,
  );
  const occ = await upsertOccurrences(tx, plan, {
    imageIds,
    layerIds,
    layerKeys,
    secretIds,
    firstSeen,
    scanId,
    scanner: meta.toolName ?? meta.scanner,
    at,
  });
  const ids = [...new Set(secretIds.values())].sort();
  await applyCounterDeltas(tx, occ.deltas, firstSeen);
  const seenAgain = [...occ.deltas].filter(([id, d]) => !firstSeen.has(id) && d.occurrences > 0).map(([id]) => id);
  await flagSharedLayers(tx, ids, [...new Set(layerIds.values())].sort());
  const notLiveSecretIds = plan.secrets
    .filter((x) => x.verifiedLive === false)
    .map((x) => secretIds.get(x.identityKey)!);
  const upstream = plan.secrets.flatMap((x) =>
    x.upstream ? [{ secretId: secretIds.get(x.identityKey)!, resolution: x.upstream }] : [],
  );

  const primaryImageId = plan.primaryImageKey ? (imageIds.get(plan.primaryImageKey) ?? null) : null;
  await tx.$executeRaw`
    UPDATE "Scan" SET status = 'completed', "finishedAt" = ${at}::timestamp, "imageId" = ${primaryImageId},
      "newSecrets" = ${newSecrets}, "newOccurrences" = ${occ.inserted}, "knownOccurrences" = ${occ.updated}
    WHERE id = ${scanId}`;
  await recordAudit(
    tx,
    meta.uploader,
    {
      action: "scan.ingested",
      entityType: "Scan",
      entityId: scanId,
      after: {
        scanner: meta.scanner,
        format: meta.format,
        findings: meta.findingsCount,
        newSecrets,
        newOccurrences: occ.inserted,
      },
    },
    now,
  );
  return {
    scanId,
    duplicate: false,
    newSecrets,
    newOccurrences: occ.inserted,
    knownOccurrences: occ.updated,
    secretIds: ids,
    seenAgain: seenAgain.sort(cmp),
    notLiveSecretIds,
    upstream,
    fresh: occ.fresh,
  };
}

async function upsertImages(tx: Tx, plan: IngestPlan, at: string): Promise<Map<string, string>> {
  const images = [...plan.images].sort((a, b) => cmp(a.key, b.key));
  const hosts = [...new Set(images.map((i) => i.registry))].sort();
  if (!hosts.length) return new Map();
  await tx.$executeRaw`
    INSERT INTO "Registry" (id, host) SELECT gen_random_uuid()::text, h FROM unnest(${hosts}::text[]) AS h
    ON CONFLICT (host) DO NOTHING`;
  const repoPairs = [...new Map(images.map((i) => [`${i.registry}\0${i.repository}`, i])).values()];
  const hostsOf = repoPairs.map((i) => i.registry);
  const namesOf = repoPairs.map((i) => i.repository);
  await tx.$executeRaw`
    INSERT INTO "Repository" (id, "registryId", name)
    SELECT gen_random_uuid()::text, r.id, x.name
    FROM unnest(${hostsOf}::text[], ${namesOf}::text[]) AS x(host, name) JOIN "Registry" r ON r.host = x.host
    ORDER BY r.id, x.name
    ON CONFLICT ("registryId", name) DO NOTHING`;
  // A separate statement: its snapshot sees rows that a concurrent upload committed while we waited on the conflict.
  const repos = await tx.$queryRaw<{ id: string; host: string; name: string }[]>`
    SELECT repo.id, r.host, repo.name
    FROM unnest(${hostsOf}::text[], ${namesOf}::text[]) AS x(host, name)
    JOIN "Registry" r ON r.host = x.host JOIN "Repository" repo ON repo."registryId" = r.id AND repo.name = x.name`;
  const repoId = new Map(repos.map((r) => [`${r.host}\0${r.name}`, r.id]));
  const withRepo = images.map((i) => ({ ...i, repositoryId: repoId.get(`${i.registry}\0${i.repository}`)! }));
  const rows = await tx.$queryRaw<{ id: string; repositoryId: string; digest: string }[]>`
    INSERT INTO "Image" (id, "repositoryId", digest, "digestKind", "configDigest", platform, "firstSeenAt", "lastSeenAt")
    SELECT gen_random_uuid()::text, x.repo, x.digest, x.kind::"DigestKind", x.cfg, x.platform, ${at}::timestamp, ${at}::timestamp
    FROM unnest(${withRepo.map((i) => i.repositoryId)}::text[], ${withRepo.map((i) => i.digest)}::text[], ${withRepo.map((i) => i.digestKind)}::text[],
                ${withRepo.map((i) => i.configDigest)}::text[], ${withRepo.map((i) => i.platform)}::text[]) AS x(repo, digest, kind, cfg, platform)
    ON CONFLICT ("repositoryId", digest) DO UPDATE SET
      "lastSeenAt" = GREATEST("Image"."lastSeenAt", EXCLUDED."lastSeenAt"),
      "configDigest" = COALESCE("Image"."configDigest", EXCLUDED."configDigest"),
      platform = COALESCE("Image".platform, EXCLUDED.platform)
    RETURNING id, "repositoryId", digest`;
  const imageId = new Map(rows.map((r) => [`${r.repositoryId}@${r.digest}`, r.id]));
  return new Map(withRepo.map((i) => [i.key, imageId.get(`${i.repositoryId}@${i.digest}`)!]));
}

async function upsertImageLayers(
  tx: Tx,
  plan: IngestPlan,
  imageIds: Map<string, string>,
  layerIds: Map<string, string>,
) {
  const rows = plan.imageLayers.filter((l) => imageIds.has(l.imageKey));
  if (!rows.length) return;
  await tx.$executeRaw`
    INSERT INTO "ImageLayer" ("imageId", position, "layerIndex", "layerId", "createdBy", "emptyLayer")
    SELECT * FROM unnest(${rows.map((r) => imageIds.get(r.imageKey)!)}::text[], ${rows.map((r) => r.position)}::int[],
                         ${rows.map((r) => r.layerIndex)}::int[], ${rows.map((r) => (r.layerKey ? (layerIds.get(r.layerKey) ?? null) : null))}::text[],
                         ${rows.map((r) => r.createdBy)}::text[], ${rows.map((r) => r.emptyLayer)}::boolean[])
    ON CONFLICT ("imageId", position) DO UPDATE SET
      "layerId" = COALESCE("ImageLayer"."layerId", EXCLUDED."layerId"),
      "layerIndex" = COALESCE("ImageLayer"."layerIndex", EXCLUDED."layerIndex"),
      "createdBy" = COALESCE("ImageLayer"."createdBy", EXCLUDED."createdBy")`;
}

/** A tag seen pointing at an image: upsert it and record a TagEvent only when it moved (or came back). */
async function recordTags(tx: Tx, plan: IngestPlan, imageIds: Map<string, string>, scanId: string, at: string) {
  const tagged = plan.images.filter((i) => i.tag && imageIds.has(i.key)).sort((a, b) => cmp(a.key, b.key));
  if (!tagged.length) return;
  await tx.$executeRaw`
    WITH input AS (
      SELECT i."repositoryId" AS repo, x.tag, x.image
      FROM unnest(${tagged.map((i) => imageIds.get(i.key)!)}::text[], ${tagged.map((i) => i.tag!)}::text[]) AS x(image, tag)
      JOIN "Image" i ON i.id = x.image
    ), before AS (
      SELECT t.id, t."repositoryId", t.name, t."imageId", t."deletedAt" FROM "Tag" t JOIN input ON t."repositoryId" = input.repo AND t.name = input.tag
    ), upserted AS (
      INSERT INTO "Tag" (id, "repositoryId", name, "imageId", "deletedAt", "updatedAt")
      SELECT gen_random_uuid()::text, repo, tag, image, NULL, ${at}::timestamp FROM input
      ON CONFLICT ("repositoryId", name) DO UPDATE SET "imageId" = EXCLUDED."imageId", "deletedAt" = NULL, "updatedAt" = EXCLUDED."updatedAt"
      RETURNING id, "repositoryId", name, "imageId"
    )
    INSERT INTO "TagEvent" (id, "tagId", "imageId", action, at, source)
    SELECT gen_random_uuid()::text, u.id, u."imageId", 'pointed', ${at}::timestamp, ${`scan:${scanId}`}
    FROM upserted u LEFT JOIN before b ON b."repositoryId" = u."repositoryId" AND b.name = u.name
    WHERE b.id IS NULL OR b."imageId" IS DISTINCT FROM u."imageId" OR b."deletedAt" IS NOT NULL`;
}

async function upsertOccurrences(
  tx: Tx,
  plan: IngestPlan,
  ctx: {
    imageIds: Map<string, string>;
    layerIds: Map<string, string>;
    layerKeys: Map<string, string>;
    secretIds: Map<string, string>;
    firstSeen: Set<string>;
    scanId: string;
    scanner: string;
    at: string;
  },
) {
  const layerId = (k: string | null) => (k ? (ctx.layerIds.get(k) ?? null) : null);
  // Rows go to the database in the order of the unique key, so concurrent uploads lock in the same order. One
  // string key per row: a five-field comparator cost more than the rest of this step.
  const rows = plan.occurrences.map((o) => {
    const secret = ctx.secretIds.get(o.identityKey)!;
    const image = ctx.imageIds.get(o.imageKey)!;
    // The stored layer's key: the plan may name a layer by the digest that a stored layer has beside its diffID.
    const storedLayerKey = o.layerKey ? (ctx.layerKeys.get(o.layerKey) ?? o.layerKey) : "";
    return {
      key: `${image}\0${secret}\0${storedLayerKey}\0${o.path}\0${o.line}`,
      row: {
        secret,
        image,
        layer_key: storedLayerKey,
        layer_id: layerId(o.layerKey),
        layer_position: o.layerPosition,
        path: o.path,
        line: o.line,
        source: o.source,
        created: o.createdBy,
        deleted_in: layerId(o.deletedInLayerKey),
        deleted_position: o.deletedInPosition,
        value_known: o.valueKnown,
      },
    };
  });
  rows.sort((a, b) => cmp(a.key, b.key));
  // Two credentials of the plan that became one secret may name the same place: one row each (sorted, so adjacent).
  const unique = rows.filter((r, i) => i === 0 || r.key !== rows[i - 1]!.key);
  let inserted = 0;
  let updated = 0;
  const deltas = new Map<string, CounterDelta>();
  await eachChunk(unique, async (part) => {
    const batch = part.map((r) => r.row);
    await tx.$executeRaw`
      INSERT INTO "Path" (value) SELECT DISTINCT p FROM json_array_elements_text(${JSON.stringify([...new Set(batch.map((o) => o.path))].sort(cmp))}::json) AS p
      ORDER BY 1 ON CONFLICT (value) DO NOTHING`;
    const known = batch.filter((b) => !ctx.firstSeen.has(b.secret));
    if (known.length)
      for (const { secretId, ...d } of await probeKnown(tx, known))
        deltas.set(secretId, addDelta(deltas.get(secretId), d));
    const out = await tx.$queryRaw<
      { secretId: string; inserted: number; updated: number; residue: number; freshRepositories: string[] }[]
    >`
      WITH x AS (
        SELECT * FROM json_to_recordset(${rowsJson(batch)}::json)
          AS x(secret text, image text, layer_key text, layer_id text, layer_position int, path text, line int, source text, created text, deleted_in text, deleted_position int, value_known boolean)
      ), written AS (
        INSERT INTO "Occurrence" (id, "secretId", "imageId", "repositoryId", "layerKey", "layerId", "layerPosition", path, "pathId", line, source, "createdBy",
                                  "deletedInLayerId", "deletedInPosition", residue, "valueKnown", scanner, "firstSeenAt", "lastSeenAt", "lastScanId")
        SELECT gen_random_uuid()::text, x.secret, x.image, i."repositoryId", x.layer_key, x.layer_id, x.layer_position, x.path, p.id, x.line, x.source::"OccurrenceSource", x.created,
               x.deleted_in, x.deleted_position, x.deleted_in IS NOT NULL, x.value_known, ${ctx.scanner}, ${ctx.at}::timestamp, ${ctx.at}::timestamp, ${ctx.scanId}
        FROM x JOIN "Image" i ON i.id = x.image JOIN "Path" p ON p.value = x.path
        ON CONFLICT ("imageId", "secretId", "layerKey", path, line) DO UPDATE SET
          "lastSeenAt" = GREATEST("Occurrence"."lastSeenAt", EXCLUDED."lastSeenAt"),
          "lastScanId" = EXCLUDED."lastScanId",
          "layerPosition" = COALESCE("Occurrence"."layerPosition", EXCLUDED."layerPosition"),
          "createdBy" = COALESCE("Occurrence"."createdBy", EXCLUDED."createdBy"),
          "deletedInLayerId" = COALESCE("Occurrence"."deletedInLayerId", EXCLUDED."deletedInLayerId"),
          "deletedInPosition" = COALESCE("Occurrence"."deletedInPosition", EXCLUDED."deletedInPosition"),
          residue = "Occurrence".residue OR EXCLUDED.residue,
          "valueKnown" = "Occurrence"."valueKnown" OR EXCLUDED."valueKnown"
        RETURNING "secretId", "imageId", "repositoryId", residue, (xmax = 0) AS inserted
      )
      -- One row per secret back, not one per occurrence.
      SELECT "secretId", (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated,
             (count(*) FILTER (WHERE inserted AND residue))::int AS residue,
             COALESCE(array_agg(DISTINCT "repositoryId") FILTER (WHERE inserted), '{}') AS "freshRepositories"
      FROM written GROUP BY "secretId"`;
    forgetQueryArgs();
    for (const r of out) {
      inserted += r.inserted;
      updated += r.updated;
      // Fresh: the secret in an image that deleted_in not hold it. For a known secret that is probeKnown's answer: another
      // scanner's report of an image already known, with a line it knew or deleted_in not, is not the secret found again.
      const fresh = ctx.firstSeen.has(r.secretId) ? r.freshRepositories : [];
      deltas.set(
        r.secretId,
        addDelta(deltas.get(r.secretId), {
          ...NO_CHANGE,
          occurrences: r.inserted,
          residue: r.residue,
          freshRepositories: fresh,
        }),
      );
    }
  });
  await recordScanSecrets(
    tx,
    ctx.scanId,
    unique.map((r) => r.row.secret),
  );
  const fresh = [...deltas].flatMap(([secretId, d]) =>
    d.freshRepositories.map((repositoryId) => ({ secretId, repositoryId })),
  );
  fresh.sort((a, b) => cmp(a.secretId, b.secretId) || cmp(a.repositoryId, b.repositoryId));
  return { inserted, updated, fresh, deltas };
}

/** One row per secret the scan reported, with how many of its occurrences the report listed. */
async function recordScanSecrets(tx: Tx, scanId: string, secretIds: string[]) {
  const perSecret = new Map<string, number>();
  for (const id of secretIds) perSecret.set(id, (perSecret.get(id) ?? 0) + 1);
  const ids = [...perSecret.keys()].sort(cmp);
  if (!ids.length) return;
  await tx.$executeRaw`
    INSERT INTO "ScanSecret" ("scanId", "secretId", occurrences)
    SELECT ${scanId}, x.secret, x.n FROM unnest(${ids}::text[], ${ids.map((id) => perSecret.get(id)!)}::int[]) AS x(secret, n)`;
}
