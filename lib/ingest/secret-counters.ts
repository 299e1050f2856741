import type { IngestPlan } from "./resolve-findings";
import { rowsJson, cmp, type Tx } from "../db/write-batches";

// Secret counters and flags (occurrences, images, repositories, registries, layers, residue; in final filesystem,
// history, config) kept in step by ingest, so the fleet table sorts without aggregating occurrences per page.

/**
 * For rows of secrets known before this ingest, and before the batch is written: which add a first occurrence in
 * an image, repository or layer, and which turn a present file into residue. (Secrets first seen in this ingest
 * are inserted with their counters: countsIfNew.)
 */
export async function probeKnown(
  tx: Tx,
  rows: {
    secret: string;
    image: string;
    layer_key: string;
    layer_id: string | null;
    path: string;
    line: number;
    source: string;
    deleted_in: string | null;
  }[],
) {
  return tx.$queryRaw<(CounterDelta & { secretId: string })[]>`
    WITH x AS (
      SELECT x.*, i."repositoryId" AS repo
      FROM json_to_recordset(${rowsJson(rows)}::json) AS x(secret text, image text, layer_key text, layer_id text, path text, line int, source text, deleted_in text)
      JOIN "Image" i ON i.id = x.image
    ), seen AS (
      -- OFFSET 0 keeps each probe an index look-up per row: without it the planner, which takes a batch for 100 rows,
      -- may hash each subquery instead, a scan of all of Occurrence apiece (31 of 33 ms of a 50-finding upload at 7,500).
      SELECT x.*,
        NOT EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = x.image AND o."secretId" = x.secret OFFSET 0) AS new_image,
        NOT EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."repositoryId" = x.repo AND o."secretId" = x.secret OFFSET 0) AS new_repo,
        x.layer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."layerId" = x.layer_id AND o."secretId" = x.secret OFFSET 0) AS new_layer,
        x.deleted_in IS NOT NULL AND EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = x.image AND o."secretId" = x.secret AND o."layerKey" = x.layer_key
                                      AND o.path = x.path AND o.line = x.line AND NOT o.residue OFFSET 0) AS flipped,
        x.source = 'file' AND x.deleted_in IS NULL AND NOT EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = x.image AND o."secretId" = x.secret
                                      AND o."layerKey" = x.layer_key AND o.path = x.path AND o.line = x.line AND o.residue OFFSET 0) AS present
      FROM x
    )
    SELECT secret AS "secretId", 0 AS occurrences, (count(DISTINCT (image, layer_key, path, line)) FILTER (WHERE flipped))::int AS residue,
      (count(DISTINCT image) FILTER (WHERE new_image))::int AS images, (count(DISTINCT layer_id) FILTER (WHERE new_layer))::int AS layers,
      COALESCE(array_agg(DISTINCT repo) FILTER (WHERE new_repo), '{}') AS "newRepositories",
      COALESCE(array_agg(DISTINCT repo) FILTER (WHERE new_image), '{}') AS "freshRepositories",
      bool_or(present) AS present, bool_or(source = 'history') AS history, bool_or(source IN ('env', 'config')) AS config,
      bool_or(flipped) AS flipped
    FROM seen GROUP BY secret`;
}

/** A secret's counters and flags when every occurrence it has is in this upload. */
export type NewSecretCounts = {
  occurrences: number;
  images: number;
  residue: number;
  repositories: number;
  registries: number;
  layers: number;
  present: boolean;
  history: boolean;
  config: boolean;
};

/**
 * Each secret's counters as if the plan held all its occurrences, which is exact for the secrets this upload
 * inserts: they go into the insert itself, and the occurrences of a new secret are never read back. (Reading them
 * back joined every new secret to an Occurrence table the planner had no statistics for yet, and took minutes in a
 * CI run on PostgreSQL.) Keys of the plan map one to one to rows: an image to (registry, repository,
 * digest), a layer to its key, so distinct keys count distinct rows.
 */
