import { getDb } from "../db";
import { ResidueError } from "../errors";

/** A repository: its tags (current and deleted) and its digests, newest first, with secrets per digest. */
export async function getRepository(id: string) {
  const db = getDb();
  const repo = await db.repository.findUnique({
    where: { id },
    select: { id: true, name: true, registry: { select: { host: true } } },
  });
  if (!repo) throw new ResidueError("not_found", "Repository not found.");
  const [tags, images] = await Promise.all([
    db.tag.findMany({
      where: { repositoryId: id },
      orderBy: [{ deletedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }],
      take: 500,
      select: { name: true, deletedAt: true, updatedAt: true, image: { select: { digest: true } } },
    }),
    db.$queryRaw<
      {
        id: string;
        digest: string;
        digestKind: string;
        firstSeenAt: Date;
        lastSeenAt: Date;
        secrets: number;
        residue: number;
        scans: number;
      }[]
    >`
      SELECT i.id, i.digest, i."digestKind"::text AS "digestKind", i."firstSeenAt", i."lastSeenAt",
             (SELECT count(DISTINCT o."secretId")::int FROM "Occurrence" o WHERE o."imageId" = i.id) AS secrets,
             (SELECT count(*)::int FROM "Occurrence" o WHERE o."imageId" = i.id AND o.residue) AS residue,
             (SELECT count(*)::int FROM "Scan" s WHERE s."imageId" = i.id) AS scans
      FROM "Image" i WHERE i."repositoryId" = ${id} ORDER BY i."firstSeenAt" DESC, i.id LIMIT 500`,
  ]);
  return { repo, tags, images };
}
