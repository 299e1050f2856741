import { FINDING_FLAG_SELECT } from "../vocabulary/finding-type";
import { getDb } from "../db";
import { secretEtag } from "./secret-etag";
import { effectiveState } from "../vocabulary/triage-state";
import { ResidueError } from "../errors";
import type { Prisma } from "../generated/prisma/client";

const OCCURRENCE_LIMIT = 1000;

/**
 * One secret and its blast radius: every registry → repository → tag → digest → layer → path where it occurs.
 * The tree is built from at most 1,000 occurrences (most recent first); counts cover all of them.
 */
export async function getSecret({ secretId: requested }: { secretId: string /* untrusted, from the URL */ }) {
  const db = getDb();
  // A secret merged into another (lib/secrets/merge-secrets.ts) is answered by the one it joined.
  const moved = await db.secretMerge.findUnique({ where: { fromSecretId: requested }, select: { intoSecretId: true } });
  const secretId = moved?.intoSecretId ?? requested;
  const secret = await db.secret.findUnique({
    where: { id: secretId },
    select: {
      id: true,
      identityKind: true,
      detector: true,
      ruleId: true,
      title: true,
      redactedPreview: true,
      valueLength: true,
      severity: true,
      verifiedLive: true,
      triageState: true,
      triageReason: true,
      acceptedUntil: true,
      assigneeId: true,
      regression: true,
      firstSeenAt: true,
      lastSeenAt: true,
      occurrenceCount: true,
      imageCount: true,
      repositoryCount: true,
      registryCount: true,
      layerCount: true,
      ...FINDING_FLAG_SELECT,
    },
  });
  if (!secret) throw new ResidueError("not_found", "Secret not found.");
  const [occurrences, scanners, mergedFrom] = await Promise.all([
    db.occurrence.findMany({
      where: { secretId },
      // lastSeenAt alone: an index scan that stops after the limit (adding id would sort every occurrence).
      orderBy: { lastSeenAt: "desc" },
      take: OCCURRENCE_LIMIT,
      select: OCCURRENCE_SELECT,
    }),
    db.$queryRaw<{ name: string }[]>`
      SELECT DISTINCT COALESCE(sc."toolName", sc.scanner) AS name FROM "ScanSecret" ss JOIN "Scan" sc ON sc.id = ss."scanId"
      WHERE ss."secretId" = ${secretId} ORDER BY 1`,
    db.secretMerge.count({ where: { intoSecretId: secretId } }),
  ]);
  return {
    // An accepted risk past its date reads as open (lib/vocabulary/triage-state.ts); a scheduled job records it.
    secret: { ...secret, triageState: effectiveState(secret) },
    /** The version to send back in If-Match with a change (PATCH /api/v1/secrets/{id}). */
    etag: secretEtag(secret),
    /** Every scanner that reported it, by the name the report gave. */
    scanners: scanners.map((s) => s.name),
    /** How many secrets were found to be this one and merged into it. */
    mergedFrom,
    /** The id asked for, when it was merged into this secret. */
    movedFrom: moved ? requested : null,
    // Counts are kept on the secret by ingest: a key in 10,000 images is not re-aggregated per page view.
    blastRadius: {
      registries: secret.registryCount,
      repositories: secret.repositoryCount,
      images: secret.imageCount,
      layers: secret.layerCount,
      occurrences: secret.occurrenceCount,
      truncated: secret.occurrenceCount > occurrences.length,
    },
    tree: buildTree(occurrences),
  };
}

const OCCURRENCE_SELECT = {
  id: true,
  path: true,
  line: true,
  source: true,
  residue: true,
  scanner: true,
  layerPosition: true,
  deletedInPosition: true,
  createdBy: true,
  firstSeenAt: true,
  lastSeenAt: true,
  layer: { select: { diffId: true, digest: true } },
  deletedInLayer: { select: { diffId: true, digest: true } },
  image: {
    select: {
      id: true,
      digest: true,
      digestKind: true,
      tags: { where: { deletedAt: null }, select: { name: true } },
      repository: { select: { id: true, name: true, registry: { select: { host: true } } } },
    },
  },
} satisfies Prisma.OccurrenceSelect;
type Occ = Prisma.OccurrenceGetPayload<{ select: typeof OCCURRENCE_SELECT }>;

function buildTree(occurrences: Occ[]) {
  const registries = new Map<
    string,
    {
      host: string;
      repositories: Map<
        string,
        {
          id: string;
          name: string;
          images: Map<string, { id: string; digest: string; digestKind: string; tags: string[]; occurrences: Occ[] }>;
        }
      >;
    }
  >();
  for (const o of occurrences) {
    const host = o.image.repository.registry.host;
    const reg = registries.get(host) ?? registries.set(host, { host, repositories: new Map() }).get(host)!;
    const repo =
      reg.repositories.get(o.image.repository.id) ??
      reg.repositories
        .set(o.image.repository.id, { id: o.image.repository.id, name: o.image.repository.name, images: new Map() })
        .get(o.image.repository.id)!;
    const img =
      repo.images.get(o.image.id) ??
      repo.images
        .set(o.image.id, {
          id: o.image.id,
          digest: o.image.digest,
          digestKind: o.image.digestKind,
          tags: o.image.tags.map((t) => t.name).sort(),
          occurrences: [],
        })
        .get(o.image.id)!;
    img.occurrences.push(o);
  }
  return [...registries.values()].map((r) => ({
    host: r.host,
    repositories: [...r.repositories.values()].map((repo) => ({
      id: repo.id,
      name: repo.name,
      images: [...repo.images.values()].map((i) => ({
        id: i.id,
        digest: i.digest,
        digestKind: i.digestKind,
        tags: i.tags,
        occurrences: i.occurrences.map((o) => ({
          id: o.id,
          path: o.path,
          line: o.line,
          source: o.source,
          residue: o.residue,
          scanner: o.scanner,
          createdBy: o.createdBy,
          layer: o.layer ? { diffId: o.layer.diffId, digest: o.layer.digest, position: o.layerPosition } : null,
          deletedIn: o.deletedInLayer
            ? { diffId: o.deletedInLayer.diffId, digest: o.deletedInLayer.digest, position: o.deletedInPosition }
            : null,
          firstSeenAt: o.firstSeenAt,
          lastSeenAt: o.lastSeenAt,
        })),
      })),
    })),
  }));
}
export type SecretDetail = Awaited<ReturnType<typeof getSecret>>;
