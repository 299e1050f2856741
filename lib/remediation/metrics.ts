import { reportCache } from "../compliance/report-cache";
import { exposedImages } from "../compliance/image-exposure";
import { isFleetWide, secretInScope } from "../compliance/scope";
import { openAsOf, secretStateAt } from "../compliance/state-as-of";
import { getDb } from "../db";
import { planFleetScan } from "../db/plan-fleet-scan";

export type RemediationMetrics = Awaited<ReturnType<typeof computeMetrics>>;
type MetricsQuery = { asOf?: Date; repositoryId?: string };

const cached = reportCache<RemediationMetrics>();

/** Cached until the data changes (and per minute for "now"), like the compliance figures. */
export async function getRemediationMetrics(
  opts: MetricsQuery = {},
  cache: { fresh?: boolean } = {},
): Promise<RemediationMetrics> {
  const asOf = opts.asOf ?? new Date();
  return (await cached(asOf, opts.repositoryId ?? null, () => computeMetrics({ ...opts, asOf }), cache)).value;
}

/**
 * MTTR, overdue steps and open exposure, from the step and secret timestamps, as of a date. For a past date,
 * triage state comes from the audit trail (the last secret.triaged event before it), so a report for a past
 * date gives the same figures later.
 */
async function computeMetrics({ asOf, repositoryId }: MetricsQuery & { asOf: Date }) {
  const scope = { repositoryId };
  const state = secretStateAt(asOf);
  const covered = secretInScope("s", scope, asOf);
  const [row] = await getDb().$transaction(async (tx) => {
    await planFleetScan(tx, isFleetWide(scope));
    return tx.$queryRaw<
      {
        open_secrets: number;
        confirmed_secrets: number;
        remediated_secrets: number;
        rotated_secrets: number;
        rotations_unverified: number;
        affected_images: number;
        open_steps: number;
        overdue_steps: number;
        overdue_critical: number;
        mttr_hours: number | null;
        exposure_days: number | null;
      }[]
    >`
    WITH scope AS MATERIALIZED (
      SELECT s.id, s.severity, s."firstSeenAt", s."confirmedAt", s."remediatedAt", ${openAsOf(state, asOf)} AS open
      FROM "Secret" s
      WHERE ${covered}
    ), live AS (
      SELECT * FROM scope WHERE open
    ), steps AS (
      SELECT st.* FROM "RemediationStep" st JOIN scope ON scope.id = st."secretId" WHERE st."createdAt" <= ${asOf}::timestamp
    )
    SELECT
      (SELECT count(*)::int FROM live) AS open_secrets,
      (SELECT count(*)::int FROM scope WHERE "confirmedAt" <= ${asOf}::timestamp) AS confirmed_secrets,
      (SELECT count(*)::int FROM scope WHERE "remediatedAt" <= ${asOf}::timestamp) AS remediated_secrets,
      -- Rotated on evidence only, as on the compliance page; recorded but unverified rotations are counted apart.
      (SELECT count(DISTINCT "secretId")::int FROM steps WHERE kind = 'rotate' AND state = 'verified' AND "verifiedAt" <= ${asOf}::timestamp) AS rotated_secrets,
      (SELECT count(DISTINCT "secretId")::int FROM steps WHERE kind = 'rotate' AND state IN ('done', 'verified') AND "doneAt" <= ${asOf}::timestamp
        AND NOT (state = 'verified' AND "verifiedAt" <= ${asOf}::timestamp)) AS rotations_unverified,
      (SELECT count(*)::int FROM (${exposedImages({ asOf, scope, covered })}) i) AS affected_images,
      (SELECT count(*)::int FROM steps WHERE NOT (state IN ('verified', 'not_applicable') AND COALESCE("verifiedAt", "doneAt") <= ${asOf}::timestamp)) AS open_steps,
      (SELECT count(*)::int FROM steps WHERE "dueAt" < ${asOf}::timestamp AND NOT (state IN ('verified', 'not_applicable') AND COALESCE("verifiedAt", "doneAt") <= ${asOf}::timestamp)) AS overdue_steps,
      (SELECT count(DISTINCT st."secretId")::int FROM steps st JOIN scope ON scope.id = st."secretId"
        WHERE scope.severity = 'critical' AND st.kind = 'rotate' AND st."dueAt" < ${asOf}::timestamp
          AND NOT (st.state IN ('done', 'verified', 'not_applicable') AND st."doneAt" <= ${asOf}::timestamp)) AS overdue_critical,
      (SELECT (avg(extract(epoch FROM ("remediatedAt" - COALESCE("confirmedAt", "firstSeenAt")))) / 3600)::float8 FROM scope WHERE "remediatedAt" <= ${asOf}::timestamp) AS mttr_hours,
      (SELECT (sum(extract(epoch FROM (${asOf}::timestamp - "firstSeenAt"))) / 86400)::float8 FROM live) AS exposure_days`;
  });
  const r = row!;
  return {
    asOf,
    openSecrets: r.open_secrets,
    confirmedSecrets: r.confirmed_secrets,
    remediatedSecrets: r.remediated_secrets,
    rotatedSecrets: r.rotated_secrets,
    rotationsUnverified: r.rotations_unverified,
    rotationCoverage: r.confirmed_secrets ? r.rotated_secrets / r.confirmed_secrets : null,
    affectedImages: r.affected_images,
    openSteps: r.open_steps,
    overdueSteps: r.overdue_steps,
    overdueCriticalRotations: r.overdue_critical,
    mttrHours: r.mttr_hours,
    openExposureDays: r.exposure_days ?? 0,
  };
}
