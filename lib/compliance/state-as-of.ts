import { Prisma } from "../generated/prisma/client";

/**
 * SQL for a secret's triage state as of a date: the last triage or regression event at or before it in the
 * audit trail, else "open". Reports for a past date are computed from history, not from current state.
 */
export function stateAsOf(secretIdColumn: Prisma.Sql, asOf: Date): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT a.after ->> 'state' FROM "AuditEvent" a
    WHERE a."entityType" = 'Secret' AND a."entityId" = ${secretIdColumn} AND a.action IN ('secret.triaged', 'secret.regressed', 'secret.remediated', 'secret.reopened')
      AND a.at <= ${asOf}::timestamp ORDER BY a.at DESC LIMIT 1), 'open')`;
}

/** Open as of a date: seen by then, not remediated by then, and not closed by triage then. */
export function openAsOf(asOf: Date): Prisma.Sql {
  return Prisma.sql`(state_then IN ('open', 'confirmed') AND ("remediatedAt" IS NULL OR "remediatedAt" > ${asOf}::timestamp))`;
}
