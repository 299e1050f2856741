import type { Prisma } from "../generated/prisma/client";
import { assertCan, actorLabel, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { assertAssignable } from "../users/manage-users";
import { refreshRemediated } from "./reconcile";
import type { StepEvent } from "./schemas";
import type { StepKind, StepState } from "../vocabulary/remediation-step";
import { transition, type MachineEvent } from "./state-machine";

/** A person's action on one step: validated by the state machine, written with its audit event, or nothing at all. */
export async function applyStepEvent(actor: Actor, input: { stepId: string; event: StepEvent }, now = new Date()) {
  assertCan(actor, input.event.type === "attest" ? "admin" : "remediate");
  return getDb().$transaction(async (tx) => {
    const [step] = await tx.$queryRaw<
      {
        id: string;
        secretId: string;
        kind: StepKind;
        state: StepState;
        evidence: Record<string, unknown> | null;
        startedAt: Date | null;
        doneAt: Date | null;
        ownerId: string | null;
        reason: string | null;
      }[]
    >`
      SELECT id, "secretId", kind::text AS kind, state::text AS state, evidence, "startedAt", "doneAt", "ownerId", reason
      FROM "RemediationStep" WHERE id = ${input.stepId} FOR UPDATE`;
    if (!step) throw new ResidueError("not_found", "Remediation step not found.");
    const e = input.event;

    if (e.type === "assign") {
      if (e.ownerId) await assertAssignable(tx, e.ownerId);
      await tx.remediationStep.update({ where: { id: step.id }, data: { ownerId: e.ownerId } });
      await recordAudit(
        tx,
        actor,
        {
          action: "step.assigned",
          entityType: "RemediationStep",
          entityId: step.id,
          before: { ownerId: step.ownerId },
          after: { ownerId: e.ownerId },
        },
        now,
      );
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
