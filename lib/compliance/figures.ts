import { getDb } from "../db";
import { planFleetScan } from "../db/plan-fleet-scan";
import { Prisma } from "../generated/prisma/client";
import { FINDING_TYPE_IDS as TYPES, type FindingType } from "../vocabulary/finding-type";
import { FINDING_TYPE_SQL } from "../vocabulary/sql";
import { exposedImages } from "./image-exposure";
import { isFleetWide, scansInScope, secretInScope, type Scope } from "./scope";
import { openAsOf, secretStateAt } from "./state-as-of";
import type { Figures } from "./figure-definitions";

export type { Figures } from "./figure-definitions";

// The SQL of each figure of lib/compliance/figure-definitions.ts, where each is defined in words.

/** The secrets a set of figures is about: all those in scope, or those of some finding types (a control's). */
export type Subset = { id: string; types?: FindingType[] };
export const ALL_SECRETS: Subset = { id: "all" };

const subsetWhere = (s: Subset) =>
  s.types ? Prisma.raw(`(${s.types.map((t) => `"${t}"`).join(" OR ")})`) : Prisma.sql`true`;

/**
 * The figures of each subset as of a date within a scope, in one statement. The secrets in scope (with their step
 * aggregates) are read once and folded by their combination of finding types (at most 2^5 groups); the occurrences
 * in scope of the open ones are folded per image, then by combination and registry. A subset's figures are then
 * sums over the few groups whose types it covers: its cost no longer grows with the secrets, five controls cost
 * one pass (the per-subset passes over every secret were half the summary's time at 50,000 secrets).
 */
