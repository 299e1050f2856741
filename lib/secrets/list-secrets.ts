import { CONTROLS } from "../compliance/catalogue";
import type { FindingType } from "../vocabulary/finding-type";
import { effectiveStateWhere, FINDING_TYPE_WHERE } from "../vocabulary/sql";
import { getDb } from "../db";
import { effectiveState } from "../vocabulary/triage-state";
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
  if (q.remediation === "overdue")
    and.push({ steps: { some: { dueAt: { lt: now }, state: { in: ["todo", "in_progress", "done"] } } } });
  if (q.remediation === "remediated") and.push({ remediatedAt: { not: null } });
  if (q.control) and.push(controlWhere(q.control));
  if (q.assignee) and.push({ assigneeId: q.assignee === "none" ? null : q.assignee });
  if (q.state?.length) and.push(effectiveStateWhere(q.state, now));
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
  if (q.scanner)
    and.push({ scans: { some: { scan: { OR: [{ toolName: q.scanner }, { toolName: null, scanner: q.scanner }] } } } });
  if (q.scan) and.push({ scans: { some: { scanId: q.scan } } });
  return and.length ? { AND: and } : {};
}

function controlWhere(controlId: string): Prisma.SecretWhereInput {
  const control = CONTROLS.find((c) => c.id === controlId);
  if (!control) return { id: "" }; // unknown control: nothing matches
  return { OR: (Object.keys(control.mappings) as FindingType[]).map((t) => FINDING_TYPE_WHERE[t]) };
}

// Up to this many matching secrets, paths, repositories or occurrences, a text search works from their ids.
const TEXT_MATCH_IDS = 10_000;

/**
 * Text search on rule, detector, title, occurrence paths and repository names. The distinct paths and the
 * repositories are searched on their own (a trigram index for paths), never through the occurrences. A narrow term
 * then resolves to secret ids through Occurrence(pathId, secretId) and (repositoryId, secretId), so the page reads
 * only those secrets. A broad one filters secrets by the matched path and repository ids instead: one hashed
 * look-up per secret, without de-duplicating hundreds of thousands of occurrences first. A list past the limit
 * falls back to the text condition itself. Ids come back as one array per query, not a row per id.
 */
async function textWhere(text: string): Promise<Prisma.SecretWhereInput> {
  const like = `%${text.replace(/[\\%_]/g, "\\$&")}%`;
  const db = getDb();
  const idsOf = async <T>(query: Prisma.Sql, limit = TEXT_MATCH_IDS): Promise<T[] | null> => {
    const [row] = await db.$queryRaw<
      { ids: T[] | null }[]
    >`SELECT array_agg(id) AS ids FROM (${query} LIMIT ${limit + 1}) m`;
    const ids = row?.ids ?? [];
    return ids.length > limit ? null : ids; // null: too many to list
  };
  const [secretIds, pathIds, repositoryIds] = await Promise.all([
    // ILIKE in a UTF-8 database lowers both sides and runs LIKE: written out, the pattern is lowered once, not per
    // row (half the time over every secret on PGlite).
    idsOf<string>(
      Prisma.sql`SELECT id FROM "Secret" WHERE lower("ruleId") LIKE lower(${like}) OR lower(detector) LIKE lower(${like}) OR lower(title) LIKE lower(${like})`,
    ),
    idsOf<number>(Prisma.sql`SELECT id FROM "Path" WHERE value ILIKE ${like}`),
    idsOf<string>(Prisma.sql`SELECT id FROM "Repository" WHERE name ILIKE ${like}`),
  ]);

  if (secretIds && pathIds && repositoryIds) {
    const behind = await idsOf<string>(Prisma.sql`
      SELECT "secretId" AS id FROM "Occurrence" WHERE "pathId" = ANY(${pathIds}::int[])
      UNION ALL SELECT "secretId" FROM "Occurrence" WHERE "repositoryId" = ANY(${repositoryIds}::text[])`);
    if (behind) return { id: { in: [...new Set([...secretIds, ...behind])] } };
  }
  const contains = { contains: text, mode: "insensitive" as const };
  // Each branch as its ids when listed, as the text condition when too many, left out when nothing matched.
  const arm = <T>(ids: T[] | null, listed: (ids: T[]) => Prisma.SecretWhereInput, unlisted: Prisma.SecretWhereInput) =>
    ids === null ? [unlisted] : ids.length ? [listed(ids)] : [];
  return {
    OR: [
      ...arm(secretIds, (ids) => ({ id: { in: ids } }), {
        OR: [{ ruleId: contains }, { detector: contains }, { title: contains }],
      }),
      ...arm(pathIds, (ids) => ({ occurrences: { some: { pathId: { in: ids } } } }), {
        occurrences: { some: { pathRef: { value: contains } } },
      }),
      ...arm(repositoryIds, (ids) => ({ occurrences: { some: { repositoryId: { in: ids } } } }), {
        occurrences: { some: { repository: { name: contains } } },
      }),
    ],
  };
}

/** The filter of a query as the table applies it, text search included. */
export async function secretsMatching(q: ListSecretsQuery, now = new Date()): Promise<Prisma.SecretWhereInput> {
  return q.q ? { AND: [secretsWhere(q, now), await textWhere(q.q)] } : secretsWhere(q, now);
}

/** The ids a filter selects (bulk triage "select all N matching"), at most `limit`; `total` says how many match. */
export async function secretIdsMatching(q: ListSecretsQuery, limit: number) {
  const where = await secretsMatching(q);
  const [total, rows] = await Promise.all([
    getDb().secret.count({ where }),
    getDb().secret.findMany({ where, select: { id: true }, orderBy: { id: "asc" }, take: limit }),
  ]);
  return { total, ids: rows.map((r) => r.id) };
}

export async function listSecrets(q: ListSecretsQuery) {
  const db = getDb();
  const now = new Date();
  const where = await secretsMatching(q, now);
  const [total, rows] = await Promise.all([
    db.secret.count({ where }),
    db.secret.findMany({
      where,
      orderBy: ORDER[q.sort](q.dir),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      select: {
        id: true,
        detector: true,
        ruleId: true,
        title: true,
        redactedPreview: true,
        severity: true,
        triageState: true,
        acceptedUntil: true,
        verifiedLive: true,
        regression: true,
        identityKind: true,
        occurrenceCount: true,
        imageCount: true,
        residueCount: true,
        firstSeenAt: true,
        lastSeenAt: true,
        remediatedAt: true,
        assignee: { select: { name: true } },
      },
    }),
  ]);
  const secrets = rows.map(({ acceptedUntil, ...r }) => ({
    ...r,
    triageState: effectiveState({ ...r, acceptedUntil }, now),
  }));
  return { total, page: q.page, pageSize: q.pageSize, secrets };
}
export type SecretListRow = Awaited<ReturnType<typeof listSecrets>>["secrets"][number];
