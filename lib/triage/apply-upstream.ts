import type { SystemActor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import type { UpstreamResolution } from "../findings/finding";
import type { Prisma } from "../generated/prisma/client";
import { refreshRemediated, stepAudit } from "../remediation/reconcile";
import type { TriageState } from "../vocabulary/triage-state";

type Tx = Prisma.TransactionClient;

/** How long a "won't fix" made elsewhere holds before the secret is open for review again. */
export const UPSTREAM_ACCEPTANCE_DAYS = 90;

/** What each resolution means here: revoked is fixed, the others are a triage decision. */
export const UPSTREAM_STATE: Record<UpstreamResolution["resolution"], Exclude<TriageState, "open" | "confirmed">> = {
  revoked: "resolved",
  false_positive: "false_positive",
  used_in_tests: "false_positive",
  pattern_edited: "false_positive",
  pattern_deleted: "false_positive",
  wont_fix: "accepted_risk",
};

/**
 * Applied after an ingest, in its transaction, to the secrets whose every finding in the report was already closed
 * by the scanning service (a resolved GitHub secret scanning alert). A secret nobody has triaged in Residue takes
 * the state that resolution means, with a reason naming who closed it there and when: such a report adds no open
 * secret. A secret a person triaged here keeps that decision. A revoked credential is also rotation evidence: its
 * rotation step, wherever it stands, is verified.
 */
export async function applyUpstreamResolutions(
  tx: Tx,
  input: { resolved: { secretId: string; resolution: UpstreamResolution }[]; scanId: string; now: Date },
) {
  const { resolved, scanId, now } = input;
  if (!resolved.length) return;
  const byId = new Map(resolved.map((r) => [r.secretId, r.resolution]));
  const ids = [...byId.keys()].sort();
  const untriaged = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Secret" WHERE id = ANY(${ids}::text[]) AND "triageState" = 'open' ORDER BY id FOR UPDATE`;
  const changes = untriaged.map(({ id }) => {
    const r = byId.get(id)!;
    const state = UPSTREAM_STATE[r.resolution];
    const since = r.at ?? now;
    return {
      id,
      state,
      reason: reasonOf(r),
      acceptedUntil:
        state === "accepted_risk" ? new Date(since.getTime() + UPSTREAM_ACCEPTANCE_DAYS * 86_400_000) : null,
    };
  });
  if (changes.length) {
    await tx.$executeRaw`
      UPDATE "Secret" s SET "triageState" = c.state::"TriageState", "triageReason" = c.reason,
        "acceptedUntil" = c.until::timestamp, "updatedAt" = ${now}::timestamp
      FROM unnest(${changes.map((c) => c.id)}::text[], ${changes.map((c) => c.state)}::text[],
                  ${changes.map((c) => c.reason)}::text[], ${changes.map((c) => c.acceptedUntil?.toISOString() ?? null)}::text[])
        AS c(id, state, reason, until)
      WHERE s.id = c.id`;
    await recordAudit(
      tx,
      actorOf(resolved[0]!.resolution),
      changes.map((c) => ({
        action: "secret.triaged",
        entityType: "Secret",
        entityId: c.id,
        before: { state: "open" },
        after: { state: c.state, reason: c.reason, acceptedUntil: c.acceptedUntil?.toISOString() ?? null, scanId },
      })),
      now,
    );
  }

  const revoked = resolved.filter((r) => r.resolution.resolution === "revoked");
  if (!revoked.length) return;
  const verification = revoked.map((r) => ({
    id: r.secretId,
    v: JSON.stringify({
      kind: "revoked_upstream",
      service: r.resolution.service,
      by: r.resolution.by ?? null,
      at: (r.resolution.at ?? now).toISOString(),
      url: r.resolution.url ?? null,
      scanId,
    }),
  }));
  // Locked in id order, then updated by id (as reconcile does).
  const before = await tx.$queryRaw<{ id: string; before: string }[]>`
    SELECT id, state::text AS before FROM "RemediationStep"
    WHERE kind = 'rotate' AND state IN ('todo', 'in_progress', 'done') AND "secretId" = ANY(${verification.map((v) => v.id)}::text[])
    ORDER BY id FOR UPDATE`;
  if (!before.length) return;
  const was = new Map(before.map((b) => [b.id, b.before]));
  const rows = (
    await tx.$queryRaw<{ id: string; secretId: string; kind: string; evidence: unknown }[]>`
      UPDATE "RemediationStep" st SET state = 'verified', "verifiedAt" = ${now}::timestamp,
        "doneAt" = COALESCE(st."doneAt", ${now}::timestamp), "updatedAt" = ${now}::timestamp,
        evidence = COALESCE(st.evidence, '{}'::jsonb) || jsonb_build_object('verification', e.v::jsonb)
      FROM unnest(${verification.map((v) => v.id)}::text[], ${verification.map((v) => v.v)}::text[]) AS e(secret, v)
      WHERE st."secretId" = e.secret AND st.id = ANY(${[...was.keys()]}::text[])
      RETURNING st.id, st."secretId", st.kind::text, st.evidence`
  ).map((r) => ({ ...r, before: was.get(r.id)! }));
  await recordAudit(tx, actorOf(revoked[0]!.resolution), stepAudit(rows, "step.verified", "verified"), now);
  await refreshRemediated(
    tx,
    rows.map((r) => r.secretId),
    now,
  );
}

const actorOf = (r: UpstreamResolution): SystemActor => ({ kind: "system", label: `system: ${r.service}` });

function reasonOf(r: UpstreamResolution): string {
  const who = r.by ? ` by ${r.by}` : "";
  const when = r.at ? ` on ${r.at.toISOString().slice(0, 10)}` : "";
  const said = r.comment ? `: "${r.comment}"` : "";
  return `Resolved as ${r.resolution.replace(/_/g, " ")} in ${r.service}${who}${when}${said}.`.slice(0, 2000);
}
