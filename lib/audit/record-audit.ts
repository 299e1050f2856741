import type { Prisma } from "../generated/prisma/client";
import { actorLabel, type Actor } from "../auth/actor";

export type AuditEntry = {
  action: string; // noun.verb: token.created, secret.triaged, step.verified…
  entityType: string;
  entityId: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
};

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

function row(actor: Actor, e: AuditEntry, at: Date): Prisma.AuditEventCreateManyInput {
  return {
    at,
    actorUserId: actor.kind === "user" ? actor.userId : null,
    tokenId: actor.kind === "token" ? actor.tokenId : null,
    actorLabel: actorLabel(actor),
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before ?? undefined,
    after: e.after ?? undefined,
  };
}

/** Records changes of state in the caller's transaction, so the audit trail and the change commit together. */
export async function recordAudit(tx: Tx, actor: Actor, entries: AuditEntry | AuditEntry[], at = new Date()): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length) await tx.auditEvent.createMany({ data: list.map((e) => row(actor, e, at)) });
}
