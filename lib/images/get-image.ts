import { effectiveState } from "../vocabulary/triage-state";
import { getDb } from "../db";
import { ResidueError } from "../errors";

const OCCURRENCE_LIMIT = 2000;

/**
 * One image by digest (manifest or config digest), with its ordered layer stack, each layer's created_by,
 * size and findings; residue (added in layer N, deleted in layer M), build-history secrets, and layers shared
 * with images of other repositories (inherited from a base).
 */
export async function getImage(digest: string, repositoryId?: string) {
  const db = getDb();
  const candidates = await db.image.findMany({
    where: { OR: [{ digest }, { configDigest: digest }] },
    orderBy: { lastSeenAt: "desc" },
    select: {
      id: true,
      digest: true,
      digestKind: true,
      configDigest: true,
      platform: true,
      firstSeenAt: true,
      lastSeenAt: true,
      repository: { select: { id: true, name: true, registry: { select: { host: true } } } },
      tags: { where: { deletedAt: null }, select: { name: true }, orderBy: { name: "asc" } },
    },
  });
  if (!candidates.length) throw new ResidueError("not_found", "No image with this digest.");
  const image = candidates.find((c) => c.repository.id === repositoryId) ?? candidates[0]!;
  const [layers, occurrences, shared, scans] = await Promise.all([
    db.imageLayer.findMany({
      where: { imageId: image.id },
      orderBy: { position: "asc" },
      select: {
        position: true,
        layerIndex: true,
        createdBy: true,
        emptyLayer: true,
        layer: { select: { id: true, diffId: true, digest: true, size: true } },
      },
    }),
    db.occurrence.findMany({
      where: { imageId: image.id },
      orderBy: [{ layerPosition: "asc" }, { path: "asc" }, { line: "asc" }],
      take: OCCURRENCE_LIMIT,
      select: {
        id: true,
        layerId: true,
        layerPosition: true,
        path: true,
        line: true,
        source: true,
        residue: true,
        deletedInPosition: true,
        createdBy: true,
        scanner: true,
        secret: {
          select: {
            id: true,
            ruleId: true,
            title: true,
            severity: true,
            triageState: true,
            acceptedUntil: true,
            redactedPreview: true,
          },
        },
      },
    }),
    db.$queryRaw<
      {
        layerId: string;
        images: number;
        repositories: number;
        sample: { digest: string; repository: string; host: string }[];
      }[]
    >`
      WITH mine AS (SELECT DISTINCT "layerId" FROM "ImageLayer" WHERE "imageId" = ${image.id} AND "layerId" IS NOT NULL)
      SELECT il."layerId", count(DISTINCT i.id)::int AS images, count(DISTINCT i."repositoryId")::int AS repositories,
             (array_agg(DISTINCT jsonb_build_object('digest', i.digest, 'repository', r.name, 'host', g.host)))[1:5] AS sample
      FROM "ImageLayer" il JOIN mine ON mine."layerId" = il."layerId" JOIN "Image" i ON i.id = il."imageId"
      JOIN "Repository" r ON r.id = i."repositoryId" JOIN "Registry" g ON g.id = r."registryId"
      WHERE il."imageId" <> ${image.id} AND i."repositoryId" <> ${image.repository.id}
      GROUP BY il."layerId"`,
    db.scan.findMany({
      where: { imageId: image.id },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, createdAt: true, scanner: true, toolName: true, findingsCount: true },
    }),
  ]);
  const sharedBy = new Map(shared.map((s) => [s.layerId, s]));
  const byLayer = new Map<string, typeof occurrences>();
  const unplaced: typeof occurrences = [];
  const history: typeof occurrences = [];
  const now = new Date();
  for (const o of occurrences) {
    o.secret.triageState = effectiveState(o.secret, now);
    if (o.source === "history" || o.source === "env" || o.source === "config") history.push(o);
    else if (o.layerId) byLayer.set(o.layerId, [...(byLayer.get(o.layerId) ?? []), o]);
    else unplaced.push(o);
  }
  const stack = layers.map((l) => ({
    ...l,
    size: l.layer?.size != null ? Number(l.layer.size) : null,
    findings: l.layer ? (byLayer.get(l.layer.id) ?? []) : [],
    sharedWith: l.layer ? (sharedBy.get(l.layer.id) ?? null) : null,
  }));
  // Findings whose layer the stack does not list (a report without history) still show, under their layer.
  const placed = new Set(layers.map((l) => l.layer?.id).filter(Boolean));
  for (const [layerId, list] of byLayer) if (!placed.has(layerId)) unplaced.push(...list);
  return {
    image,
    otherRepositories: candidates
      .filter((c) => c.id !== image.id)
      .map((c) => ({ id: c.repository.id, name: `${c.repository.registry.host}/${c.repository.name}` })),
    stack,
    history,
    unplaced,
    scans,
    truncated: occurrences.length === OCCURRENCE_LIMIT,
    counts: {
      findings: occurrences.length,
      residue: occurrences.filter((o) => o.residue).length,
      history: history.length,
      inherited: stack.filter((l) => l.findings.length && l.sharedWith).length,
    },
  };
}
export type ImageDetail = Awaited<ReturnType<typeof getImage>>;
