import { Prisma } from "../generated/prisma/client";
import { FINDING_TYPE_IDS as TYPES, FINDING_TYPES } from "../vocabulary/finding-type";
import { FINDING_TYPE_SQL } from "../vocabulary/sql";
import { isFleetWide, occurrenceInScope, type Scope } from "./scope";
import { isCurrent, openAsOf, secretStateAt } from "./state-as-of";

/**
 * The images that hold an open secret as of a date, one row each with a boolean per finding type of the open
 * secrets there. Fleet-wide now (or at a date nothing has changed since), read from the ImageExposure rollup (kept
 * by triggers, see its migration: 10,000 rows instead of every occurrence); for a past date or a scope, folded from
 * the occurrences in scope of the covered secrets (`covered`: a condition on the Secret row aliased `s`).
 */
export function exposedImages(opts: {
  asOf: Date;
  scope: Scope;
  covered: Prisma.Sql;
  /** The stored state is the state at asOf (nothing changed since): read the rollup. By default, for "now". */
  unchangedSince?: boolean;
}): Prisma.Sql {
  if (isFleetWide(opts.scope) && (opts.unchangedSince ?? isCurrent(opts.asOf))) {
    // The rollup counts by stored state; an accepted risk that expired since the reopening job last ran is open
    // already (lib/vocabulary/triage-state.ts), so its images are added from its occurrences (usually none).
    return Prisma.sql`
      SELECT "imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`bool_or(${Prisma.raw(t)}) AS ${Prisma.raw(t)}`))}
      FROM (
        SELECT e."imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`e.${Prisma.raw(`"${FINDING_TYPES[t].exposureColumn}"`)} > 0 AS ${Prisma.raw(t)}`))}
        FROM "ImageExposure" e WHERE e."openOccurrences" > 0
        UNION ALL
        SELECT o."imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`${FINDING_TYPE_SQL[t]} AS ${Prisma.raw(t)}`))}
        FROM "Secret" s JOIN "Occurrence" o ON o."secretId" = s.id
        WHERE s."triageState" = 'accepted_risk' AND s."acceptedUntil" <= ${opts.asOf}::timestamp
          AND s."remediatedAt" IS NULL AND ${opts.covered}
      ) x GROUP BY "imageId"`;
  }
  return Prisma.sql`
    SELECT o."imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`bool_or(${FINDING_TYPE_SQL[t]}) AS ${Prisma.raw(t)}`))}
    FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId"
    WHERE ${opts.covered} AND ${openAsOf(secretStateAt(opts.asOf), opts.asOf)} AND ${occurrenceInScope("o", opts.scope, opts.asOf)}
    GROUP BY o."imageId"`;
}
