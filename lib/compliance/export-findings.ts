import { getDb } from "../db";
import { CATALOGUE_VERSION, controlsFor } from "./catalogue";
import { findingTypes } from "./finding-types";

const BATCH = 1000;

export const EXPORT_COLUMNS = [
  "secret_id", "rule", "detector", "severity", "triage_state", "triage_reason", "redacted_preview", "first_seen", "last_seen",
  "registries", "repositories", "images", "occurrences", "finding_types", "controls", "remediation_state", "steps_verified", "steps_total",
  "rotation_state", "next_due", "remediated_at", "catalogue_version",
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/**
 * Every secret with its mappings and remediation state, in id order, 1,000 at a time (keyset pagination):
 * memory stays flat however large the fleet. Only the redacted preview: never a value.
 */
export async function* exportFindings(): AsyncGenerator<ExportRow[]> {
  let after = "";
  for (;;) {
    const rows = await getDb().$queryRaw<{
      id: string; ruleId: string; detector: string; severity: string; triageState: string; triageReason: string | null; redactedPreview: string;
      firstSeenAt: Date; lastSeenAt: Date; occurrenceCount: number; imageCount: number; remediatedAt: Date | null;
      registries: number; repositories: number; residueCount: number; inFinalFs: boolean; inHistory: boolean; inConfig: boolean; inSharedLayer: boolean;
      verified: number; total: number; rotation: string | null; next_due: Date | null;
    }[]>`
      SELECT s.id, s."ruleId", s.detector, s.severity::text AS severity, s."triageState"::text AS "triageState", s."triageReason", s."redactedPreview",
        s."firstSeenAt", s."lastSeenAt", s."occurrenceCount", s."imageCount", s."remediatedAt",
        (SELECT count(DISTINCT r."registryId")::int FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" WHERE o."secretId" = s.id) AS registries,
        (SELECT count(DISTINCT o."repositoryId")::int FROM "Occurrence" o WHERE o."secretId" = s.id) AS repositories,
        s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer",
        (SELECT count(*)::int FROM "RemediationStep" st WHERE st."secretId" = s.id AND st.state IN ('verified', 'not_applicable')) AS verified,
        (SELECT count(*)::int FROM "RemediationStep" st WHERE st."secretId" = s.id) AS total,
        (SELECT st.state::text FROM "RemediationStep" st WHERE st."secretId" = s.id AND st.kind = 'rotate') AS rotation,
        (SELECT min(st."dueAt") FROM "RemediationStep" st WHERE st."secretId" = s.id AND st.state IN ('todo', 'in_progress', 'done')) AS next_due
      FROM "Secret" s WHERE s.id > ${after} ORDER BY s.id LIMIT ${BATCH}`;
    if (!rows.length) return;
    yield rows.map((r) => {
      const types = findingTypes(r);
      const controls = [...new Set(controlsFor(types).map((m) => m.control.id))];
      return {
        secret_id: r.id, rule: r.ruleId, detector: r.detector, severity: r.severity, triage_state: r.triageState, triage_reason: r.triageReason,
        redacted_preview: r.redactedPreview, first_seen: r.firstSeenAt.toISOString(), last_seen: r.lastSeenAt.toISOString(),
        registries: r.registries, repositories: r.repositories, images: r.imageCount, occurrences: r.occurrenceCount,
        finding_types: types.join(" "), controls: controls.join(" "),
        remediation_state: r.total === 0 ? "no_plan" : r.remediatedAt ? "remediated" : "in_progress",
        steps_verified: r.verified, steps_total: r.total, rotation_state: r.rotation, next_due: r.next_due?.toISOString() ?? null,
        remediated_at: r.remediatedAt?.toISOString() ?? null, catalogue_version: CATALOGUE_VERSION,
      };
    });
    after = rows.at(-1)!.id;
  }
}

/**
 * CSV cell: quoted when needed, and spreadsheet formulas neutralised. A formula character (= + - @, or a tab or
 * CR before one) at the start of the cell, or after a ";" or "," inside it (a spreadsheet whose list separator
 * is ";" splits the cell there), gets a "'" before it, so it is data; a cell with a separator is always quoted.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v).replace(/(^|[;,])(?=\s*[=+\-@])|^(?=[\t\r])/g, "$1'");
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The export as a streamed HTTP body: CSV with a header row, or a JSON array. */
export function exportStream(format: "csv" | "json"): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const batches = exportFindings();
  let first = true;
  return new ReadableStream({
    async start(ctl) {
      ctl.enqueue(enc.encode(format === "csv" ? `${EXPORT_COLUMNS.join(",")}\n` : "["));
    },
    async pull(ctl) {
      const { value, done } = await batches.next();
      if (done) {
        if (format === "json") ctl.enqueue(enc.encode("]\n"));
        ctl.close();
        return;
      }
      const text = format === "csv"
        ? value.map((r) => EXPORT_COLUMNS.map((c) => csvCell(r[c])).join(",")).join("\n") + "\n"
        : value.map((r, i) => `${first && i === 0 ? "" : ","}\n${JSON.stringify(r)}`).join("");
      first = false;
      ctl.enqueue(enc.encode(text));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