export function countsIfNew(plan: Pick<IngestPlan, "images" | "occurrences">): Map<string, NewSecretCounts> {
  const imageOf = new Map(plan.images.map((i) => [i.key, i]));
  const sets = new Map<
    string,
    {
      n: number;
      residue: number;
      images: Set<string>;
      repos: Set<string>;
      registries: Set<string>;
      layers: Set<string>;
      present: boolean;
      history: boolean;
      config: boolean;
    }
  >();
  for (const o of plan.occurrences) {
    let c = sets.get(o.identityKey);
    if (!c)
      sets.set(
        o.identityKey,
        (c = {
          n: 0,
          residue: 0,
          images: new Set(),
          repos: new Set(),
          registries: new Set(),
          layers: new Set(),
          present: false,
          history: false,
          config: false,
        }),
      );
    const image = imageOf.get(o.imageKey)!;
    const residue = o.deletedInLayerKey !== null;
    c.n++;
    if (residue) c.residue++;
    c.images.add(o.imageKey);
    c.repos.add(`${image.registry}\0${image.repository}`);
    c.registries.add(image.registry);
    if (o.layerKey) c.layers.add(o.layerKey);
    c.present ||= o.source === "file" && !residue;
    c.history ||= o.source === "history";
    c.config ||= o.source === "env" || o.source === "config";
  }
  return new Map(
    [...sets].map(([key, c]) => [
      key,
      {
        occurrences: c.n,
        images: c.images.size,
        residue: c.residue,
        repositories: c.repos.size,
        registries: c.registries.size,
        layers: c.layers.size,
        present: c.present,
        history: c.history,
        config: c.config,
      },
    ]),
  );
}

export const NO_CHANGE: CounterDelta = {
  occurrences: 0,
  residue: 0,
  images: 0,
  layers: 0,
  newRepositories: [],
  freshRepositories: [],
  present: false,
  history: false,
  config: false,
  flipped: false,
};

/** What one ingest adds to a secret's counters and flags (occurrences are never deleted; residue only turns on). */
export type CounterDelta = {
  occurrences: number;
  residue: number;
  images: number;
  layers: number;
  newRepositories: string[];
  freshRepositories: string[];
  present: boolean;
  history: boolean;
  config: boolean;
  flipped: boolean;
};

export function addDelta(a: CounterDelta | undefined, b: CounterDelta): CounterDelta {
  if (!a) return b;
  return {
    occurrences: a.occurrences + b.occurrences,
    residue: a.residue + b.residue,
    images: a.images + b.images,
    layers: a.layers + b.layers,
    newRepositories: [...a.newRepositories, ...b.newRepositories],
    freshRepositories: [...new Set([...a.freshRepositories, ...b.freshRepositories])],
    present: a.present || b.present,
    history: a.history || b.history,
    config: a.config || b.config,
    flipped: a.flipped || b.flipped,
  };
}

/**
 * Keeps the table-sorting counters in step by adding what this ingest changed (a full recount would read every
 * occurrence of a popular secret on every upload). Secrets first seen in this ingest were inserted with their
 * counters (countsIfNew), so they are left alone here. Triage state is triage's (lib/triage/reopen-regressions.ts).
 */
