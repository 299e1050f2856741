import type { Prisma } from "../generated/prisma/client";
import { assertCan, type Actor } from "../access/actor";
import { getDb } from "../db";
import type { ListAuditQuery } from "./schemas";

export async function listAuditEvents(actor: Actor, q: ListAuditQuery) {
  assertCan(actor, "admin");
  const where: Prisma.AuditEventWhereInput = {
    ...(q.actor ? { actorLabel: { contains: q.actor, mode: "insensitive" } } : {}),
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.from || q.to
      ? {
          at: {
            ...(q.from ? { gte: new Date(`${q.from}T00:00:00Z`) } : {}),
            ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
          },
        }
      : {}),
  };
  const db = getDb();
  const [events, total, actions] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.auditEvent.count({ where }),
    db.auditEvent.groupBy({ by: ["action"], orderBy: { action: "asc" } }),
  ]);
  return { events, total, page: q.page, pageSize: q.pageSize, actions: actions.map((a) => a.action) };
}
