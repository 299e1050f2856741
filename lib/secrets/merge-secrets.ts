import { effectiveStateSql } from "../vocabulary/sql";
import type { Prisma } from "../generated/prisma/client";
import { recordAudit } from "../audit/record-audit";
import type { SystemActor } from "../access/actor";
import { combinedLiveness } from "../vocabulary/liveness";
import { mostSevere, type Severity } from "../vocabulary/severity";
import { rowsJson } from "../db/write-batches";
import { ensureRemediationPlans } from "../remediation/plan";
import { refreshRemediated } from "../remediation/reconcile";
import { IDENTITY_STRENGTH, type IdentityKindName } from "./identity";
import { recountSecrets } from "./recount-secrets";

type Tx = Prisma.TransactionClient;

/** Secrets that evidence showed to be one credential, and why (lib/secrets/link-findings.ts reasons). */
export type MergeGroup = { secretIds: string[]; reasons: string[] };

const SYSTEM: SystemActor = { kind: "system", label: "system: identity" };

// Merges run one at a time: each reads who owns the keys after the one before it committed, so two uploads that
// find the same evidence cannot both merge, or merge into different secrets.
const MERGE_LOCK = 7302003;

type Member = {
  id: string;
  identityKind: IdentityKindName;
  identityKey: string;
  detector: string;
  ruleId: string;
  title: string | null;
  redactedPreview: string;
  valueLength: number | null;
  severity: Severity;
  verifiedLive: boolean | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  triageState: string;
  triageReason: string | null;
  acceptedUntil: Date | null;
  regression: boolean;
  assigneeId: string | null;
  confirmedAt: Date | null;
  remediatedAt: Date | null;
  occurrenceCount: number;
};

// Of two triage decisions on one credential, the one that keeps it in view wins; an untriaged "open" loses to any.
const DECISION_ORDER = ["confirmed", "accepted_risk", "resolved", "false_positive"];

/**
 * Makes each group of secrets one secret, in the caller's transaction: the oldest survives and takes the others'
 * keys, occurrences (one per place: the first seen keeps the earliest and latest sightings of all), scans,
 * comments, remediation steps (per step, the furthest along), triage and counters. The merged rows are deleted;
 * SecretMerge keeps their address and their audit trail, and the merge itself is an audit event on every secret
 * it touched. Returns the survivor of each group's secrets, for the caller to write to.
 *
 * Groups are re-read under MERGE_LOCK from the keys they own, so a secret already merged by another upload is
 * followed to where it went.
 */
