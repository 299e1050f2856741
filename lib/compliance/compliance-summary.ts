import { getDb } from "../db";
import { planFleetScan } from "../db/plan-fleet-scan";
import { Prisma } from "../generated/prisma/client";
import { CONTROLS } from "./catalogue";
import { FINDING_TYPE_IDS as TYPES, type FindingType } from "../vocabulary/finding-type";
import { controlStatus, type ControlFigures } from "./control-status";
import { reportCache } from "./report-cache";
import { FINDING_TYPE_SQL } from "../vocabulary/sql";
import { exposedImages } from "./image-exposure";
import { isFleetWide, scansInScope, secretInScope, type Scope } from "./scope";
import { openAsOf, secretStateAt } from "./state-as-of";

export type { Scope } from "./scope";

const inScope = (types: FindingType[]) => Prisma.raw(`(${types.join(" OR ")})`);

/**
 * Per control, the figures behind its status as of a date, within a scope (lib/compliance/scope.ts): open secrets,
 * affected images and registries (counting only occurrences in scope), rotation coverage (verified rotations only;
 * recorded but unverified ones are a figure of their own), MTTR, overdue steps, and the scans in scope that are
 * the evidence. Two passes in one statement: secrets (with their step aggregates), then the occurrences in scope
 * of the open ones, folded per image, for the image and registry counts.
 */
async function computeSummary(asOf: Date, scope: Scope) {
  const state = secretStateAt(asOf);
  const fleetWide = isFleetWide(scope);
  // The secrets a report covers; `img` repeats the condition on Secret itself rather than joining `per`, whose
  // row count the planner cannot see (it hashed all 1M occurrences to probe 33,000 open secrets).
  const covered = secretInScope("s", scope, asOf);
  const perControl = CONTROLS.map((c) => {
    const p = inScope(Object.keys(c.mappings) as FindingType[]);
    return Prisma.sql`
      SELECT ${c.id}::text AS control,
        count(*) FILTER (WHERE open AND ${p})::int AS "openSecrets",
        count(*) FILTER (WHERE open AND ${p} AND severity = 'critical')::int AS "openCritical",
        count(*) FILTER (WHERE open AND ${p} AND "verifiedLive" IS TRUE AND NOT rotated)::int AS "openLive",
        count(*) FILTER (WHERE confirmed AND ${p})::int AS "confirmedSecrets",
        count(*) FILTER (WHERE confirmed AND rotated AND ${p})::int AS "rotatedSecrets",
        count(*) FILTER (WHERE confirmed AND rotation_recorded AND NOT rotated AND ${p})::int AS "rotationsUnverified",
        COALESCE(sum(overdue_steps) FILTER (WHERE ${p}), 0)::int AS "overdueSteps",
        count(*) FILTER (WHERE open AND overdue_rotation AND severity IN ('critical', 'high') AND ${p})::int AS "overdueRotations",
        (avg(mttr) FILTER (WHERE ${p}) / 3600)::float8 AS "mttrHours",
        (SELECT count(*) FROM img WHERE ${p})::int AS "affectedImages",
        (SELECT count(DISTINCT "registryId") FROM img WHERE ${p})::int AS "affectedRegistries",
        (SELECT n FROM evidence)::int AS scans
      FROM per`;
  });
  const rows = await getDb().$transaction(async (tx) => {
    await planFleetScan(tx, fleetWide);
    return tx.$queryRaw<(ControlFigures & { control: string })[]>`
    WITH st AS (
      SELECT "secretId",
        -- Rotated only on evidence (a later report says not live, or an attestation), as verifyRotations records it.
        bool_or(kind = 'rotate' AND state = 'verified' AND "verifiedAt" <= ${asOf}::timestamp) AS rotated,
        bool_or(kind = 'rotate' AND state IN ('done', 'verified') AND "doneAt" <= ${asOf}::timestamp) AS rotation_recorded,
        count(*) FILTER (WHERE "dueAt" < ${asOf}::timestamp AND "createdAt" <= ${asOf}::timestamp
                         AND NOT (state IN ('verified', 'not_applicable') AND COALESCE("verifiedAt", "doneAt") <= ${asOf}::timestamp)) AS overdue_steps,
        bool_or(kind = 'rotate' AND "dueAt" < ${asOf}::timestamp AND NOT (state IN ('done', 'verified', 'not_applicable') AND "doneAt" <= ${asOf}::timestamp)) AS overdue_rotation
      FROM "RemediationStep" GROUP BY "secretId"
    ), per AS MATERIALIZED (
      SELECT s.id, s.severity, s."verifiedLive",
        ${Prisma.join(TYPES.map((t) => Prisma.sql`${FINDING_TYPE_SQL[t]} AS ${Prisma.raw(t)}`))},
        ${openAsOf(state, asOf)} AS open,
        s."confirmedAt" <= ${asOf}::timestamp AS confirmed,
        COALESCE(st.rotated, false) AS rotated, COALESCE(st.rotation_recorded, false) AS rotation_recorded, COALESCE(st.overdue_steps, 0) AS overdue_steps, COALESCE(st.overdue_rotation, false) AS overdue_rotation,
        CASE WHEN s."remediatedAt" <= ${asOf}::timestamp THEN extract(epoch FROM (s."remediatedAt" - COALESCE(s."confirmedAt", s."firstSeenAt"))) END AS mttr
      FROM "Secret" s LEFT JOIN st ON st."secretId" = s.id
      WHERE ${covered}
    ), img AS MATERIALIZED (
      -- One row per affected image, with the finding types of the open secrets it holds: the per-control image and
      -- registry counts then read 10,000 rows, not every occurrence again.
      SELECT g.*, r."registryId" FROM (${exposedImages({ asOf, scope, covered })}
      ) g JOIN "Image" i ON i.id = g."imageId" JOIN "Repository" r ON r.id = i."repositoryId"
    ), evidence AS (SELECT ${scansInScope(scope, asOf)} AS n)
    ${Prisma.join(perControl, " UNION ALL ")}`;
  });
  const byControl = new Map(rows.map((r) => [r.control, r]));
  return CONTROLS.map((control) => {
    const { control: _c, ...figures } = byControl.get(control.id)!;
    return {
      control,
      figures,
      rotationCoverage: figures.confirmedSecrets ? figures.rotatedSecrets / figures.confirmedSecrets : null,
      ...controlStatus(figures),
    };
  });
}

export type ComplianceSummary = Awaited<ReturnType<typeof computeSummary>>;

const cached = reportCache<ComplianceSummary>();

export async function getComplianceSummary(
  asOf: Date,
  scope: Scope = {},
  opts: { fresh?: boolean } = {},
): Promise<ComplianceSummary> {
  return (await cached(asOf, scope, () => computeSummary(asOf, scope), opts)).value;
}
