import type { Prisma } from "../generated/prisma/client";
import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { ensureRemediationPlans } from "../remediation/plan";
import { refreshRemediated, verifyRebuilds } from "../remediation/reconcile";
import { assertAssignable } from "../users/manage-users";
import type { TriageChange } from "./schemas";

type Tx = Prisma.TransactionClient;

/**
 * Applies one triage decision to many secrets in one transaction, one audit event per secret that changed.
 * Confirming a secret starts its remediation clock and creates its plan.
 */
export async function triageSecrets(actor: Actor, input: { ids: string[]; change: TriageChange }, now = new Date()) {
  assertCan(actor, "triage");
  const ids = [...new Set(input.ids)].sort();
  return getDb().$transaction(async (tx) => {
    const before = await lockSecrets(tx, ids);
    const c = input.change;
    const acceptedUntil = c.state === "accepted_risk" ? c.acceptedUntil : null;
    const reason = c.reason?.trim() || null;
    const changed = before.filter(
      (s) =>
        s.triageState !== c.state ||
        s.triageReason !== reason ||
        s.acceptedUntil?.getTime() !== acceptedUntil?.getTime(),
    );
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
  });
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
    const before = await lockSecrets(tx, ids);
    const changed = before.filter((s) => s.assigneeId !== input.assigneeId);
    await tx.$executeRaw`UPDATE "Secret" SET "assigneeId" = ${input.assigneeId}, "updatedAt" = ${now}::timestamp WHERE id = ANY(${changed.map((s) => s.id)}::text[])`;
    await recordAudit(
      tx,
      actor,
      changed.map((s) => ({
        action: "secret.assigned",
        entityType: "Secret",
        entityId: s.id,
        before: { assigneeId: s.assigneeId },
        after: { assigneeId: input.assigneeId },
      })),
      now,
    );
    return { changed: changed.length };
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

/** Row locks in id order (no deadlocks between two bulk edits); every id must exist. */
async function lockSecrets(tx: Tx, ids: string[]) {
  const rows = await tx.$queryRaw<
    {
      id: string;
      triageState: string;
      triageReason: string | null;
      acceptedUntil: Date | null;
      assigneeId: string | null;
    }[]
  >`
    SELECT id, "triageState"::text AS "triageState", "triageReason", "acceptedUntil", "assigneeId"
    FROM "Secret" WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`;
  if (rows.length !== ids.length)
    throw new ResidueError("not_found", `${ids.length - rows.length} of the selected secrets no longer exist.`);
  return rows;
}
