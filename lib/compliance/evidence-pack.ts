import { strToU8, Zip, ZipDeflate } from "fflate";
import { getDb } from "../db";
import { Prisma } from "../generated/prisma/client";
import { CATALOGUE_VERSION } from "./catalogue";
import { getComplianceSummary, type ComplianceSummary } from "./compliance-summary";
import { STATUS_LABEL, STATUS_RULES } from "./control-status";
import { CONTROL_FIGURES, FIGURES } from "./figure-definitions";
import { EXPORT_WRITERS, exportFindings, type ExportWriter } from "./export-findings";
import { secretInScope, scopeLabel, type Scope } from "./scope";
import { STATE_CHANGE_ACTIONS } from "./state-as-of";

export type EvidenceQuery = { asOf: Date; scope: Scope; generatedBy: string; now?: Date };

const AUDIT_PAGE = 1000;

/**
 * An auditor's evidence pack, one zip streamed as it is written: the figures per control (summary.json and the
 * readable report.md, with the status rules and a sign-off block), every finding in scope (findings.csv,
 * findings.json: the export, same scope and date), and the audit-trail entries behind every state change of those
 * secrets and their remediation steps up to the date (audit-trail.jsonl), with a manifest naming the scope, the
 * date, the catalogue version, when and by whom it was generated. Everything comes from the same definitions as the
 * page and the export; no raw secret value is in any of it (Residue stores none).
 */
export async function* evidencePack(q: EvidenceQuery): AsyncGenerator<Uint8Array> {
  const generatedAt = (q.now ?? new Date()).toISOString();
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else out.push(chunk);
  });
  function* drain() {
    while (out.length) yield out.shift()!;
    if (failure) throw failure;
  }
  async function* file(name: string, parts: AsyncIterable<string> | Iterable<string>) {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    for await (const part of parts) {
      f.push(strToU8(part));
      yield* drain();
    }
    f.push(new Uint8Array(0), true);
    yield* drain();
  }

  const summary = await getComplianceSummary(q.asOf, q.scope, { fresh: true });
  const scope = scopeLabel(q.scope);
  const files = ["manifest.json", "summary.json", "report.md", "findings.csv", "findings.json", "audit-trail.jsonl"];
  const manifest = {
    product: "Residue",
    catalogueVersion: CATALOGUE_VERSION,
    asOf: q.asOf.toISOString(),
    scope: { label: scope, registry: q.scope.registry ?? null, repository: q.scope.repository ?? null },
    generatedAt,
    generatedBy: q.generatedBy,
    files,
  };
  yield* file("manifest.json", [JSON.stringify(manifest, null, 2)]);
  yield* file("summary.json", [JSON.stringify(summaryJson(summary), null, 2)]);
  yield* file("report.md", [reportMarkdown(summary, manifest)]);
  yield* file("findings.csv", exportText(EXPORT_WRITERS.csv, q));
  yield* file("findings.json", exportText(EXPORT_WRITERS.json, q));
  yield* file("audit-trail.jsonl", auditTrail(q));
  zip.end();
  yield* drain();
}

async function* exportText(writer: ExportWriter, q: EvidenceQuery): AsyncGenerator<string> {
  yield writer.begin();
  let first = true;
  for await (const rows of exportFindings({ asOf: q.asOf, scope: q.scope })) {
    yield writer.rows(rows, first);
    first = false;
  }
  yield writer.end();
}

/**
 * The audit events behind the state of every secret in scope and of its remediation steps, up to the date, oldest
 * first, a page at a time (keyset on time and id).
 */
