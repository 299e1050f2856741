import { Prisma } from "../generated/prisma/client";
import { effectiveStateSql, OPEN_STATES_SQL } from "../vocabulary/sql";

/**
 * The audit actions that change a secret's triage state; their `after.state` is the state from then on (a merge
 * gives the surviving secret the state of the merged ones, lib/secrets/merge-secrets.ts).
 */
export const STATE_CHANGE_ACTIONS = Prisma.sql`('secret.triaged', 'secret.regressed', 'secret.remediated', 'secret.reopened', 'secret.merged')`;

/**
 * SQL for a secret's triage state as of a date: the last triage or regression event at or before it in the
 * audit trail, else "open"; an accepted risk whose `acceptedUntil` had passed by then is open (the event that says
 * so is written later, by a scheduled job). Reports for a past date are computed from history, not current state.
 */
export function stateAsOf(secretIdColumn: Prisma.Sql, asOf: Date): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT CASE
        WHEN a.after ->> 'state' = 'accepted_risk' AND (a.after ->> 'acceptedUntil')::timestamp <= ${asOf}::timestamp
        THEN 'open' ELSE a.after ->> 'state' END
      FROM "AuditEvent" a
      WHERE a."entityType" = 'Secret' AND a."entityId" = ${secretIdColumn} AND a.action IN ${STATE_CHANGE_ACTIONS}
        AND a.at <= ${asOf}::timestamp ORDER BY a.at DESC, a.id DESC LIMIT 1), 'open')`;
}

/** Open as of a date, given the state then: open or confirmed by triage, and not remediated by then. */
export function openAsOf(state: Prisma.Sql, asOf: Date): Prisma.Sql {
  return Prisma.sql`(${state} IN ${OPEN_STATES_SQL} AND ("remediatedAt" IS NULL OR "remediatedAt" > ${asOf}::timestamp))`;
}

// A report asked for "now" (give or take the request's own time) reads the current state, not the audit trail.
const CURRENT_WINDOW_MS = 5_000;
export const isCurrent = (asOf: Date) => Date.now() - asOf.getTime() < CURRENT_WINDOW_MS;

/** The state of the secret aliased `s` as of a date: its column for "now" (expiry applied), else replayed. */
export const secretStateAt = (asOf: Date) =>
  isCurrent(asOf) ? effectiveStateSql("s", asOf) : stateAsOf(Prisma.sql`s.id`, asOf);
