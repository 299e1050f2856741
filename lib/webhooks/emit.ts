import type { Prisma } from "../generated/prisma/client";
import { chunks, rowsJson } from "../db/write-batches";
import type { WebhookEventType } from "../vocabulary/webhook-event";

type Tx = Pick<Prisma.TransactionClient, "$executeRaw">;

/**
 * Outbox rows for events no audit entry carries (a new secret, a failed upload), in the caller's transaction;
 * written only while an active subscription wants the type. The audited ones come from recordAudit.
 */
export async function emitWebhookEvents(
  tx: Tx,
  type: WebhookEventType,
  rows: { subjectId: string; payload: Prisma.InputJsonValue }[],
  at: Date,
): Promise<void> {
  for (const batch of chunks(rows)) {
    await tx.$executeRaw`
      INSERT INTO "WebhookEvent" (type, "subjectId", payload, at)
      SELECT ${type}, x.s, x.p, ${at.toISOString()}::timestamp
      FROM jsonb_to_recordset(${rowsJson(batch.map((r) => ({ s: r.subjectId, p: r.payload })))}::jsonb) AS x(s text, p jsonb)
      WHERE EXISTS (SELECT 1 FROM "WebhookSubscription" WHERE active AND ${type} = ANY(events))
      ORDER BY x.s`;
  }
}
