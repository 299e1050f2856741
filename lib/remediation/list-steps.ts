import type { Prisma } from "../generated/prisma/client";
import { getDb } from "../db";
import type { ListStepsQuery } from "./schemas";

const OPEN_STATES = ["todo", "in_progress", "done"] as const;

export function stepsWhere(q: ListStepsQuery, now = new Date()): Prisma.RemediationStepWhereInput {
  return {
    ...(q.state ? { state: q.state } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.owner ? { ownerId: q.owner === "none" ? null : q.owner } : {}),
    ...(q.severity ? { secret: { severity: q.severity } } : {}),
    ...(q.repository ? { repository: { name: q.repository } } : {}),
    ...(q.overdue ? { dueAt: { lt: now }, state: { in: [...OPEN_STATES] } } : {}),
  };
}

/** The remediation board: overdue first (earliest due date among open steps), then by state. */
export async function listSteps(q: ListStepsQuery, now = new Date()) {
  const db = getDb();
  const where = stepsWhere(q, now);
  const [total, steps, byState] = await Promise.all([
    db.remediationStep.count({ where }),
    db.remediationStep.findMany({
      where,
      orderBy: [
        { verifiedAt: { sort: "desc", nulls: "first" } },
        { dueAt: { sort: "asc", nulls: "last" } },
        { id: "asc" },
      ],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      select: {
        id: true,
        kind: true,
        state: true,
        dueAt: true,
        reason: true,
        createdAt: true,
        doneAt: true,
        verifiedAt: true,
        owner: { select: { id: true, name: true } },
        repository: { select: { name: true, registry: { select: { host: true } } } },
        secret: { select: { id: true, ruleId: true, title: true, severity: true, redactedPreview: true } },
      },
    }),
    db.remediationStep.groupBy({ by: ["state"], where: { ...where, state: undefined }, _count: { _all: true } }),
  ]);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    steps,
    byState: Object.fromEntries(byState.map((b) => [b.state, b._count._all])) as Record<string, number>,
  };
}
