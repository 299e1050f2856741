import crypto from "node:crypto";
import type { Prisma } from "../generated/prisma/client";
import { actorLabel, type Actor } from "../access/actor";
import { chunks, rowsJson } from "../db/write-batches";
import { AUDIT_WEBHOOK_EVENT } from "../vocabulary/webhook-event";

export type AuditEntry = {
  action: string; // noun.verb: token.created, secret.triaged, step.verified…
  entityType: string;
  entityId: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
};

type Tx = Pick<Prisma.TransactionClient, "$executeRaw">;

/**
 * Records changes of state in the caller's transaction, so the audit trail and the change commit together.
 * Any number of entries: they travel as one JSON parameter per 2,500 rows, never one parameter per field (a
 * regression of 100,000 secrets would exceed PostgreSQL's 32,767 bind parameters).
 */
export async function recordAudit(
  tx: Tx,
  actor: Actor,
  entries: AuditEntry | AuditEntry[],
  at = new Date(),
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  const userId = actor.kind === "user" ? actor.userId : null;
  const tokenId = actor.kind === "token" ? actor.tokenId : null;
  for (const batch of chunks(list)) {
    const prefix = idPrefix();
    const rows = batch.map((e) => ({
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      before: e.before ?? null,
      after: e.after ?? null,
    }));
    // The audit rows, and in the same statement the outbox rows of those that are webhook events, written only
    // while some active subscription wants them (no subscriptions, no outbox).
    await tx.$executeRaw`
      WITH audited AS (
        INSERT INTO "AuditEvent" (id, at, "actorUserId", "tokenId", "actorLabel", action, "entityType", "entityId", before, after)
        SELECT ${prefix} || lpad(e.n::text, 6, '0'), ${at.toISOString()}::timestamp, ${userId}, ${tokenId}, ${actorLabel(actor)}, e.action, e."entityType", e."entityId", e.before, e.after
        FROM ROWS FROM (jsonb_to_recordset(${rowsJson(rows)}::jsonb) AS (action text, "entityType" text, "entityId" text, before jsonb, after jsonb))
          WITH ORDINALITY AS e(action, "entityType", "entityId", before, after, n)
        RETURNING id, at, "actorLabel", action, "entityType", "entityId", before, after
      ), mapped AS (
        SELECT a.*, m.type FROM audited a
        JOIN jsonb_each_text(${JSON.stringify(AUDIT_WEBHOOK_EVENT)}::jsonb) AS m(action, type) ON m.action = a.action
      )
      INSERT INTO "WebhookEvent" (type, "subjectId", payload, at)
      SELECT type, COALESCE(before ->> 'secretId', "entityId"),
             jsonb_build_object('auditId', id, 'actor', "actorLabel", 'entityType', "entityType", 'entityId', "entityId", 'before', before, 'after', after),
             at
      FROM mapped
      WHERE EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.active AND mapped.type = ANY(s.events))
      ORDER BY id`;
  }
}

// Audit ids sort in the order events were written (history ties on `at` are broken by id, as with the cuids
// Prisma made before): "c", the time and a per-process counter in base 36, a random part, the row's ordinal.
let counter = 0;
function idPrefix(): string {
  counter = (counter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${crypto.randomBytes(3).toString("hex").slice(0, 4)}`;
}