async function* auditTrail(q: EvidenceQuery): AsyncGenerator<string> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const page: {
      id: string;
      at: Date;
      actorLabel: string;
      action: string;
      entityType: string;
      entityId: string;
      before: unknown;
      after: unknown;
    }[] = await getDb().$queryRaw`
        WITH scoped AS (SELECT s.id FROM "Secret" s WHERE ${secretInScope("s", q.scope, q.asOf)})
        SELECT a.id, a.at, a."actorLabel", a.action, a."entityType", a."entityId", a.before, a.after
        FROM "AuditEvent" a
        WHERE a.at <= ${q.asOf}::timestamp
          ${after ? Prisma.sql`AND (a.at, a.id) > (${after.at}::timestamp, ${after.id})` : Prisma.empty}
          AND ((a."entityType" = 'Secret' AND (a.action IN ${STATE_CHANGE_ACTIONS} OR a.action LIKE 'secret.%')
                AND a."entityId" IN (SELECT id FROM scoped))
            OR (a."entityType" = 'RemediationStep' AND a."entityId" IN (
                  SELECT st.id FROM "RemediationStep" st WHERE st."secretId" IN (SELECT id FROM scoped))))
        ORDER BY a.at, a.id LIMIT ${AUDIT_PAGE}`;
    if (!page.length) return;
    yield page.map((e) => JSON.stringify({ ...e, at: e.at.toISOString() }) + "\n").join("");
    const last = page.at(-1)!;
    after = { at: last.at, id: last.id };
    if (page.length < AUDIT_PAGE) return;
  }
}

function summaryJson(summary: ComplianceSummary) {
  return {
    rules: STATUS_RULES,
    figureDefinitions: Object.fromEntries(Object.entries(FIGURES).map(([k, f]) => [k, f.definition])),
    controls: summary.map((c) => ({
      id: c.control.id,
      framework: c.control.framework,
      version: c.control.version,
      title: c.control.title,
      status: c.status,
      reasons: c.reasons,
      figures: c.figures,
      rotationCoverage: c.rotationCoverage,
      mappings: c.control.mappings,
    })),
  };
}

function reportMarkdown(
  summary: ComplianceSummary,
  m: { asOf: string; scope: { label: string }; catalogueVersion: string; generatedAt: string; generatedBy: string },
): string {
  const cell = (v: unknown) => String(v ?? "—").replace(/\|/g, "\\|");
  const lines = [
    "# Residue compliance evidence",
    "",
    `- Scope: ${m.scope.label}`,
    `- As of: ${m.asOf}`,
    `- Control catalogue: ${m.catalogueVersion}`,
    `- Generated: ${m.generatedAt} by ${m.generatedBy}`,
    "",
    "## Controls",
    "",
    `| control | status | ${CONTROL_FIGURES.map((f) => FIGURES[f].label.toLowerCase()).join(" | ")} |`,
    `|---|---|${CONTROL_FIGURES.map(() => "---:").join("|")}|`,
    ...summary.map((c) => {
      const f = c.figures;
      const value = (name: (typeof CONTROL_FIGURES)[number]) =>
        name === "rotatedSecrets"
          ? c.rotationCoverage === null
            ? "—"
            : `${Math.round(c.rotationCoverage * 100)} % (${f.rotatedSecrets}/${f.confirmedSecrets})`
          : name === "mttrHours"
            ? f.mttrHours === null
              ? "—"
              : `${f.mttrHours.toFixed(1)} h`
            : cell(f[name]);
      return `| ${cell(c.control.title)} | ${STATUS_LABEL[c.status]} | ${CONTROL_FIGURES.map(value).join(" | ")} |`;
    }),
    "",
    ...summary.flatMap((c) => [
      `### ${c.control.id} — ${c.control.title}`,
      "",
      `${STATUS_LABEL[c.status]}${c.reasons.length ? `: ${c.reasons.join("; ")}` : ""}`,
      "",
      ...Object.entries(c.control.mappings).map(([type, why]) => `- ${type}: ${why}`),
      "",
    ]),
    "## How a status is decided (first rule that applies)",
    "",
    ...STATUS_RULES.map((r) => `- **${STATUS_LABEL[r.status]}**: ${r.rule}`),
    "",
    "## What each figure counts",
    "",
    ...Object.values(FIGURES).map((f) => `- **${f.label}**: ${f.definition}`),
    "",
    "Every finding in scope is in findings.csv / findings.json; every state change behind them in audit-trail.jsonl.",
    "",
    "## Sign-off",
    "",
    "Reviewed by: ______________________   Role: ______________________   Date: ____________",
    "",
    "Signature: ______________________",
    "",
  ];
  return lines.join("\n");
}
