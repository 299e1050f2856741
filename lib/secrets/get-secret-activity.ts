import { Prisma } from "../generated/prisma/client";
import { getDb } from "../db";
import { STEP_FIELDS } from "../remediation/step-fields";

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
    })),
    ...events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: "event" as const,
      label: e.action,
      actor: e.actorLabel,
      scanId: null,
      detail: e.after,
    })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
  return { steps, comments, timeline, assignee: assignee?.assignee ?? null };
}
export type SecretActivity = Awaited<ReturnType<typeof getSecretActivity>>;
