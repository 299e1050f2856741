import type { Prisma } from "../generated/prisma/client";
import { getSlaDays } from "./sla";

type Tx = Prisma.TransactionClient;

/**
 * Derives remediation plans from where the secrets occur: one rotation per secret, and per affected repository
 * a rebuild and a purge. Idempotent and set-based: new repositories add steps, existing steps are kept.
 * Due dates follow the per-severity SLA from the confirmation time; the secret's assignee owns its new steps.
 */
export async function ensureRemediationPlans(tx: Tx, secretIds: string[], now: Date): Promise<number> {
  if (!secretIds.length) return 0;
  const sla = JSON.stringify(await getSlaDays(tx));
  return tx.$executeRaw`
    INSERT INTO "RemediationStep" (id, "secretId", kind, "repositoryId", "scopeKey", "ownerId", "dueAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, x.secret, x.kind::"StepKind", x.repo, COALESCE(x.repo, ''), s."assigneeId",
           COALESCE(s."confirmedAt", ${now}::timestamp) + make_interval(days => (${sla}::jsonb ->> s.severity::text)::int), ${now}::timestamp, ${now}::timestamp
    FROM (
      SELECT id AS secret, 'rotate' AS kind, NULL::text AS repo FROM "Secret" WHERE id = ANY(${secretIds}::text[])
      UNION ALL
      SELECT DISTINCT o."secretId", k.kind, o."repositoryId"
      FROM "Occurrence" o CROSS JOIN (VALUES ('rebuild'), ('purge')) AS k(kind)
      WHERE o."secretId" = ANY(${secretIds}::text[])
    ) x JOIN "Secret" s ON s.id = x.secret
    ORDER BY x.secret, x.kind, x.repo
    ON CONFLICT ("secretId", kind, "scopeKey") DO NOTHING`;
}
