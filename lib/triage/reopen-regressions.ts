import type { SystemActor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import type { Prisma } from "../generated/prisma/client";

const SYSTEM: SystemActor = { kind: "system", label: "system: regression" };

/**
 * Triage's regression rule, applied after an ingest wrote what it found: a resolved secret that a scan found
 * somewhere new is back, as confirmed when it had been confirmed (its plan exists), else open, and flagged as a
 * regression. False positives and accepted risks stay as triaged wherever they reappear. One statement and one
 * audit event per reopened secret, in the ingest's transaction.
 */
export async function reopenRegressions(
  tx: Prisma.TransactionClient,
  input: { secretIds: string[]; scanId: string; now: Date },
): Promise<{ id: string; state: string }[]> {
  if (!input.secretIds.length) return [];
  const reopened = await tx.$queryRaw<{ id: string; state: string }[]>`
    UPDATE "Secret" SET regression = true,
      "triageState" = (CASE WHEN "confirmedAt" IS NULL THEN 'open' ELSE 'confirmed' END)::"TriageState"
    WHERE id = ANY(${input.secretIds}::text[]) AND "triageState" = 'resolved'
    RETURNING id, "triageState"::text AS state`;
  await recordAudit(
    tx,
    SYSTEM,
    reopened.map((r) => ({
      action: "secret.regressed",
      entityType: "Secret",
      entityId: r.id,
      before: { state: "resolved" },
      after: { state: r.state, regression: true, scanId: input.scanId },
    })),
    input.now,
  );
  return reopened;
}
