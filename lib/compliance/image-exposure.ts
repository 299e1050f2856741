import { Prisma } from "../generated/prisma/client";
import type { FindingType } from "./catalogue";
import { EXPOSURE_COLUMN, FINDING_TYPE_SQL } from "./finding-types";
import { isFleetWide, occurrenceInScope, type Scope } from "./scope";
import { isCurrent, openAsOf, stateOfS } from "./state-as-of";

const TYPES = Object.keys(EXPOSURE_COLUMN) as FindingType[];

/**
 * The images that hold an open secret as of a date, one row each with a boolean per finding type of the open
 * secrets there. Fleet-wide now, read from the ImageExposure rollup (kept by triggers, see its migration: 10,000
 * rows instead of every occurrence); for a past date or a scope, folded from the occurrences in scope of the covered
 * secrets (`covered`: a condition on the Secret row aliased `s`).
 */
export function exposedImages(opts: { asOf: Date; scope: Scope; covered: Prisma.Sql }): Prisma.Sql {
  if (isFleetWide(opts.scope) && isCurrent(opts.asOf)) {
    return Prisma.sql`
      SELECT e."imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`e.${Prisma.raw(`"${EXPOSURE_COLUMN[t]}"`)} > 0 AS ${Prisma.raw(t)}`))}
      FROM "ImageExposure" e WHERE e."openOccurrences" > 0`;
  }
  return Prisma.sql`
    SELECT o."imageId", ${Prisma.join(TYPES.map((t) => Prisma.sql`bool_or(${FINDING_TYPE_SQL[t]}) AS ${Prisma.raw(t)}`))}
    FROM "Occurrence" o JOIN "Secret" s ON s.id = o."secretId"
    WHERE ${opts.covered} AND ${openAsOf(stateOfS(opts.asOf), opts.asOf)} AND ${occurrenceInScope("o", opts.scope, opts.asOf)}
    GROUP BY o."imageId"`;
}
