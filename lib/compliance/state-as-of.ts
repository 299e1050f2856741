import { Prisma } from "../generated/prisma/client";

/**
 * The audit actions that change a secret's triage state; their `after.state` is the state from then on (a merge
 * gives the surviving secret the state of the merged ones, lib/secrets/merge-secrets.ts).
 */
export const STATE_CHANGE_ACTIONS = Prisma.sql`('secret.triaged', 'secret.regressed', 'secret.remediated', 'secret.reopened', 'secret.merged')`;

/**
 * SQL for a secret's triage state as of a date: the last triage or regression event at or before it in the
 * audit trail, else "open". Reports for a past date are computed from history, not from current state.
 */
export function stateAsOf(secretIdColumn: Prisma.Sql, asOf: Date): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT a.after ->> 'state' FROM "AuditEvent" a
    WHERE a."entityType" = 'Secret' AND a."entityId" = ${secretIdColumn} AND a.action IN ${STATE_CHANGE_ACTIONS}
      AND a.at <= ${asOf}::timestamp ORDER BY a.at DESC, a.id DESC LIMIT 1), 'open')`;
}

/** Open as of a date, given the state then: open or confirmed by triage, and not remediated by then. */
export function openAsOf(state: Prisma.Sql, asOf: Date): Prisma.Sql {
  return Prisma.sql`(${state} IN ('open', 'confirmed') AND ("remediatedAt" IS NULL OR "remediatedAt" > ${asOf}::timestamp))`;
}

// A report asked for "now" (give or take the request's own time) reads the current state, not the audit trail.
const CURRENT_WINDOW_MS = 5_000;
export const isCurrent = (asOf: Date) => Date.now() - asOf.getTime() < CURRENT_WINDOW_MS;

/** The state of the secret aliased `s` as of a date: its column for "now", else replayed from the audit trail. */
export const stateOfS = (asOf: Date) =>
  isCurrent(asOf) ? Prisma.sql`s."triageState"::text` : stateAsOf(Prisma.sql`s.id`, asOf);
