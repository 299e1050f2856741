import type { Prisma } from "../generated/prisma/client";
import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { ensureRemediationPlans } from "../remediation/plan";
import { refreshRemediated, verifyRebuilds } from "../remediation/reconcile";
import { assertIfMatch } from "../etag";
import { secretEtag } from "../secrets/secret-etag";
import { assertAssignable } from "../users/manage-users";
import { secretIdsMatching } from "../secrets/list-secrets";
import { listSecretsQuerySchema, type ListSecretsQuery } from "../secrets/schemas";
import { BULK_LIMIT, type TriageChange } from "./schemas";

type Tx = Prisma.TransactionClient;

/**
 * Applies one triage decision to many secrets in one transaction, one audit event per secret that changed.
 * Confirming a secret starts its remediation clock and creates its plan.
 */
export async function triageSecrets(actor: Actor, input: { ids: string[]; change: TriageChange }, now = new Date()) {
  assertCan(actor, "triage");
  const ids = [...new Set(input.ids)].sort();
  return getDb().$transaction(async (tx) => applyTriage(tx, actor, await lockSecrets(tx, ids), input.change, now));
}

/** What a change writes: the reason trimmed (none when empty), an expiry only for an accepted risk. */
const stored = (c: TriageChange) => ({
  acceptedUntil: c.state === "accepted_risk" ? c.acceptedUntil : null,
  reason: c.reason?.trim() || null,
});

/** Whether the change alters the secret: what applies it writes and what a dry run counts. */
function triageChanges(s: LockedSecret, c: TriageChange): boolean {
  const { acceptedUntil, reason } = stored(c);
  return (
    s.triageState !== c.state || s.triageReason !== reason || s.acceptedUntil?.getTime() !== acceptedUntil?.getTime()
  );
}

