import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";

/**
 * Writes down what reads already show: an accepted risk whose date has passed is open again (reads apply
 * lib/vocabulary/triage-state.ts's effectiveState, so nothing waits for this). The state change and its audit event
 * are written here, by a scheduled job (lib/jobs/jobs.ts), never by a page read. Returns how many reopened.
 */
export async function reopenExpiredRisks(now = new Date()): Promise<number> {
  return getDb().$transaction(async (tx) => {
    // Lock in id order, then update by id: a self-join to a locking subquery cannot be flattened, and on a table the
    // planner had no statistics for yet it ran the subquery once per secret.
    const ids = (
      await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Secret" WHERE "triageState" = 'accepted_risk' AND "acceptedUntil" <= ${now}::timestamp ORDER BY id FOR UPDATE`
    ).map((r) => r.id);
    if (!ids.length) return 0;
    // Reason and expiry are left as they were, so RETURNING gives what they were.
    const expired = await tx.$queryRaw<{ id: string; acceptedUntil: Date; triageReason: string | null }[]>`
      UPDATE "Secret" SET "triageState" = 'open', "updatedAt" = ${now}::timestamp WHERE id = ANY(${ids}::text[])
      RETURNING id, "acceptedUntil", "triageReason"`;
    await recordAudit(
      tx,
      { kind: "system", label: "system: risk acceptance expired" },
      expired.map((s) => ({
        action: "secret.triaged",
        entityType: "Secret",
        entityId: s.id,
        before: { state: "accepted_risk", reason: s.triageReason, acceptedUntil: s.acceptedUntil.toISOString() },
        after: { state: "open", reason: s.triageReason, acceptedUntil: s.acceptedUntil.toISOString() },
      })),
      now,
    );
    return expired.length;
  });
}
