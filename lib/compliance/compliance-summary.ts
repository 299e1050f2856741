import { getDb } from "../db";
import { Prisma } from "../generated/prisma/client";
import { CONTROLS, type FindingType } from "./catalogue";
import { controlStatus, type ControlFigures } from "./control-status";
import { openAsOf, stateAsOf } from "./state-as-of";

export type Scope = { registry?: string; repository?: string };

const scopeSql = (s: Scope) =>
  s.registry || s.repository
    ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Occurrence" so JOIN "Repository" sr ON sr.id = so."repositoryId" JOIN "Registry" sg ON sg.id = sr."registryId"
        WHERE so."secretId" = s.id ${s.registry ? Prisma.sql`AND sg.host = ${s.registry}` : Prisma.empty} ${s.repository ? Prisma.sql`AND sr.name = ${s.repository}` : Prisma.empty})`
    : Prisma.empty;

/**
 * Per control, the figures behind its status as of a date: open secrets, affected images and registries,
 * rotation coverage, MTTR, overdue steps. One statement; finding types are derived from occurrences.
 */
export async function getComplianceSummary(asOf: Date, scope: Scope = {}) {
  const pairs = CONTROLS.flatMap((c) => (Object.keys(c.mappings) as FindingType[]).map((t) => [c.id, t] as const));
  const rows = await getDb().$queryRaw<(Record<string, number | null> & { control: string })[]>`
    WITH base AS (
      SELECT s.id, s.severity, s."confirmedAt", s."remediatedAt", s."firstSeenAt", s."verifiedLive", ${stateAsOf(Prisma.sql`s.id`, asOf)} AS state_then,
        s."residueCount" > 0 AS file_residue,
        EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."secretId" = s.id AND o.source = 'file' AND NOT o.residue) AS file_present,
        EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."secretId" = s.id AND o.source = 'history') AS build_history,
        EXISTS (SELECT 1 FROM "Occurrence" o WHERE o."secretId" = s.id AND o.source IN ('env', 'config')) AS env_config,
        EXISTS (SELECT 1 FROM "Occurrence" o JOIN "ImageLayer" il ON il."layerId" = o."layerId" JOIN "Image" i ON i.id = il."imageId"
                WHERE o."secretId" = s.id AND i."repositoryId" <> o."repositoryId") AS base_inherited
      FROM "Secret" s WHERE s."firstSeenAt" <= ${asOf}::timestamp ${scopeSql(scope)}
    ), per AS (
      SELECT b.*, ${openAsOf(asOf)} AS open,
        EXISTS (SELECT 1 FROM "RemediationStep" st WHERE st."secretId" = b.id AND st.kind = 'rotate' AND st.state IN ('done', 'verified') AND st."doneAt" <= ${asOf}::timestamp) AS rotated,
        (SELECT count(*) FROM "RemediationStep" st WHERE st."secretId" = b.id AND st."dueAt" < ${asOf}::timestamp
           AND NOT (st.state IN ('verified', 'not_applicable') AND COALESCE(st."verifiedAt", st."doneAt") <= ${asOf}::timestamp))::int AS overdue_steps,
        EXISTS (SELECT 1 FROM "RemediationStep" st WHERE st."secretId" = b.id AND st.kind = 'rotate' AND st."dueAt" < ${asOf}::timestamp
           AND NOT (st.state IN ('done', 'verified', 'not_applicable') AND st."doneAt" <= ${asOf}::timestamp)) AS overdue_rotation
      FROM base b
    ), typed AS (
      SELECT per.*, t.type FROM per CROSS JOIN LATERAL (VALUES ('file_residue', per.file_residue), ('file_present', per.file_present),
        ('build_history', per.build_history), ('env_config', per.env_config), ('base_inherited', per.base_inherited)) AS t(type, hit) WHERE t.hit
    ), ctl AS (
      SELECT DISTINCT ON (m.control, typed.id) m.control, typed.*
      FROM typed JOIN unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS m(control, type) ON m.type = typed.type
      ORDER BY m.control, typed.id
    )
    SELECT ctl.control,
      count(*) FILTER (WHERE open)::int AS "openSecrets",
      count(*) FILTER (WHERE open AND severity = 'critical')::int AS "openCritical",
      count(*) FILTER (WHERE open AND "verifiedLive" IS TRUE AND NOT rotated)::int AS "openLive",
      count(*) FILTER (WHERE "confirmedAt" <= ${asOf}::timestamp)::int AS "confirmedSecrets",
      count(*) FILTER (WHERE "confirmedAt" <= ${asOf}::timestamp AND rotated)::int AS "rotatedSecrets",
      COALESCE(sum(overdue_steps), 0)::int AS "overdueSteps",
      count(*) FILTER (WHERE open AND overdue_rotation AND severity IN ('critical', 'high'))::int AS "overdueRotations",
      (avg(extract(epoch FROM ("remediatedAt" - COALESCE("confirmedAt", "firstSeenAt")))) FILTER (WHERE "remediatedAt" <= ${asOf}::timestamp) / 3600)::float8 AS "mttrHours",
      (SELECT count(DISTINCT o."imageId") FROM ctl c2 JOIN "Occurrence" o ON o."secretId" = c2.id AND o."firstSeenAt" <= ${asOf}::timestamp WHERE c2.control = ctl.control AND c2.open)::int AS "affectedImages",
      (SELECT count(DISTINCT r."registryId") FROM ctl c2 JOIN "Occurrence" o ON o."secretId" = c2.id AND o."firstSeenAt" <= ${asOf}::timestamp JOIN "Repository" r ON r.id = o."repositoryId"
        WHERE c2.control = ctl.control AND c2.open)::int AS "affectedRegistries"
    FROM ctl GROUP BY ctl.control`;
  const byControl = new Map(rows.map((r) => [r.control, r]));
  const empty: ControlFigures = { openSecrets: 0, openCritical: 0, openLive: 0, confirmedSecrets: 0, rotatedSecrets: 0, overdueSteps: 0, overdueRotations: 0, mttrHours: null, affectedImages: 0, affectedRegistries: 0 };
  return CONTROLS.map((control) => {
    const { control: _c, ...raw } = byControl.get(control.id) ?? { control: control.id };
    const figures = { ...empty, ...raw } as ControlFigures;
    return { control, figures, rotationCoverage: figures.confirmedSecrets ? figures.rotatedSecrets / figures.confirmedSecrets : null, ...controlStatus(figures) };
  });
}
export type ComplianceSummary = Awaited<ReturnType<typeof getComplianceSummary>>;