/** The triage decision on secrets the caller has locked (lockSecrets): one audit event per secret that changed. */
async function applyTriage(tx: Tx, actor: Actor, before: LockedSecret[], c: TriageChange, now: Date) {
  const { acceptedUntil, reason } = stored(c);
  const changed = before.filter((s) => triageChanges(s, c));
  if (!changed.length) return { changed: 0 };
  const changedIds = changed.map((s) => s.id);
  // Any number of ids as one array parameter. Setting "resolved" by hand clears the regression flag only when a
  // person says it is fixed again.
  await tx.$executeRaw`
    UPDATE "Secret" SET "triageState" = ${c.state}::"TriageState", "triageReason" = ${reason}, "acceptedUntil" = ${acceptedUntil}::timestamp,
      regression = CASE WHEN ${c.state} = 'resolved' THEN false ELSE regression END,
      "confirmedAt" = CASE WHEN ${c.state} = 'confirmed' THEN COALESCE("confirmedAt", ${now}::timestamp) ELSE "confirmedAt" END,
      "updatedAt" = ${now}::timestamp
    WHERE id = ANY(${changedIds}::text[])`;
  if (c.state === "confirmed") {
    await ensureRemediationPlans(tx, changedIds, now);
    // Evidence that already exists counts: a repository rebuilt and rescanned clean before anyone confirmed the
    // secret has its rebuild verified now, not at the next upload.
    const repos = await tx.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT "repositoryId" AS id FROM "RemediationStep" WHERE kind = 'rebuild' AND "secretId" = ANY(${changedIds}::text[]) ORDER BY 1`;
    const verified = await verifyRebuilds(
      tx,
      repos.map((r) => r.id),
      now,
    );
    await refreshRemediated(
      tx,
      verified.map((v) => v.secretId),
      now,
    );
  }
  await recordAudit(
    tx,
    actor,
    changed.map((s) => ({
      action: "secret.triaged",
      entityType: "Secret",
      entityId: s.id,
      before: { state: s.triageState, reason: s.triageReason, acceptedUntil: s.acceptedUntil?.toISOString() ?? null },
      after: { state: c.state, reason, acceptedUntil: acceptedUntil?.toISOString() ?? null },
    })),
    now,
  );
  return { changed: changed.length };
}

export async function assignSecrets(
  actor: Actor,
  input: { ids: string[]; assigneeId: string | null },
  now = new Date(),
) {
  assertCan(actor, "triage");
  const ids = [...new Set(input.ids)].sort();
  return getDb().$transaction(async (tx) => {
    if (input.assigneeId) await assertAssignable(tx, input.assigneeId);
    return applyAssignment(tx, actor, await lockSecrets(tx, ids), input.assigneeId, now);
  });
}

async function applyAssignment(tx: Tx, actor: Actor, before: LockedSecret[], assigneeId: string | null, now: Date) {
  const changed = before.filter((s) => s.assigneeId !== assigneeId);
  await tx.$executeRaw`UPDATE "Secret" SET "assigneeId" = ${assigneeId}, "updatedAt" = ${now}::timestamp WHERE id = ANY(${changed.map((s) => s.id)}::text[])`;
  await recordAudit(
    tx,
    actor,
    changed.map((s) => ({
      action: "secret.assigned",
      entityType: "Secret",
      entityId: s.id,
      before: { assigneeId: s.assigneeId },
      after: { assigneeId },
    })),
    now,
  );
  return { changed: changed.length };
}

/**
 * One secret's triage and assignee in one transaction, as PATCH /api/v1/secrets/{id} sends them; with `ifMatch`,
 * refused (409) when either changed since the caller read the secret.
 */
export async function updateSecret(
  actor: Actor,
  input: { id: string; change?: TriageChange; assigneeId?: string | null; ifMatch?: string | null },
  now = new Date(),
) {
  assertCan(actor, "triage");
  return getDb().$transaction(async (tx) => {
    // A secret merged into another is changed where it now lives, as GET answers it.
    const moved = await tx.secretMerge.findUnique({
      where: { fromSecretId: input.id },
      select: { intoSecretId: true },
    });
    const id = moved?.intoSecretId ?? input.id;
    const [current] = await lockSecrets(tx, [id]);
    assertIfMatch(input.ifMatch, secretEtag(current!), "The secret");
    let changed = 0;
    if (input.assigneeId !== undefined) {
      if (input.assigneeId) await assertAssignable(tx, input.assigneeId);
      changed += (await applyAssignment(tx, actor, [current!], input.assigneeId, now)).changed;
    }
    if (input.change) changed += (await applyTriage(tx, actor, [current!], input.change, now)).changed;
    const [after] = await lockSecrets(tx, [id]);
    return { id, changed, etag: secretEtag(after!) };
  });
}

export async function addComment(actor: Actor, input: { secretId: string; body: string }) {
  assertCan(actor, "triage");
  return getDb().$transaction(async (tx) => {
    await lockSecrets(tx, [input.secretId]);
    const comment = await tx.comment.create({
      data: { secretId: input.secretId, body: input.body, authorId: actor.kind === "user" ? actor.userId : null },
    });
    await recordAudit(tx, actor, {
      action: "secret.commented",
      entityType: "Secret",
      entityId: input.secretId,
      after: { commentId: comment.id },
    });
    return comment;
  });
}

type LockedSecret = {
  id: string;
  triageState: string;
  triageReason: string | null;
  acceptedUntil: Date | null;
  assigneeId: string | null;
};

/** Row locks in id order (no deadlocks between two bulk edits); every id must exist. */
async function lockSecrets(tx: Tx, ids: string[]): Promise<LockedSecret[]> {
  const rows = await tx.$queryRaw<LockedSecret[]>`
    SELECT id, "triageState"::text AS "triageState", "triageReason", "acceptedUntil", "assigneeId"
    FROM "Secret" WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`;
  if (rows.length !== ids.length)
    throw new ResidueError("not_found", `${ids.length - rows.length} of the selected secrets no longer exist.`);
  return rows;
}

/**
 * POST /api/v1/secrets/bulk: one triage change and/or assignee for an id list, or for every secret a filter of the
 * secrets table selects (at most BULK_LIMIT), in one transaction. A dry run counts what would change.
 */
export async function bulkUpdateSecrets(
  actor: Actor,
  input: {
    ids?: string[];
    filter?: Partial<ListSecretsQuery>;
    change?: TriageChange;
    assigneeId?: string | null;
    dryRun: boolean;
  },
  now = new Date(),
) {
  assertCan(actor, "triage");
  let ids = input.ids ? [...new Set(input.ids)].sort() : [];
  if (input.filter) {
    const matched = await secretIdsMatching(listSecretsQuerySchema.parse(input.filter), BULK_LIMIT + 1);
    if (matched.total > BULK_LIMIT)
      throw new ResidueError(
        "unprocessable_entity",
        `${matched.total.toLocaleString("en")} secrets match; at most ${BULK_LIMIT.toLocaleString("en")} change at once. Narrow the filter.`,
      );
    ids = matched.ids;
  }
  return getDb().$transaction(async (tx) => {
    const before = await lockSecrets(tx, ids);
    const wouldChange = before.filter(
      (s) =>
        (input.assigneeId !== undefined && s.assigneeId !== input.assigneeId) ||
        (input.change !== undefined && triageChanges(s, input.change)),
    ).length;
    if (input.dryRun) return { matched: ids.length, changed: 0, wouldChange, dryRun: true };
    let changed = 0;
    if (input.assigneeId !== undefined) {
      if (input.assigneeId) await assertAssignable(tx, input.assigneeId);
      changed += (await applyAssignment(tx, actor, before, input.assigneeId, now)).changed;
    }
    // The rows locked above still hold: an assignment does not touch what triage compares.
    if (input.change) changed += (await applyTriage(tx, actor, before, input.change, now)).changed;
    return { matched: ids.length, changed, wouldChange, dryRun: false };
  });
}