export async function applyCounterDeltas(tx: Tx, deltas: Map<string, CounterDelta>, firstSeen: Set<string>) {
  const ids = [...deltas.keys()].sort(cmp);
  if (!ids.length) return;
  const known = ids.filter((id) => !firstSeen.has(id)).map((id) => ({ id, ...deltas.get(id)! }));
  // Known before: add what changed; a registry is new when none of its other repositories held the secret.
  if (known.length)
    await tx.$executeRaw`
    UPDATE "Secret" s SET
      "occurrenceCount" = s."occurrenceCount" + d.occurrences, "imageCount" = s."imageCount" + d.images,
      "residueCount" = s."residueCount" + d.residue, "layerCount" = s."layerCount" + d.layers,
      "repositoryCount" = s."repositoryCount" + cardinality(d."newRepositories"),
      "registryCount" = s."registryCount" + (
        SELECT count(DISTINCT r."registryId") FROM unnest(d."newRepositories") AS nr(id) JOIN "Repository" r ON r.id = nr.id
        WHERE NOT EXISTS (SELECT 1 FROM "Repository" r2 JOIN "Occurrence" o ON o."repositoryId" = r2.id AND o."secretId" = d.id
                          WHERE r2."registryId" = r."registryId" AND r2.id <> ALL(d."newRepositories")))::int,
      "inFinalFs" = s."inFinalFs" OR d.present, "inHistory" = s."inHistory" OR d.history, "inConfig" = s."inConfig" OR d.config
    FROM json_to_recordset(${rowsJson(known)}::json)
           AS d(id text, occurrences int, residue int, images int, layers int, "newRepositories" text[], present boolean, history boolean, config boolean)
    WHERE s.id = d.id`;
  // A file that became residue may have been the secret's last copy in a final filesystem.
  const flipped = ids.filter((id) => deltas.get(id)!.flipped);
  if (flipped.length) {
    await tx.$executeRaw`
      UPDATE "Secret" s SET "inFinalFs" = EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."secretId" = s.id AND o.source = 'file' AND NOT o.residue)
      WHERE s.id = ANY(${flipped}::text[])`;
  }
}

/**
 * Inherited from a base: a layer holding the secret is in images of two or more repositories. A layer this upload
 * linked may have just become shared: it is marked, and every secret already in it flagged, once. Then the upload's
 * own secrets not flagged yet are checked against the marked layers. Each step reads only what can change (a hot
 * key in a base layer of hundreds of images is not joined to them again on every upload). Set-based: a correlated
 * check per secret can be planned as one scan of Occurrence per secret (a CI run on PostgreSQL spent minutes in it
 * for an upload of 10,000 new secrets).
 */
export async function flagSharedLayers(tx: Tx, secretIds: string[], layerIds: string[]) {
  const newlyShared = layerIds.length
    ? (
        await tx.$queryRaw<{ id: string }[]>`
          UPDATE "Layer" l SET "sharedAcrossRepositories" = true
          WHERE l.id = ANY(${layerIds}::text[]) AND NOT l."sharedAcrossRepositories"
            AND (SELECT count(DISTINCT i."repositoryId") FROM "ImageLayer" il JOIN "Image" i ON i.id = il."imageId" WHERE il."layerId" = l.id) > 1
          RETURNING l.id`
      ).map((r) => r.id)
    : [];
  // Single-table steps joined through arrays: on a table the planner has no statistics for yet (a fresh install, a
  // first large upload), a join of 10,000 secrets to Occurrence could be planned as a scan of Occurrence per secret.
  const unflagged = secretIds.length
    ? (
        await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM "Secret" WHERE id = ANY(${secretIds}::text[]) AND NOT "inSharedLayer"`
      ).map((r) => r.id)
    : [];
  if (!unflagged.length && !newlyShared.length) return;
  const shared = await tx.$queryRaw<{ id: string }[]>`
    SELECT o."secretId" AS id FROM "Occurrence" o WHERE o."layerId" = ANY(${newlyShared}::text[])
    UNION
    SELECT o."secretId" FROM "Occurrence" o
    WHERE o."secretId" = ANY(${unflagged}::text[]) AND o."layerId" = ANY(ARRAY(SELECT id FROM "Layer" WHERE "sharedAcrossRepositories"))`;
  if (!shared.length) return;
  await tx.$executeRaw`UPDATE "Secret" SET "inSharedLayer" = true WHERE id = ANY(${shared.map((r) => r.id).sort(cmp)}::text[]) AND NOT "inSharedLayer"`;
}
