import { Prisma } from "../generated/prisma/client";
import { getDb } from "../db";
import { STEP_FIELDS } from "../remediation/step-fields";
import { isOpenStep } from "../vocabulary/remediation-step";

const TIMELINE_LIMIT = 300;

/**
 * Everything that happened to a secret, newest first: scans that saw it, triage, comments, remediation steps, and
 * the history of every secret merged into it.
 */
export async function getSecretActivity(
  secretId: string,
  page: { before?: { at: Date; id: string }; limit?: number } = {},
) {
  const limit = Math.min(page.limit ?? TIMELINE_LIMIT, TIMELINE_LIMIT);
  // The API pages the timeline by (time, id), newest first: each source is read past the cursor, then merged.
  const b = page.before;
  // Ids compare byte by byte (COLLATE "C"), as the merge below compares them.
  const scansBefore = b
    ? Prisma.sql`AND (sc."createdAt" < ${b.at}::timestamp OR (sc."createdAt" = ${b.at}::timestamp AND ('scan-' || sc.id) COLLATE "C" < ${b.id}))`
    : Prisma.empty;
  const eventsBefore = b
    ? Prisma.sql`AND (at < ${b.at}::timestamp OR (at = ${b.at}::timestamp AND id COLLATE "C" < ${b.id}))`
    : Prisma.empty;
  const db = getDb();
  const [steps, comments, scans, events, assignee] = await Promise.all([
    db.remediationStep.findMany({
      where: { secretId },
      orderBy: [{ kind: "asc" }, { scopeKey: "asc" }],
      select: STEP_FIELDS,
    }),
    db.comment.findMany({
      where: { secretId },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { id: true, body: true, createdAt: true, author: { select: { name: true } } },
    }),
    db.$queryRaw<{ id: string; createdAt: Date; scanner: string; toolName: string | null }[]>`
      SELECT sc.id, sc."createdAt", sc.scanner, sc."toolName"
      FROM "ScanSecret" ss JOIN "Scan" sc ON sc.id = ss."scanId"
      WHERE ss."secretId" = ${secretId} ${scansBefore} ORDER BY sc."createdAt" DESC, sc.id COLLATE "C" DESC LIMIT ${limit}`,
    db.$queryRaw<{ id: string; at: Date; actorLabel: string; action: string; before: unknown; after: unknown }[]>`
      SELECT id, at, "actorLabel", action, before, after FROM "AuditEvent"
      WHERE (("entityType" = 'Secret' AND ("entityId" = ${secretId} OR "entityId" IN (SELECT "fromSecretId" FROM "SecretMerge" WHERE "intoSecretId" = ${secretId})))
         OR ("entityType" = 'RemediationStep' AND "entityId" IN (SELECT id FROM "RemediationStep" WHERE "secretId" = ${secretId})))
        ${eventsBefore}
      ORDER BY at DESC, id COLLATE "C" DESC LIMIT ${limit}`,
    db.secret.findUnique({ where: { id: secretId }, select: { assignee: { select: { id: true, name: true } } } }),
  ]);
  const timeline = [
    ...scans.map((s) => ({
      id: `scan-${s.id}`,
      at: s.createdAt,
      kind: "scan" as const,
      label: `Seen by ${s.toolName ?? s.scanner}`,
      actor: null as string | null,
      scanId: s.id,
      detail: null as unknown,
      before: null as unknown,
    })),
    ...events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: "event" as const,
      label: e.action,
      actor: e.actorLabel,
      scanId: null,
      detail: e.after,
      before: e.before,
    })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
  // Both need the first round's rows, neither the other's: one more round trip, not two.
  const [toPurge, people] = await Promise.all([
    stillToPurge(
      secretId,
      steps.filter((st) => st.kind === "purge" && isOpenStep(st.state)).map((st) => st.repository!.id),
    ),
    peopleOf(timeline),
  ]);
  return { steps, comments, timeline, assignee: assignee?.assignee ?? null, toPurge, people };
}

/** Names for the people a timeline mentions: actors by email, assignees and owners by id (never shown as such). */
async function peopleOf(timeline: { actor: string | null; detail: unknown }[]) {
  const emails = new Set<string>();
  const ids = new Set<string>();
  for (const t of timeline) {
    if (t.actor?.includes("@")) emails.add(t.actor);
    const d = (t.detail ?? {}) as { assigneeId?: unknown; ownerId?: unknown };
    for (const id of [d.assigneeId, d.ownerId]) if (typeof id === "string") ids.add(id);
  }
  if (!emails.size && !ids.size) return {};
  const users = await getDb().user.findMany({
    where: { OR: [{ email: { in: [...emails] } }, { id: { in: [...ids] } }] },
    select: { id: true, email: true, name: true },
  });
  return Object.fromEntries(
    users.flatMap((u) => [
      [u.email, u.name],
      [u.id, u.name],
    ]),
  );
}

const PURGE_LIST_LIMIT = 20;

/**
 * What an open purge step still asks for, per repository: the digests that hold the secret and the tags that still
 * point at them (a digest with no tag may still be pulled by digest). The first few, and how many in all.
 */
async function stillToPurge(secretId: string, repositoryIds: string[]) {
  if (!repositoryIds.length) return {};
  const rows = await getDb().$queryRaw<
    { repositoryId: string; digest: string; digestKind: string; tags: string[]; total: number }[]
  >`
    WITH held AS (
      SELECT DISTINCT i.id, i."repositoryId", i.digest, i."digestKind"::text AS "digestKind", i."lastSeenAt"
      FROM "Occurrence" o JOIN "Image" i ON i.id = o."imageId"
      WHERE o."secretId" = ${secretId} AND o."repositoryId" = ANY(${repositoryIds}::text[])
    ), ranked AS (
      SELECT h.*, row_number() OVER (PARTITION BY h."repositoryId" ORDER BY h."lastSeenAt" DESC, h.digest) AS n,
             count(*) OVER (PARTITION BY h."repositoryId")::int AS total
      FROM held h
    )
    SELECT r."repositoryId", r.digest, r."digestKind", r.total,
           COALESCE(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS tags
    FROM ranked r LEFT JOIN "Tag" t ON t."imageId" = r.id AND t."deletedAt" IS NULL
    WHERE r.n <= ${PURGE_LIST_LIMIT}
    GROUP BY r."repositoryId", r.digest, r."digestKind", r.total, r.n ORDER BY r."repositoryId", r.n`;
  const out: Record<string, { digests: { digest: string; resolved: boolean; tags: string[] }[]; total: number }> = {};
  for (const r of rows) {
    const entry = (out[r.repositoryId] ??= { digests: [], total: r.total });
    entry.digests.push({ digest: r.digest, resolved: r.digestKind !== "unresolved", tags: r.tags });
  }
  return out;
}
export type SecretActivity = Awaited<ReturnType<typeof getSecretActivity>>;
