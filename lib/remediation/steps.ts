import type { Prisma } from "../generated/prisma/client";
import { assertCan, actorLabel, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { assertIfMatch, etagOf } from "../etag";
import { assertAssignable } from "../users/manage-users";
import { refreshRemediated } from "./reconcile";
import type { StepEvent } from "./schemas";
import type { StepKind, StepState } from "../vocabulary/remediation-step";
import { transition, type MachineEvent } from "./state-machine";

/** A step's version: what people change on it (state, owner, due date, evidence). */
export const stepEtag = (s: {
  state: string;
  ownerId: string | null;
  dueAt: Date | null;
  evidence: unknown;
  reason: string | null;
}) => etagOf([s.state, s.ownerId, s.dueAt?.toISOString() ?? null, s.evidence ?? null, s.reason]);

/**
 * A person's action on one step: validated by the state machine, written with its audit event, or nothing at all.
 * With `ifMatch`, refused (409) when the step changed since the caller read it.
 */
export async function applyStepEvent(
  actor: Actor,
  input: { stepId: string; event: StepEvent; ifMatch?: string | null },
  now = new Date(),
) {
  assertCan(actor, input.event.type === "attest" ? "attest" : "remediate");
  return getDb().$transaction(async (tx) => {
    const step = await lockStep(tx, input.stepId);
    assertIfMatch(input.ifMatch, stepEtag(step), "The step");
    const e = input.event;

    if (e.type === "evidence") {
      // Evidence is added to the step's record, never replaces it; it does not close the step (only a scan, tag
      // records or an attestation verify).
      const attachment = { url: e.url ?? null, note: e.note, by: actorLabel(actor), at: now.toISOString() };
      const before = (step.evidence ?? {}) as Record<string, unknown>;
      const attachments = Array.isArray(before.attachments) ? before.attachments : [];
      const evidence = { ...before, attachments: [...attachments, attachment].slice(-100) };
      await tx.remediationStep.update({ where: { id: step.id }, data: { evidence, updatedAt: now } });
      await recordAudit(
        tx,
        actor,
        {
          action: "step.evidence_added",
          entityType: "RemediationStep",
          entityId: step.id,
          after: attachment,
        },
        now,
      );
      return { state: step.state };
    }

    if (e.type === "assign") {
      if (e.ownerId) await assertAssignable(tx, e.ownerId);
      await setOwner(tx, actor, step, e.ownerId, now);
      return { state: step.state };
    }

    const machineEvent: MachineEvent =
      e.type === "attest"
        ? { type: "verify", verification: { kind: "attestation", by: actorLabel(actor), note: e.note } }
        : e;
    const patch = transition(step, machineEvent, now);
    await tx.remediationStep.update({
      where: { id: step.id },
      data: {
        ...patch,
        evidence:
          patch.evidence === undefined
            ? undefined
            : ((patch.evidence ?? undefined) as Prisma.InputJsonValue | undefined),
      },
    });
    await recordAudit(
      tx,
      actor,
      {
        action: `step.${e.type}`,
        entityType: "RemediationStep",
        entityId: step.id,
        before: { state: step.state, kind: step.kind, secretId: step.secretId },
        after: {
          state: patch.state,
          reason: patch.reason ?? null,
          evidence: (patch.evidence ?? null) as Prisma.InputJsonValue,
        },
      },
      now,
    );
    await refreshRemediated(tx, [step.secretId], now);
    return { state: patch.state };
  });
}

type Tx = Prisma.TransactionClient;
type LockedStep = {
  id: string;
  secretId: string;
  kind: StepKind;
  state: StepState;
  evidence: Record<string, unknown> | null;
  startedAt: Date | null;
  doneAt: Date | null;
  ownerId: string | null;
  reason: string | null;
  dueAt: Date | null;
};

async function lockStep(tx: Tx, id: string): Promise<LockedStep> {
  const [step] = await tx.$queryRaw<LockedStep[]>`
    SELECT id, "secretId", kind::text AS kind, state::text AS state, evidence, "startedAt", "doneAt", "ownerId", reason, "dueAt"
    FROM "RemediationStep" WHERE id = ${id} FOR UPDATE`;
  if (!step) throw new ResidueError("not_found", "Remediation step not found.");
  return step;
}

/** The owner set, with its audit event; false when it already was. The caller checks the owner is assignable. */
async function setOwner(tx: Tx, actor: Actor, step: LockedStep, ownerId: string | null, now: Date) {
  if (ownerId === step.ownerId) return false;
  await tx.remediationStep.update({ where: { id: step.id }, data: { ownerId, updatedAt: now } });
  await recordAudit(
    tx,
    actor,
    {
      action: "step.assigned",
      entityType: "RemediationStep",
      entityId: step.id,
      before: { ownerId: step.ownerId },
      after: { ownerId },
    },
    now,
  );
  return true;
}

/**
 * A step's owner and due date, as PATCH /api/v1/remediation/steps/{id} sends them, in one transaction; with
 * `ifMatch`, refused (409) when the step changed since the caller read it.
 */
export async function updateStep(
  actor: Actor,
  input: { stepId: string; ownerId?: string | null; dueAt?: Date | null; ifMatch?: string | null },
  now = new Date(),
) {
  assertCan(actor, "remediate");
  return getDb().$transaction(async (tx) => {
    const step = await lockStep(tx, input.stepId);
    assertIfMatch(input.ifMatch, stepEtag(step), "The step");
    if (input.ownerId !== undefined) {
      if (input.ownerId) await assertAssignable(tx, input.ownerId);
      await setOwner(tx, actor, step, input.ownerId, now);
    }
    const dueAt = input.dueAt;
    if (dueAt !== undefined && dueAt?.getTime() !== step.dueAt?.getTime()) {
      await tx.remediationStep.update({ where: { id: step.id }, data: { dueAt, updatedAt: now } });
      await recordAudit(
        tx,
        actor,
        {
          action: "step.due_changed",
          entityType: "RemediationStep",
          entityId: step.id,
          before: { dueAt: step.dueAt?.toISOString() ?? null },
          after: { dueAt: dueAt?.toISOString() ?? null },
        },
        now,
      );
    }
  });
}

/** Several steps given one owner (the board's bulk assign), in one transaction, one audit event per step changed. */
export async function assignSteps(actor: Actor, input: { ids: string[]; ownerId: string | null }, now = new Date()) {
  assertCan(actor, "remediate");
  const ids = [...new Set(input.ids)].sort();
  return getDb().$transaction(async (tx) => {
    if (input.ownerId) await assertAssignable(tx, input.ownerId);
    let changed = 0;
    for (const id of ids) if (await setOwner(tx, actor, await lockStep(tx, id), input.ownerId, now)) changed++;
    return { changed };
  });
}
