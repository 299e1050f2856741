import type { Prisma } from "../generated/prisma/client";
import { recordAudit, type AuditEntry } from "../audit/record-audit";
import type { SystemActor } from "../access/actor";
import { ensureRemediationPlans } from "./plan";

type Tx = Prisma.TransactionClient;
type Changed = { id: string; secretId: string; kind: string; before: string; evidence: unknown };

const SYSTEM: SystemActor = { kind: "system", label: "system: evidence" };

/** Audit entries for steps a set-based update changed (RETURNING id, secretId, kind, before, evidence). */
export const stepAudit = (rows: Changed[], action: string, state: string): AuditEntry[] =>
  rows.map((r) => ({
    action,
    entityType: "RemediationStep",
    entityId: r.id,
    before: { state: r.before, secretId: r.secretId, kind: r.kind },
    after: { state, evidence: r.evidence as Prisma.InputJsonValue },
  }));

/**
 * Runs after every ingest, in its transaction: a regression reopens plans, new repositories get steps, and steps
 * whose evidence arrived are verified. Everything set-based over the repositories and secrets the scan touched.
 */
export async function reconcileAfterIngest(
  tx: Tx,
  input: {
    scanId: string;
    now: Date;
    notLiveSecretIds: string[];
    /** (secret, repository) pairs of the occurrences this scan added */ fresh: {
      secretId: string;
      repositoryId: string;
    }[];
  },
) {
  const { scanId, now, fresh } = input;
  const freshSecrets = [...new Set(fresh.map((f) => f.secretId))].sort();

  // 1. Regression: seen again after its rotation was recorded, or in a repository whose rebuild/purge was closed.
  // Locked in id order, then updated by id (a self-join to a locking subquery can be planned as one run of the
  // subquery per row).
  const toReopen = await tx.$queryRaw<{ id: string; before: string }[]>`
    SELECT id, state::text AS before FROM "RemediationStep" WHERE state IN ('done', 'verified') AND (
      (kind = 'rotate' AND "secretId" = ANY(${freshSecrets}::text[]) AND "doneAt" <= ${now}::timestamp)
      OR (kind <> 'rotate' AND ("secretId", "repositoryId") IN (SELECT * FROM unnest(${fresh.map((f) => f.secretId)}::text[], ${fresh.map((f) => f.repositoryId)}::text[])))
    ) ORDER BY id FOR UPDATE`;
  const before = new Map(toReopen.map((r) => [r.id, r.before]));
  const regressed = toReopen.length
    ? (
        await tx.$queryRaw<Omit<Changed, "before">[]>`
          UPDATE "RemediationStep" SET state = 'todo', "doneAt" = NULL, "verifiedAt" = NULL, "updatedAt" = ${now}::timestamp,
            evidence = COALESCE(evidence, '{}'::jsonb) || jsonb_build_object('regressedBy', ${scanId}::text)
          WHERE id = ANY(${[...before.keys()]}::text[])
          RETURNING id, "secretId", kind::text, evidence`
      ).map((r) => ({ ...r, before: before.get(r.id)! }))
    : [];
  if (regressed.length) {
    // The secret's own state was reopened by ingest (refreshSecretCounts); here the plan loses its "remediated".
    const ids = [...new Set(regressed.map((r) => r.secretId))].sort();
    await tx.$executeRaw`UPDATE "Secret" SET regression = true, "remediatedAt" = NULL, "updatedAt" = ${now}::timestamp WHERE id = ANY(${ids}::text[])`;
    await recordAudit(
      tx,
      { kind: "system", label: "system: regression" },
      stepAudit(regressed, "step.regressed", "todo"),
      now,
    );
  }

  // 2. Confirmed secrets found in new repositories get rebuild and purge steps there.
  const planned = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM "Secret" WHERE id = ANY(${freshSecrets}::text[]) AND "confirmedAt" IS NOT NULL ORDER BY id`;
  await ensureRemediationPlans(
    tx,
    planned.map((s) => s.id),
    now,
  );

  // 3. Evidence from this scan.
  const repos = await tx.$queryRaw<
    { repositoryId: string }[]
  >`SELECT i."repositoryId" FROM "Scan" sc JOIN "Image" i ON i.id = sc."imageId" WHERE sc.id = ${scanId}`;
  const repoIds = [...new Set(repos.map((r) => r.repositoryId).concat(fresh.map((f) => f.repositoryId)))].sort();
  const verified = [...(await verifyRebuilds(tx, repoIds, now)), ...(await verifyPurges(tx, repoIds, now))];
  const rotated = await verifyRotations(tx, input.notLiveSecretIds, scanId, now);
  await refreshRemediated(
    tx,
    [...freshSecrets, ...verified.map((v) => v.secretId), ...rotated.map((v) => v.secretId)],
    now,
  );
}

/** Rebuild verified: a scan of a digest of the same repository, newer than every affected digest, shows no occurrence. */
export async function verifyRebuilds(tx: Tx, repositoryIds: string[], now: Date) {
  if (!repositoryIds.length) return [];
  const rows = await tx.$queryRaw<Changed[]>`
    WITH cand AS (
      SELECT st.id, st."secretId", st."repositoryId", st.state::text AS before FROM "RemediationStep" st
      WHERE st.kind = 'rebuild' AND st.state IN ('todo', 'in_progress', 'done') AND st."repositoryId" = ANY(${repositoryIds}::text[])
    ), scanned AS (
      -- The repositories' resolved digests that have a completed scan: few, whatever the number of steps.
      SELECT i.id, i."repositoryId", i."firstSeenAt", i.digest, sc.id AS scan, sc."createdAt" AS "scannedAt"
      FROM "Image" i JOIN "Scan" sc ON sc."imageId" = i.id AND sc.status = 'completed'
      WHERE i."repositoryId" = ANY(${repositoryIds}::text[]) AND i."digestKind" <> 'unresolved'
    ), clean AS (
      -- Per step, its newest affected digest is a lateral lookup, not a second pass over the steps joined back to
      -- them: steps created in this transaction have no statistics yet, and that join was planned as 35,000².
      SELECT DISTINCT ON (c.id) c.id, c.before, s.scan, s.digest
      FROM cand c
      CROSS JOIN LATERAL (
        SELECT max(i."firstSeenAt") AS at FROM "Occurrence" o JOIN "Image" i ON i.id = o."imageId"
        WHERE o."secretId" = c."secretId" AND o."repositoryId" = c."repositoryId"
      ) n
      JOIN scanned s ON s."repositoryId" = c."repositoryId" AND s."firstSeenAt" > n.at
      WHERE NOT EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."imageId" = s.id AND o."secretId" = c."secretId")
      ORDER BY c.id, s."firstSeenAt" DESC, s."scannedAt" DESC
    )
    UPDATE "RemediationStep" st SET state = 'verified', "verifiedAt" = ${now}::timestamp, "doneAt" = COALESCE(st."doneAt", ${now}::timestamp), "updatedAt" = ${now}::timestamp,
      evidence = COALESCE(st.evidence, '{}'::jsonb) || jsonb_build_object('verification', jsonb_build_object('kind', 'clean_rescan', 'scanId', clean.scan, 'digest', clean.digest))
    FROM clean WHERE st.id = clean.id
    RETURNING st.id, st."secretId", st.kind::text, clean.before, st.evidence`;
  await recordAudit(tx, SYSTEM, stepAudit(rows, "step.verified", "verified"), now);
  return rows;
}

/**
 * Purge verified: tag records arrived after the plan was made (a later report or POST /api/v1/tags), and no
 * tag of the repository still points at a digest that holds the secret.
 */
export async function verifyPurges(tx: Tx, repositoryIds: string[], now: Date) {
  if (!repositoryIds.length) return [];
  const rows = await tx.$queryRaw<Changed[]>`
    WITH cand AS (
      SELECT st.id, st."secretId", st."repositoryId", st."createdAt", st.state::text AS before FROM "RemediationStep" st
      WHERE st.kind = 'purge' AND st.state IN ('todo', 'in_progress', 'done') AND st."repositoryId" = ANY(${repositoryIds}::text[])
    ), evidence AS (
      -- Tag events per (repository, plan time): steps made together share one, so this is a handful of rows and
      -- joining it back to the steps stays linear even when the steps have no statistics yet.
      SELECT r."repositoryId", r."createdAt", count(e.id)::int AS events
      FROM (SELECT DISTINCT "repositoryId", "createdAt" FROM cand) r
      JOIN "Tag" t ON t."repositoryId" = r."repositoryId" JOIN "TagEvent" e ON e."tagId" = t.id AND e.at >= r."createdAt"
      GROUP BY r."repositoryId", r."createdAt"
    )
    UPDATE "RemediationStep" st SET state = 'verified', "verifiedAt" = ${now}::timestamp, "doneAt" = COALESCE(st."doneAt", ${now}::timestamp), "updatedAt" = ${now}::timestamp,
      evidence = COALESCE(st.evidence, '{}'::jsonb) || jsonb_build_object('verification', jsonb_build_object('kind', 'tags_moved', 'checkedAt', ${now.toISOString()}::text, 'tagEvents', ev.events))
    FROM cand c JOIN evidence ev ON ev."repositoryId" = c."repositoryId" AND ev."createdAt" = c."createdAt"
    WHERE st.id = c.id AND NOT EXISTS (
      SELECT 1 FROM "Occurrence" o JOIN "Tag" t ON t."imageId" = o."imageId" AND t."deletedAt" IS NULL
      WHERE o."secretId" = c."secretId" AND o."repositoryId" = c."repositoryId")
    RETURNING st.id, st."secretId", st.kind::text, c.before, st.evidence`;
  await recordAudit(tx, SYSTEM, stepAudit(rows, "step.verified", "verified"), now);
  return rows;
}

/** Rotation verified: recorded as done, and a later report says the credential no longer works. */
async function verifyRotations(tx: Tx, secretIds: string[], scanId: string, now: Date) {
  if (!secretIds.length) return [];
  const rows = await tx.$queryRaw<Changed[]>`
    UPDATE "RemediationStep" st SET state = 'verified', "verifiedAt" = ${now}::timestamp, "updatedAt" = ${now}::timestamp,
      evidence = COALESCE(st.evidence, '{}'::jsonb) || jsonb_build_object('verification', jsonb_build_object('kind', 'not_live', 'scanId', ${scanId}::text))
    WHERE st.kind = 'rotate' AND st.state = 'done' AND st."doneAt" <= ${now}::timestamp AND st."secretId" = ANY(${secretIds}::text[])
    RETURNING st.id, st."secretId", st.kind::text, 'done' AS before, st.evidence`;
  await recordAudit(tx, SYSTEM, stepAudit(rows, "step.verified", "verified"), now);
  return rows;
}

/**
 * A secret is remediated when every step of its plan is verified (or not applicable): it resolves itself then.
 * A step reopened takes the secret back to confirmed.
 */
export async function refreshRemediated(tx: Tx, secretIds: string[], now: Date) {
  const ids = [...new Set(secretIds)].sort();
  if (!ids.length) return;
  // Single-table steps: Secret joined to an aggregate over its own rows can be planned as one run of the aggregate
  // per secret (minutes for an upload of many new secrets, on a table the planner had no statistics for).
  const plans = await tx.$queryRaw<{ id: string; done: boolean }[]>`
    SELECT "secretId" AS id, bool_and(state IN ('verified', 'not_applicable')) AS done FROM "RemediationStep"
    WHERE "secretId" = ANY(${ids}::text[]) GROUP BY "secretId"`;
  if (!plans.length) return;
  // Those whose plan changed its verdict; each becomes what its remediatedAt is not.
  const changing = await tx.$queryRaw<{ id: string; before: string; remediated: boolean }[]>`
    SELECT id, "triageState"::text AS before, "remediatedAt" IS NULL AS remediated FROM "Secret"
    WHERE (id = ANY(${plans.filter((p) => p.done).map((p) => p.id)}::text[]) AND "remediatedAt" IS NULL)
       OR (id = ANY(${plans.filter((p) => !p.done).map((p) => p.id)}::text[]) AND "remediatedAt" IS NOT NULL)
    ORDER BY id`;
  if (!changing.length) return;
  const after = await tx.$queryRaw<{ id: string; after: string }[]>`
    UPDATE "Secret" SET
      "remediatedAt" = CASE WHEN "remediatedAt" IS NULL THEN ${now}::timestamp END,
      "triageState" = CASE WHEN "remediatedAt" IS NULL THEN 'resolved'::"TriageState" WHEN "triageState" = 'resolved' THEN 'confirmed'::"TriageState" ELSE "triageState" END,
      "updatedAt" = ${now}::timestamp
    WHERE id = ANY(${changing.map((c) => c.id)}::text[])
    RETURNING id, "triageState"::text AS after`;
  const stateAfter = new Map(after.map((r) => [r.id, r.after]));
  const rows = changing.map((c) => ({ ...c, after: stateAfter.get(c.id)! }));
  await recordAudit(
    tx,
    SYSTEM,
    rows.map((r) => ({
      action: r.remediated ? "secret.remediated" : "secret.reopened",
      entityType: "Secret",
      entityId: r.id,
      before: { state: r.before },
      after: { state: r.after },
    })),
    now,
  );
}
