import type { SystemActor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { STEP_OPEN_STATES } from "../vocabulary/remediation-step";
import { OPEN_STATES } from "../vocabulary/triage-state";

const SLA: SystemActor = { kind: "system", label: "system: SLA" };

/**
 * The scheduled SLA check (lib/jobs/jobs.ts, every minute): each step still open past its due date, of a secret
 * still open (a false positive's plan is moot), is recorded as overdue once per due date (a `step.overdue` audit event, which is also the webhook event). Reads show overdue
 * steps as such without it; this is what tells people.
 */
export async function flagOverdueSteps(now = new Date(), limit = 1000): Promise<number> {
  return getDb().$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string; secretId: string; kind: string; dueAt: Date }[]>`
      SELECT st.id, st."secretId", st.kind::text AS kind, st."dueAt" FROM "RemediationStep" st
      JOIN "Secret" s ON s.id = st."secretId" AND s."triageState"::text = ANY(${[...OPEN_STATES]}::text[])
      WHERE st."dueAt" < ${now}::timestamp AND st.state::text = ANY(${[...STEP_OPEN_STATES]}::text[])
        AND NOT EXISTS (
          SELECT 1 FROM "AuditEvent" a
          WHERE a."entityType" = 'RemediationStep' AND a."entityId" = st.id AND a.action = 'step.overdue' AND a.at >= st."dueAt")
      ORDER BY st."dueAt", st.id LIMIT ${limit}
      FOR UPDATE OF st SKIP LOCKED`;
    await recordAudit(
      tx,
      SLA,
      due.map((s) => ({
        action: "step.overdue",
        entityType: "RemediationStep",
        entityId: s.id,
        before: { secretId: s.secretId, kind: s.kind, dueAt: s.dueAt.toISOString() },
      })),
      now,
    );
    return due.length;
  });
}