export async function mergeSecrets(
  tx: Tx,
  groups: MergeGroup[],
  ctx: { now: Date; scanId?: string },
): Promise<Map<string, string>> {
  const survivorOf = new Map<string, string>();
  if (!groups.length) return survivorOf;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MERGE_LOCK}::bigint)`;
  const ids = [...new Set(groups.flatMap((g) => g.secretIds))].sort();
  const moved = await tx.$queryRaw<{ fromSecretId: string; intoSecretId: string }[]>`
    SELECT "fromSecretId", "intoSecretId" FROM "SecretMerge" WHERE "fromSecretId" = ANY(${ids}::text[])`;
  const current = (id: string) => moved.find((m) => m.fromSecretId === id)?.intoSecretId ?? id;
  const wanted = [...new Set(ids.map(current))].sort();
  const rows = await tx.$queryRaw<Member[]>`
    SELECT id, "identityKind"::text AS "identityKind", "identityKey", detector, "ruleId", title, "redactedPreview", "valueLength", severity::text AS severity,
           "verifiedLive", "firstSeenAt", "lastSeenAt", ${effectiveStateSql('"Secret"', ctx.now)} AS "triageState", "triageReason",
           "acceptedUntil", regression, "assigneeId", "confirmedAt", "remediatedAt", "occurrenceCount"
    FROM "Secret" WHERE id = ANY(${wanted}::text[]) ORDER BY id FOR UPDATE`;
  const byId = new Map(rows.map((r) => [r.id, r]));

  // Groups that share a secret are one group.
  const merged: { members: Member[]; reasons: Set<string> }[] = [];
  for (const g of groups) {
    const members = [...new Set(g.secretIds.map(current))].map((id) => byId.get(id)).filter((m): m is Member => !!m);
    const overlapping = merged.filter((m) => m.members.some((x) => members.includes(x)));
    const joined = {
      members: [...new Set([...members, ...overlapping.flatMap((m) => m.members)])],
      reasons: new Set([...g.reasons, ...overlapping.flatMap((m) => [...m.reasons])]),
    };
    for (const o of overlapping) merged.splice(merged.indexOf(o), 1);
    merged.push(joined);
  }
  const plans = merged.filter((m) => m.members.length > 1).map((m) => planMerge(m.members, [...m.reasons]));
  const into = new Map(plans.flatMap((p) => p.losers.map((l) => [l.id, p.survivor.id] as const)));
  for (const id of ids) survivorOf.set(id, into.get(current(id)) ?? current(id));
  if (!plans.length) return survivorOf;

  const pairs = plans.flatMap((p) => p.losers.map((l) => ({ loser: l.id, survivor: p.survivor.id })));
  const losers = pairs.map((p) => p.loser);
  const survivors = plans.map((p) => p.survivor.id).sort();
  const at = ctx.now.toISOString();
  const members = rowsJson([...pairs, ...survivors.map((s) => ({ loser: s, survivor: s }))]);
  const moves = rowsJson(pairs);

  // Occurrences: one per place. The keeper (the survivor's, else the first seen) takes every sighting of the place.
  await tx.$executeRaw`
    WITH m AS (SELECT * FROM json_to_recordset(${members}::json) AS m(loser text, survivor text)),
    o AS (SELECT o.*, m.survivor FROM "Occurrence" o JOIN m ON o."secretId" = m.loser),
    g AS (
      SELECT (array_agg(id ORDER BY ("secretId" = survivor) DESC, "firstSeenAt", id))[1] AS keep,
             min("firstSeenAt") AS first, max("lastSeenAt") AS last, bool_or(residue) AS residue,
             (array_agg("lastScanId" ORDER BY "lastSeenAt" DESC))[1] AS scan,
             (array_agg("deletedInLayerId") FILTER (WHERE "deletedInLayerId" IS NOT NULL))[1] AS deleted_in,
             (array_agg("deletedInPosition") FILTER (WHERE "deletedInPosition" IS NOT NULL))[1] AS deleted_position,
             (array_agg("createdBy") FILTER (WHERE "createdBy" IS NOT NULL))[1] AS created,
             (array_agg("layerPosition") FILTER (WHERE "layerPosition" IS NOT NULL))[1] AS layer_position
      FROM o GROUP BY survivor, "imageId", "layerKey", path, line HAVING count(*) > 1
    )
    UPDATE "Occurrence" t SET "firstSeenAt" = g.first, "lastSeenAt" = g.last, residue = g.residue, "lastScanId" = g.scan,
      "deletedInLayerId" = COALESCE(t."deletedInLayerId", g.deleted_in), "deletedInPosition" = COALESCE(t."deletedInPosition", g.deleted_position),
      "createdBy" = COALESCE(t."createdBy", g.created), "layerPosition" = COALESCE(t."layerPosition", g.layer_position)
    FROM g WHERE t.id = g.keep`;
  await tx.$executeRaw`
    WITH m AS (SELECT * FROM json_to_recordset(${members}::json) AS m(loser text, survivor text)),
    ranked AS (
      SELECT o.id, row_number() OVER (PARTITION BY m.survivor, o."imageId", o."layerKey", o.path, o.line ORDER BY (o."secretId" = m.survivor) DESC, o."firstSeenAt", o.id) AS n
      FROM "Occurrence" o JOIN m ON o."secretId" = m.loser
    )
    DELETE FROM "Occurrence" WHERE id IN (SELECT id FROM ranked WHERE n > 1)`;
  await tx.$executeRaw`
    UPDATE "Occurrence" o SET "secretId" = m.survivor
    FROM json_to_recordset(${moves}::json) AS m(loser text, survivor text) WHERE o."secretId" = m.loser`;

  // Scans, comments, keys.
  await tx.$executeRaw`
    INSERT INTO "ScanSecret" ("scanId", "secretId", occurrences)
    SELECT ss."scanId", m.survivor, sum(ss.occurrences)::int
    FROM "ScanSecret" ss JOIN json_to_recordset(${moves}::json) AS m(loser text, survivor text) ON ss."secretId" = m.loser
    GROUP BY ss."scanId", m.survivor ORDER BY 1, 2
    ON CONFLICT ("scanId", "secretId") DO UPDATE SET occurrences = "ScanSecret".occurrences + EXCLUDED.occurrences`;
  await tx.$executeRaw`
    UPDATE "Comment" c SET "secretId" = m.survivor FROM json_to_recordset(${moves}::json) AS m(loser text, survivor text) WHERE c."secretId" = m.loser`;
  await tx.$executeRaw`
    UPDATE "SecretKey" k SET "secretId" = m.survivor FROM json_to_recordset(${moves}::json) AS m(loser text, survivor text) WHERE k."secretId" = m.loser`;

  // Remediation steps: per (kind, scope), the one furthest along is kept; the others are listed in the audit event.
  const dropped = await tx.$queryRaw<{ id: string; survivor: string; kind: string; scopeKey: string; state: string }[]>`
    WITH m AS (SELECT * FROM json_to_recordset(${members}::json) AS m(loser text, survivor text)),
    ranked AS (
      SELECT st.id, m.survivor, st.kind::text AS kind, st."scopeKey", st.state::text AS state,
             row_number() OVER (PARTITION BY m.survivor, st.kind, st."scopeKey"
                                ORDER BY array_position(ARRAY['verified', 'done', 'in_progress', 'not_applicable', 'todo'], st.state::text), st."updatedAt" DESC, st.id) AS n
      FROM "RemediationStep" st JOIN m ON st."secretId" = m.loser
    )
    DELETE FROM "RemediationStep" st USING ranked r WHERE st.id = r.id AND r.n > 1
    RETURNING st.id, r.survivor, r.kind, r."scopeKey", r.state`;
  await tx.$executeRaw`
    UPDATE "RemediationStep" st SET "secretId" = m.survivor, "updatedAt" = ${at}::timestamp
    FROM json_to_recordset(${moves}::json) AS m(loser text, survivor text) WHERE st."secretId" = m.loser`;

  // The survivors: merged description, triage and counters (recounted from the occurrences they now hold).
  await tx.$executeRaw`
    UPDATE "Secret" s SET
      "identityKind" = x.kind::"IdentityKind", detector = x.detector, "ruleId" = x."ruleId", title = x.title, "redactedPreview" = x.preview,
      "valueLength" = x."valueLength", severity = x.severity::"Severity", "verifiedLive" = x."verifiedLive", "firstSeenAt" = x.first::timestamp,
      "lastSeenAt" = x.last::timestamp, "triageState" = x.state::"TriageState", "triageReason" = x.reason, "acceptedUntil" = x.until::timestamp,
      regression = x.regression, "assigneeId" = x.assignee, "confirmedAt" = x.confirmed::timestamp, "remediatedAt" = x.remediated::timestamp,
      "updatedAt" = ${at}::timestamp
    FROM json_to_recordset(${rowsJson(plans.map((p) => p.after))}::json)
      AS x(id text, kind text, detector text, "ruleId" text, title text, preview text, "valueLength" int, severity text, "verifiedLive" boolean,
           first text, last text, state text, reason text, until text, regression boolean, assignee text, confirmed text, remediated text)
    WHERE s.id = x.id`;
  await recountSecrets(tx, survivors);

  // Where the merged secrets went, followed by anything merged into them before.
  await tx.$executeRaw`
    UPDATE "SecretMerge" sm SET "intoSecretId" = m.survivor FROM json_to_recordset(${moves}::json) AS m(loser text, survivor text) WHERE sm."intoSecretId" = m.loser`;
  await tx.$executeRaw`
    INSERT INTO "SecretMerge" ("fromSecretId", "intoSecretId", at, reasons, "scanId")
    SELECT m.loser, m.survivor, ${at}::timestamp, m.reasons, ${ctx.scanId ?? null}
    FROM json_to_recordset(${rowsJson(plans.flatMap((p) => p.losers.map((l) => ({ loser: l.id, survivor: p.survivor.id, reasons: p.reasons }))))}::json)
      AS m(loser text, survivor text, reasons text[])`;
  await tx.$executeRaw`DELETE FROM "Secret" WHERE id = ANY(${losers}::text[])`;

  // Exact figures again for every image the survivors are in (the triggers add by difference; a merge moves rows).
  await tx.$executeRaw`SELECT residue_exposure_recount(ARRAY(SELECT DISTINCT "imageId" FROM "Occurrence" WHERE "secretId" = ANY(${survivors}::text[])))`;
  // And where the survivors are placed, per repository and registry, with every group's open secrets.
  await tx.$executeRaw`SELECT residue_placement_recount(${survivors}::text[])`;
  // Stored trend weeks counted the merged secrets apart: computed again when next asked for.
  await tx.$executeRaw`DELETE FROM "TrendWeek"`;
  await ensureRemediationPlans(
    tx,
    plans.filter((p) => p.after.confirmed).map((p) => p.survivor.id),
    ctx.now,
  );
  await refreshRemediated(tx, survivors, ctx.now);

  await recordAudit(
    tx,
    SYSTEM,
    plans.flatMap((p) => [
      {
        action: "secret.merged",
        entityType: "Secret",
        entityId: p.survivor.id,
        before: {
          secrets: p.members.map((m) => ({
            id: m.id,
            state: m.triageState,
            identityKind: m.identityKind,
            occurrences: m.occurrenceCount,
          })),
        },
        after: {
          mergedFrom: p.losers.map((l) => l.id),
          reasons: p.reasons,
          state: p.after.state,
          acceptedUntil: p.after.until,
          droppedSteps: dropped
            .filter((d) => d.survivor === p.survivor.id)
            .map((d) => ({ id: d.id, kind: d.kind, state: d.state })),
          scanId: ctx.scanId ?? null,
        },
      },
      ...p.losers.map((l) => ({
        action: "secret.merged_into",
        entityType: "Secret",
        entityId: l.id,
        before: { state: l.triageState },
        after: { into: p.survivor.id, reasons: p.reasons },
      })),
    ]),
    ctx.now,
  );
  return survivorOf;
}

/** The survivor (first seen) and what it becomes: the strongest description, the decision that keeps it in view. */
function planMerge(members: Member[], reasons: string[]) {
  const byAge = [...members].sort(
    (a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || (a.id < b.id ? -1 : 1),
  );
  const survivor = byAge[0]!;
  const losers = byAge.slice(1);
  const strongest = [...byAge].sort(
    (a, b) => IDENTITY_STRENGTH[a.identityKind] - IDENTITY_STRENGTH[b.identityKind],
  )[0]!;
  const decided = byAge
    .filter((m) => m.triageState !== "open")
    .sort((a, b) => DECISION_ORDER.indexOf(a.triageState) - DECISION_ORDER.indexOf(b.triageState));
  const decision = decided[0] ?? survivor;
  // A resolved credential that another secret still showed somewhere is back, as a regression is.
  const stillExposed =
    decision.triageState === "resolved" &&
    byAge.some(
      (m) => m !== decision && (m.triageState === "open" || m.triageState === "confirmed") && m.occurrenceCount > 0,
    );
  const confirmed =
    byAge
      .map((m) => m.confirmedAt)
      .filter((d): d is Date => !!d)
      .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const state = stillExposed ? (confirmed ? "confirmed" : "open") : decision.triageState;
  return {
    survivor,
    losers,
    members: byAge,
    reasons,
    after: {
      id: survivor.id,
      kind: strongest.identityKind,
      detector: strongest.detector,
      ruleId: strongest.ruleId,
      title: strongest.title,
      preview: strongest.redactedPreview,
      valueLength: strongest.valueLength,
      severity: mostSevere(byAge.map((m) => m.severity)) ?? survivor.severity,
      verifiedLive: combinedLiveness(byAge.map((m) => m.verifiedLive)),
      first: survivor.firstSeenAt.toISOString(),
      last: new Date(Math.max(...byAge.map((m) => m.lastSeenAt.getTime()))).toISOString(),
      state,
      reason: decision.triageReason,
      until: decision.acceptedUntil?.toISOString() ?? null,
      regression: stillExposed || byAge.some((m) => m.regression),
      assignee: survivor.assigneeId ?? decision.assigneeId ?? byAge.find((m) => m.assigneeId)?.assigneeId ?? null,
      confirmed: confirmed?.toISOString() ?? null,
      remediated: stillExposed ? null : (decision.remediatedAt?.toISOString() ?? null),
    },
  };
}
