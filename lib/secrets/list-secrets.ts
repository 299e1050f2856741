import { CONTROLS, type FindingType } from "../compliance/catalogue";
import { FINDING_TYPE_WHERE } from "../compliance/finding-types";
import { getDb } from "../db";
import { reopenExpiredRisks } from "../triage/triage-secrets";
import { Prisma } from "../generated/prisma/client";
import type { ListSecretsQuery } from "./schemas";

const ORDER: Record<ListSecretsQuery["sort"], (dir: Prisma.SortOrder) => Prisma.SecretOrderByWithRelationInput[]> = {
  lastSeen: (dir) => [{ lastSeenAt: dir }, { id: dir }],
  firstSeen: (dir) => [{ firstSeenAt: dir }, { id: dir }],
  // The enum is declared critical → info, so ascending enum order is "most severe first".
  severity: (dir) => [{ severity: dir === "desc" ? "asc" : "desc" }, { lastSeenAt: "desc" }, { id: dir }],
  occurrences: (dir) => [{ occurrenceCount: dir }, { id: dir }],
  images: (dir) => [{ imageCount: dir }, { id: dir }],
  rule: (dir) => [{ ruleId: dir }, { id: dir }],
};

/** Builds the filter once so the table and its exports agree. All filtering happens in the database. */
export function secretsWhere(q: ListSecretsQuery, now = new Date()): Prisma.SecretWhereInput {
  const and: Prisma.SecretWhereInput[] = [];
  if (q.remediation === "none") and.push({ steps: { none: {} } });
  if (q.remediation === "planned") and.push({ steps: { some: {} }, remediatedAt: null });
  if (q.remediation === "overdue") and.push({ steps: { some: { dueAt: { lt: now }, state: { in: ["todo", "in_progress", "done"] } } } });
  if (q.remediation === "remediated") and.push({ remediatedAt: { not: null } });
  if (q.control) and.push(controlWhere(q.control));
  if (q.assignee) and.push({ assigneeId: q.assignee === "none" ? null : q.assignee });
  if (q.state?.length) and.push({ triageState: { in: q.state } });
  if (q.severity?.length) and.push({ severity: { in: q.severity } });
  if (q.rule) and.push({ OR: [{ ruleId: q.rule }, { detector: q.rule }] });
  if (q.verified) and.push({ verifiedLive: q.verified === "1" });
  if (q.residue) and.push(q.residue === "1" ? { residueCount: { gt: 0 } } : { residueCount: 0 });
  if (q.firstSeenFrom) and.push({ firstSeenAt: { gte: q.firstSeenFrom } });
  if (q.firstSeenTo) and.push({ firstSeenAt: { lte: q.firstSeenTo } });
  const occ: Prisma.OccurrenceWhereInput[] = [];
  if (q.registry) occ.push({ repository: { registry: { host: q.registry } } });
  if (q.repository) occ.push({ repository: { name: q.repository } });
  if (occ.length) and.push({ occurrences: { some: { AND: occ } } });
  // Occurrences name the tool as toolName, else the parser id; ScanSecret keeps the per-scan link.
  if (q.scanner) and.push({ scans: { some: { scan: { OR: [{ toolName: q.scanner }, { toolName: null, scanner: q.scanner }] } } } });
  if (q.scan) and.push({ scans: { some: { scanId: q.scan } } });
  return and.length ? { AND: and } : {};
}

function controlWhere(controlId: string): Prisma.SecretWhereInput {
  const control = CONTROLS.find((c) => c.id === controlId);
  if (!control) return { id: "" }; // unknown control: nothing matches
  return { OR: (Object.keys(control.mappings) as FindingType[]).map((t) => FINDING_TYPE_WHERE[t]) };
}

// Up to this many text matches, filter by their ids; beyond, by the same conditions in the one statement.
const TEXT_MATCH_IDS = 10_000;

/**
 * Text search on rule, detector, title, occurrence paths and repository names. Each branch is its own index-backed
 * scan for distinct secrets, cut off at the limit (the path branch searches the distinct paths, then
 * Occurrence(pathId, secretId)); one OR across them would scan every secret, and one de-duplicating UNION would
 * read every match of a broad term. Ids come back as one array per branch, not a row per id.
 */
async function textWhere(text: string): Promise<Prisma.SecretWhereInput> {
  const like = `%${text.replace(/[\\%_]/g, "\\$&")}%`;
  const db = getDb();
  const branches = await Promise.all(
    [
      Prisma.sql`SELECT id FROM "Secret" WHERE "ruleId" ILIKE ${like} OR detector ILIKE ${like} OR title ILIKE ${like}`,
      Prisma.sql`SELECT DISTINCT o."secretId" AS id FROM "Path" p JOIN "Occurrence" o ON o."pathId" = p.id WHERE p.value ILIKE ${like}`,
      Prisma.sql`SELECT DISTINCT o."secretId" AS id FROM "Repository" r JOIN "Occurrence" o ON o."repositoryId" = r.id WHERE r.name ILIKE ${like}`,
    ].map(async (branch) => {
      const [row] = await db.$queryRaw<{ ids: string[] | null }[]>`SELECT array_agg(id) AS ids FROM (${branch} LIMIT ${TEXT_MATCH_IDS + 1}) m`;
      return row?.ids ?? [];
    }),
  );
  const ids = new Set(branches.flat());
  if (ids.size <= TEXT_MATCH_IDS) return { id: { in: [...ids] } };
  const contains = { contains: text, mode: "insensitive" as const };
  return { OR: [{ ruleId: contains }, { detector: contains }, { title: contains }, { occurrences: { some: { pathRef: { value: contains } } } }, { occurrences: { some: { repository: { name: contains } } } }] };
}

export async function listSecrets(q: ListSecretsQuery) {
  await reopenExpiredRisks();
  const db = getDb();
  const where = q.q ? { AND: [secretsWhere(q), await textWhere(q.q)] } : secretsWhere(q);
  const [total, rows] = await Promise.all([
    db.secret.count({ where }),
    db.secret.findMany({
      where,
      orderBy: ORDER[q.sort](q.dir),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      select: {
        id: true, detector: true, ruleId: true, title: true, redactedPreview: true, severity: true, triageState: true, verifiedLive: true,
        regression: true, identityKind: true, occurrenceCount: true, imageCount: true, residueCount: true, firstSeenAt: true, lastSeenAt: true,
        remediatedAt: true, assignee: { select: { name: true } },
      },
    }),
  ]);
  return { total, page: q.page, pageSize: q.pageSize, secrets: rows };
}
export type SecretListRow = Awaited<ReturnType<typeof listSecrets>>["secrets"][number];
