import { getDb } from "../db";
import { Prisma } from "../generated/prisma/client";
import { CATALOGUE_VERSION, controlsFor } from "./catalogue";
import { findingTypes } from "../vocabulary/finding-type";
import { occurrenceInScope, scopeLabel, secretInScope, type Scope } from "./scope";
import { secretStateAt } from "./state-as-of";

const BATCH = 1000;
// An image by its pullable name: registry/repository@digest, or registry/repository when no digest is known.
const IMAGE_NAME = Prisma.sql`g.host || '/' || r.name || CASE WHEN i."digestKind" = 'unresolved' THEN '' ELSE '@' || i.digest END`;
/** Names listed per secret and column; the count beside them is always complete. */
const MAX_NAMES = 100;

export const EXPORT_COLUMNS = [
  "secret_id",
  "rule",
  "detector",
  "severity",
  "triage_state",
  "triage_reason",
  "redacted_preview",
  "first_seen",
  "last_seen",
  "registries",
  "registry_names",
  "repositories",
  "repository_names",
  "images",
  "image_names",
  "tags",
  "tag_names",
  "occurrences",
  "finding_types",
  "controls",
  "remediation_state",
  "steps_verified",
  "steps_total",
  "rotation_state",
  "next_due",
  "remediated_at",
  "as_of",
  "scope",
  "catalogue_version",
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;
export type ExportQuery = { asOf: Date; scope: Scope };

/**
 * Every secret in scope as of the date (lib/compliance/scope.ts, the definition the compliance figures use), with
 * its mappings and its remediation state then, in id order, 1,000 at a time (keyset pagination): memory stays flat
 * however large the fleet. Registries, repositories, images, tags and occurrences count only what is in scope, and
 * each is named (up to 100 per cell, then how many more). Only the redacted preview: never a value.
 */
export async function* exportFindings({ asOf, scope }: ExportQuery): AsyncGenerator<ExportRow[]> {
  const at = asOf.toISOString();
  let after = "";
  for (;;) {
    const rows = await getDb().$queryRaw<
      {
        id: string;
        ruleId: string;
        detector: string;
        severity: string;
        triageState: string;
        triageReason: string | null;
        redactedPreview: string;
        firstSeenAt: Date;
        lastSeenAt: Date;
        remediatedAt: Date | null;
        residueCount: number;
        inFinalFs: boolean;
        inHistory: boolean;
        inConfig: boolean;
        inSharedLayer: boolean;
        occurrences: number;
        images: number;
        repositories: number;
        registries: number;
        registryNames: string[];
        repositoryNames: string[];
        imageNames: string[];
        tags: number;
        tagNames: string[];
        verified: number;
        total: number;
        rotation: string | null;
        next_due: Date | null;
      }[]
    >`
      SELECT s.id, s."ruleId", s.detector, s.severity::text AS severity, ${secretStateAt(asOf)} AS "triageState", s."triageReason", s."redactedPreview",
        s."firstSeenAt", s."lastSeenAt", CASE WHEN s."remediatedAt" <= ${at}::timestamp THEN s."remediatedAt" END AS "remediatedAt",
        s."residueCount", s."inFinalFs", s."inHistory", s."inConfig", s."inSharedLayer",
        c.occurrences, c.images, c.repositories, c.registries, c."registryNames", c."repositoryNames", c."imageNames",
        tg.tags, tg."tagNames",
        st.verified, st.total, st.rotation, st.next_due
      FROM "Secret" s
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS occurrences, count(DISTINCT o."imageId")::int AS images, count(DISTINCT o."repositoryId")::int AS repositories,
               count(DISTINCT r."registryId")::int AS registries,
               COALESCE((array_agg(DISTINCT g.host ORDER BY g.host))[1:${MAX_NAMES}], '{}') AS "registryNames",
               COALESCE((array_agg(DISTINCT g.host || '/' || r.name ORDER BY g.host || '/' || r.name))[1:${MAX_NAMES}], '{}') AS "repositoryNames",
               COALESCE((array_agg(DISTINCT ${IMAGE_NAME} ORDER BY ${IMAGE_NAME}))[1:${MAX_NAMES}], '{}') AS "imageNames"
        FROM "Occurrence" o JOIN "Image" i ON i.id = o."imageId" JOIN "Repository" r ON r.id = o."repositoryId"
        JOIN "Registry" g ON g.id = r."registryId"
        WHERE o."secretId" = s.id AND ${occurrenceInScope("o", scope, asOf)}
      ) c
      CROSS JOIN LATERAL (
        -- Tags recorded pointing at one of those images by the date (scans and tag events), wherever they point now.
        SELECT count(DISTINCT t.id)::int AS tags,
               COALESCE((array_agg(DISTINCT tg.host || '/' || tr.name || ':' || t.name ORDER BY tg.host || '/' || tr.name || ':' || t.name))[1:${MAX_NAMES}], '{}') AS "tagNames"
        FROM "TagEvent" te JOIN "Tag" t ON t.id = te."tagId" JOIN "Repository" tr ON tr.id = t."repositoryId"
        JOIN "Registry" tg ON tg.id = tr."registryId"
        WHERE te.action = 'pointed' AND te.at <= ${at}::timestamp AND te."imageId" IN (
          SELECT o."imageId" FROM "Occurrence" o WHERE o."secretId" = s.id AND ${occurrenceInScope("o", scope, asOf)})
      ) tg
      CROSS JOIN LATERAL (
        -- The plan as it stood at the date: steps created by then, each in the state its timestamps give it then.
        SELECT (count(*) FILTER (WHERE x.state_then IN ('verified', 'not_applicable')))::int AS verified, count(*)::int AS total,
               max(x.state_then) FILTER (WHERE x.kind = 'rotate') AS rotation,
               min(x."dueAt") FILTER (WHERE x.state_then NOT IN ('verified', 'not_applicable')) AS next_due
        FROM (
          SELECT st.kind, st."dueAt", CASE
            WHEN st.state = 'verified' AND st."verifiedAt" <= ${at}::timestamp THEN 'verified'
            WHEN st.state = 'not_applicable' AND st."updatedAt" <= ${at}::timestamp THEN 'not_applicable'
            WHEN st.state IN ('done', 'verified') AND st."doneAt" <= ${at}::timestamp THEN 'done'
            WHEN st."startedAt" <= ${at}::timestamp THEN 'in_progress'
            ELSE 'todo' END AS state_then
          FROM "RemediationStep" st WHERE st."secretId" = s.id AND st."createdAt" <= ${at}::timestamp
        ) x
      ) st
      WHERE ${secretInScope("s", scope, asOf)} AND s.id > ${after}
      ORDER BY s.id LIMIT ${BATCH}`;
    if (!rows.length) return;
    yield rows.map((r) => {
      const types = findingTypes(r);
      const controls = [...new Set(controlsFor(types).map((m) => m.control.id))];
      return {
        secret_id: r.id,
        rule: r.ruleId,
        detector: r.detector,
        severity: r.severity,
        triage_state: r.triageState,
        triage_reason: r.triageReason,
        redacted_preview: r.redactedPreview,
        first_seen: r.firstSeenAt.toISOString(),
        last_seen: r.lastSeenAt.toISOString(),
        registries: r.registries,
        registry_names: names(r.registryNames, r.registries),
        repositories: r.repositories,
        repository_names: names(r.repositoryNames, r.repositories),
        images: r.images,
        image_names: names(r.imageNames, r.images),
        tags: r.tags,
        tag_names: names(r.tagNames, r.tags),
        occurrences: r.occurrences,
        finding_types: types.join(" "),
        controls: controls.join(" "),
        remediation_state: r.total === 0 ? "no_plan" : r.remediatedAt ? "remediated" : "in_progress",
        steps_verified: r.verified,
        steps_total: r.total,
        rotation_state: r.rotation,
        next_due: r.next_due?.toISOString() ?? null,
        remediated_at: r.remediatedAt?.toISOString() ?? null,
        as_of: at,
        scope: scopeLabel(scope),
        catalogue_version: CATALOGUE_VERSION,
      };
    });
    after = rows.at(-1)!.id;
  }
}

const names = (list: string[], count: number) =>
  list.join(" ") + (count > list.length ? ` (+${count - list.length} more)` : "");

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

/** How the export is written: one interface, one writer per download format. */
export interface ExportWriter {
  contentType: string;
  extension: string;
  /** Text before the first row, around each batch of rows (`first`: the batch is the first), after the last. */
  begin(): string;
  rows(rows: ExportRow[], first: boolean): string;
  end(): string;
}

export const EXPORT_WRITERS = {
  csv: {
    contentType: "text/csv; charset=utf-8",
    extension: "csv",
    begin: () => `${EXPORT_COLUMNS.join(",")}\n`,
    rows: (rows) => rows.map((r) => EXPORT_COLUMNS.map((c) => csvCell(r[c])).join(",")).join("\n") + "\n",
    end: () => "",
  },
  json: {
    contentType: "application/json; charset=utf-8",
    extension: "json",
    begin: () => "[",
    rows: (rows, first) => rows.map((r, i) => `${first && i === 0 ? "" : ","}\n${JSON.stringify(r)}`).join(""),
    end: () => "]\n",
  },
} satisfies Record<string, ExportWriter>;
export type ExportFormat = keyof typeof EXPORT_WRITERS;

/** The export as a streamed HTTP body, in the writer's format. */
export function exportStream(writer: ExportWriter, query: ExportQuery): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const batches = exportFindings(query);
  let first = true;
  return new ReadableStream({
    async start(ctl) {
      ctl.enqueue(enc.encode(writer.begin()));
    },
    async pull(ctl) {
      const { value, done } = await batches.next();
      if (done) {
        ctl.enqueue(enc.encode(writer.end()));
        ctl.close();
        return;
      }
      ctl.enqueue(enc.encode(writer.rows(value, first)));
      first = false;
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
