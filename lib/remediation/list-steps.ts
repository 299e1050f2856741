import type { Prisma } from "../generated/prisma/client";
import { getDb } from "../db";
import { STEP_OPEN_STATES } from "../vocabulary/remediation-step";
import { ResidueError } from "../errors";
import { decodeCursor, encodeCursor } from "../cursor";
import { STEP_FIELDS } from "./step-fields";
import { stepEtag } from "./steps";
import type { ListStepsQuery, StepsPageQuery } from "./schemas";

export function stepsWhere(
  q: Omit<ListStepsQuery, "page" | "pageSize">,
  now = new Date(),
): Prisma.RemediationStepWhereInput {
  return {
    ...(q.state ? { state: q.state } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.owner ? { ownerId: q.owner === "none" ? null : q.owner } : {}),
    ...(q.severity ? { secret: { severity: q.severity } } : {}),
    ...(q.repository ? { repository: { name: q.repository } } : {}),
    ...(q.overdue ? { dueAt: { lt: now }, state: { in: [...STEP_OPEN_STATES] } } : {}),
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

/** GET /api/v1/remediation/steps: the board's filters, in id order, a page after the cursor. */
export async function listStepsPage(q: StepsPageQuery, now = new Date()) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await getDb().remediationStep.findMany({
    where: { AND: [stepsWhere(q, now), after ? { id: { gt: after[0] } } : {}] },
    orderBy: { id: "asc" },
    take: q.limit + 1,
    select: STEP_FIELDS,
  });
  const page = rows.slice(0, q.limit);
  return {
    steps: page.map((s) => ({ ...s, etag: stepEtag(s) })),
    next_cursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.id]) : null,
  };
}

/** One step with its version (ETag) for PATCH / events with If-Match. */
export async function getStep(id: string) {
  const s = await getDb().remediationStep.findUnique({ where: { id }, select: STEP_FIELDS });
  if (!s) throw new ResidueError("not_found", "Remediation step not found.");
  return { ...s, etag: stepEtag(s) };
}
