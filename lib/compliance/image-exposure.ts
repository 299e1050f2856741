import { Prisma } from "../generated/prisma/client";
import type { FindingType } from "./catalogue";
import { EXPOSURE_COLUMN } from "./finding-types";

/**
 * The images that hold an open secret now, one row each with a boolean per finding type, read from the
 * ImageExposure rollup (kept by triggers, see its migration) instead of from every occurrence. Only for "now"
 * and the whole fleet: a past date or a scope goes through the occurrences.
 */
export const exposedImagesNow = Prisma.sql`
  SELECT e."imageId", ${Prisma.join(
    (Object.keys(EXPOSURE_COLUMN) as FindingType[]).map((t) => Prisma.sql`e.${Prisma.raw(`"${EXPOSURE_COLUMN[t]}"`)} > 0 AS ${Prisma.raw(t)}`),
  )}
  FROM "ImageExposure" e WHERE e."openOccurrences" > 0`;