export async function computeFigures(asOf: Date, scope: Scope, subsets: Subset[]): Promise<Map<string, Figures>> {
  const t = Prisma.sql`${asOf}::timestamp`;
  // The secrets a report covers; `img` repeats the condition on Secret itself rather than joining `per`, whose
  // row count the planner cannot see (it hashed all 1M occurrences to probe 33,000 open secrets).
  const covered = secretInScope("s", scope, asOf);
  // A step is closed at the date when the timestamps it has now say it was verified or found not applicable by then.
  const stepClosed = Prisma.sql`(state IN ('verified', 'not_applicable') AND COALESCE("verifiedAt", "doneAt") <= ${t})`;
  const types = Prisma.raw(TYPES.map((ty) => `"${ty}"`).join(", "));
  const perSubset = subsets.map((subset) => {
    const p = subsetWhere(subset);
    return Prisma.sql`
      SELECT ${subset.id}::text AS subset,
        COALESCE(sum("openSecrets") FILTER (WHERE ${p}), 0)::int AS "openSecrets",
        COALESCE(sum("openCritical") FILTER (WHERE ${p}), 0)::int AS "openCritical",
        COALESCE(sum("openLive") FILTER (WHERE ${p}), 0)::int AS "openLive",
        COALESCE(sum("confirmedSecrets") FILTER (WHERE ${p}), 0)::int AS "confirmedSecrets",
        COALESCE(sum("rotatedSecrets") FILTER (WHERE ${p}), 0)::int AS "rotatedSecrets",
        COALESCE(sum("rotationsUnverified") FILTER (WHERE ${p}), 0)::int AS "rotationsUnverified",
        COALESCE(sum("remediatedSecrets") FILTER (WHERE ${p}), 0)::int AS "remediatedSecrets",
        COALESCE(sum("openSteps") FILTER (WHERE ${p}), 0)::int AS "openSteps",
        COALESCE(sum("overdueSteps") FILTER (WHERE ${p}), 0)::int AS "overdueSteps",
        COALESCE(sum("overdueRotations") FILTER (WHERE ${p}), 0)::int AS "overdueRotations",
        (sum(mttr_sum) FILTER (WHERE ${p}) / NULLIF(sum("remediatedSecrets") FILTER (WHERE ${p}), 0) / 3600)::float8 AS "mttrHours",
        COALESCE(sum(exposure_sum) FILTER (WHERE ${p}) / 86400, 0)::float8 AS "openExposureDays",
        (SELECT COALESCE(sum(n), 0) FROM img WHERE ${p})::int AS "affectedImages",
        (SELECT count(DISTINCT "registryId") FROM img WHERE ${p})::int AS "affectedRegistries",
        (SELECT n FROM evidence)::int AS scans
      FROM per`;
  });
  const rows = await getDb().$transaction(async (tx) => {
    await planFleetScan(tx, isFleetWide(scope));
    return tx.$queryRaw<(Figures & { subset: string })[]>`
    WITH st AS (
      SELECT "secretId",
        -- Rotated only on evidence (a later report says not live, or an attestation), as verifyRotations records it.
        bool_or(kind = 'rotate' AND state = 'verified' AND "verifiedAt" <= ${t}) AS rotated,
        bool_or(kind = 'rotate' AND state IN ('done', 'verified') AND "doneAt" <= ${t}) AS rotation_recorded,
        count(*) FILTER (WHERE "createdAt" <= ${t} AND NOT ${stepClosed}) AS open_steps,
        count(*) FILTER (WHERE "createdAt" <= ${t} AND "dueAt" < ${t} AND NOT ${stepClosed}) AS overdue_steps,
        bool_or(kind = 'rotate' AND "dueAt" < ${t} AND NOT (state IN ('done', 'verified', 'not_applicable') AND "doneAt" <= ${t})) AS overdue_rotation
      FROM "RemediationStep" GROUP BY "secretId"
    ), secrets AS (
      SELECT s.severity, s."verifiedLive",
        ${Prisma.join(TYPES.map((ty) => Prisma.sql`${FINDING_TYPE_SQL[ty]} AS ${Prisma.raw(`"${ty}"`)}`))},
        ${openAsOf(secretStateAt(asOf), asOf)} AS open,
        s."confirmedAt" <= ${t} AS confirmed,
        COALESCE(st.rotated, false) AS rotated, COALESCE(st.rotation_recorded, false) AS rotation_recorded,
        COALESCE(st.open_steps, 0) AS open_steps, COALESCE(st.overdue_steps, 0) AS overdue_steps,
        COALESCE(st.overdue_rotation, false) AS overdue_rotation,
        CASE WHEN s."remediatedAt" <= ${t} THEN extract(epoch FROM (s."remediatedAt" - COALESCE(s."confirmedAt", s."firstSeenAt"))) END AS mttr,
        extract(epoch FROM (${t} - s."firstSeenAt")) AS exposure
      FROM "Secret" s LEFT JOIN st ON st."secretId" = s.id
      WHERE ${covered}
    ), per AS MATERIALIZED (
      -- Every figure is a count or a sum, so each combination of finding types carries its part of each.
      SELECT ${types},
        count(*) FILTER (WHERE open) AS "openSecrets",
        count(*) FILTER (WHERE open AND severity = 'critical') AS "openCritical",
        count(*) FILTER (WHERE open AND "verifiedLive" IS TRUE AND NOT rotated) AS "openLive",
        count(*) FILTER (WHERE confirmed) AS "confirmedSecrets",
        count(*) FILTER (WHERE confirmed AND rotated) AS "rotatedSecrets",
        count(*) FILTER (WHERE confirmed AND rotation_recorded AND NOT rotated) AS "rotationsUnverified",
        count(mttr) AS "remediatedSecrets",
        sum(open_steps) AS "openSteps",
        sum(overdue_steps) AS "overdueSteps",
        count(*) FILTER (WHERE open AND overdue_rotation AND severity IN ('critical', 'high')) AS "overdueRotations",
        sum(mttr) AS mttr_sum,
        sum(exposure) FILTER (WHERE open) AS exposure_sum
      FROM secrets GROUP BY ${types}
    ), img AS MATERIALIZED (
      -- The affected images (each with the finding types of the open secrets it holds), counted by combination and
      -- registry: the per-subset image and registry counts then read a few hundred rows.
      SELECT ${Prisma.raw(TYPES.map((ty) => `g."${ty}"`).join(", "))}, r."registryId", count(*) AS n
      FROM (${exposedImages({ asOf, scope, covered })}
      ) g JOIN "Image" i ON i.id = g."imageId" JOIN "Repository" r ON r.id = i."repositoryId"
      GROUP BY ${Prisma.raw(TYPES.map((ty) => `g."${ty}"`).join(", "))}, r."registryId"
    ), evidence AS (SELECT ${scansInScope(scope, asOf)} AS n)
    ${Prisma.join(perSubset, " UNION ALL ")}`;
  });
  return new Map(rows.map(({ subset, ...figures }) => [subset, figures]));
}

/** Rotation coverage: verified rotations over confirmed secrets; none when nothing was confirmed. */
export const rotationCoverage = (f: Figures) => (f.confirmedSecrets ? f.rotatedSecrets / f.confirmedSecrets : null);
