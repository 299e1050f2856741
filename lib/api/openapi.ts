import { z } from "zod";
import { complianceQuerySchema } from "../compliance/schemas";
import { gateQuerySchema, gateResultSchema } from "../gate/evaluate-gate";
import {
  remediationMetricsQuerySchema,
  stepEventSchema,
  stepPatchSchema,
  stepsPageQuerySchema,
} from "../remediation/schemas";
import { commentsPageQuerySchema } from "../secrets/list-comments";
import { timelinePageQuerySchema } from "../secrets/secret-timeline";
import { commentSchema, secretBulkSchema, secretPatchSchema } from "../triage/schemas";
import { tagEventsResultSchema, tagEventsSchema } from "../tags/schemas";
import { DEFECTDOJO_SCAN_TYPES } from "./upload/defectdojo-import";
import { repoParamsSchema, sarifUploadSchema } from "./upload/github-code-scanning";
import { ingestResultSchema, uploadScanQuerySchema } from "../ingest/schemas";
import { listScansQuerySchema } from "../scans/schemas";
import { uploadViewSchema } from "../uploads/schemas";
import { MAX_WAIT_SECONDS } from "./upload/accept-upload";
import { listSecretsQuerySchema } from "../secrets/schemas";
import { APP_VERSION } from "../version";

const errorSchema = z.object({ code: z.string(), message: z.string() });

function queryParameters(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    schema: s,
  }));
}

const ID = { name: "id", in: "path", required: true, schema: { type: "string" } };
const IF_MATCH = {
  name: "If-Match",
  in: "header",
  required: false,
  description: "The ETag read: the write is refused (409) if the entity changed since.",
  schema: { type: "string" },
};

function pathParameters(schema: z.ZodObject) {
  return queryParameters(schema).map((p) => ({ ...p, in: "path", required: true }));
}

const jsonContent = (schema: z.ZodType) => ({
  "application/json": { schema: z.toJSONSchema(schema, { unrepresentable: "any" }) },
});
const errors = (codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c], content: jsonContent(errorSchema) }]));
const ERROR_TEXT: Record<number, string> = {
  400: "Malformed request or report (invalid JSON names the line and column)",
  401: "Missing, invalid, expired or revoked token",
  403: "The token lacks the scope",
  404: "Not found",
  409: "Conflict",
  413: "Report larger than RESIDUE_MAX_UPLOAD_BYTES",
  415: "Unknown or unrecognised report format, or a Content-Encoding other than gzip",
  422: "The report or query violates the schema (the message names the JSON path)",
};

/** OpenAPI 3.1 for /api/v1, generated from the same zod schemas the handlers parse with. */
export function buildOpenApi() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Residue API",
      version: APP_VERSION,
      description: "Ingest scanner reports and read the fleet's leaked secrets. Raw secret values are never returned.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API token (npm run token:create)" } },
    },
    security: [{ bearer: [] }],
    paths: {
      "/api/health": {
        get: {
          summary: "Health: database reachable, migrations current, job workers heard from, version",
          security: [],
          responses: { "200": { description: "Healthy" }, "503": { description: "Degraded (the body says what)" } },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          summary: "This document",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1, generated from the schemas the handlers parse with" } },
        },
      },
      "/api/v1/scans": {
        post: {
          summary: "Upload a scanner report",
          description:
            "Body: the report itself (any content type) or multipart/form-data with a `file` part. gzip accepted (Content-Encoding: gzip or gzip bytes). The report is queued: 202 with `Location` (its status URL), or with `wait` the ingest's own answer. A report already ingested is answered at once (200, duplicate). Scope: scans:write.",
          parameters: [
            ...queryParameters(uploadScanQuerySchema),
            {
              name: "wait",
              in: "query",
              required: false,
              description: `Seconds (0–${MAX_WAIT_SECONDS}) to wait for the ingest: 201 (or its 4xx) if it ends by then, else 202.`,
              schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: {} },
              "application/x-ndjson": { schema: {} },
              "multipart/form-data": {
                schema: {
                  type: "object",
                  properties: {
                    file: { type: "string", format: "binary" },
                    format: { type: "string" },
                    image: { type: "string" },
                    source: { type: "string" },
                  },
                },
              },
            },
          },
          responses: {
            "201": { description: "Ingested (asked to wait)", content: jsonContent(ingestResultSchema) },
            "202": {
              description: "Queued: poll the status URL in `Location`",
              headers: { Location: { schema: { type: "string" }, description: "/api/v1/scans/{id}" } },
              content: jsonContent(uploadViewSchema),
            },
            "200": {
              description: "Duplicate: already ingested, nothing added",
              content: jsonContent(ingestResultSchema),
            },
            ...errors([400, 401, 403, 413, 415, 422]),
          },
        },
        get: {
          summary: "List scans",
          parameters: queryParameters(listScansQuerySchema),
          responses: { "200": { description: "Scans, newest first" }, ...errors([401, 403, 422]) },
        },
      },
      "/api/v1/scans/{id}": {
        get: {
          summary: "An upload's processing status",
          description:
            "processing_status pending → running → complete (with `result`) or failed (with `error`). Scope: scans:write.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "The upload's status", content: jsonContent(uploadViewSchema) },
            ...errors([401, 403, 404, 422]),
          },
        },
      },
      "/api/v1/secrets": {
        get: {
          summary: "List secrets",
          description: "Scope: read.",
          parameters: queryParameters(listSecretsQuerySchema),
          responses: { "200": { description: "A page of secrets" }, ...errors([401, 403, 422]) },
        },
      },
      "/api/v1/secrets/{id}": {
        patch: {
          summary: "Triage a secret and/or assign it",
          description:
            "Scope: triage:write. `state` with the page's rules: false_positive needs `reason`, accepted_risk `reason` and a future `acceptedUntil`. `If-Match` (the ETag of GET) makes a stale write a 409: two triagers cannot silently overwrite each other. The ETag covers triage and assignee, not the counters ingest moves.",
          parameters: [ID, IF_MATCH],
          requestBody: { required: true, content: jsonContent(secretPatchSchema) },
          responses: {
            "200": { description: "The secret as it now is, with its new ETag" },
            ...errors([400, 401, 403, 404, 409, 422]),
          },
        },
        get: {
          summary: "One secret and its blast radius",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description:
                "The secret, counts, the registry → repository → tag → digest → layer → path tree, every scanner that reported it (`scanners`) and how many secrets were merged into it (`mergedFrom`). The id of a secret merged into another answers with the one it joined, and `movedFrom` names the id asked for.",
            },
            ...errors([401, 403, 404]),
          },
        },
      },
      "/api/v1/tags": {
        post: {
          summary: "Record tag pushes and deletions (registry-webhook style)",
          description:
            "Scope: scans:write. Up to 1,000 events: a tag pointed at a digest, or deleted. Purge steps are verified when no tag of the repository still points at a digest that holds the secret.",
          requestBody: { required: true, content: jsonContent(tagEventsSchema) },
          responses: {
            "201": { description: "Recorded", content: jsonContent(tagEventsResultSchema) },
            ...errors([400, 401, 403, 413, 422]),
          },
        },
      },
      "/api/v1/gate": {
        get: {
          summary: "CI / admission gate: pass or fail an image, with the reasons",
          description: "Scope: gate:read. Fails while a secret found in that digest is open or confirmed.",
          parameters: queryParameters(gateQuerySchema),
          responses: {
            "200": { description: "The decision", content: jsonContent(gateResultSchema) },
            ...errors([401, 403, 422]),
          },
        },
      },
      "/api/v1/remediation/metrics": {
        get: {
          summary: "Remediation figures: MTTR, steps overdue, open exposure",
          description: "Scope: read.",
          parameters: queryParameters(remediationMetricsQuerySchema),
          responses: { "200": { description: "The figures" }, ...errors([401, 403, 422]) },
        },
      },
      "/api/v1/repos/{owner}/{repo}/code-scanning/sarifs": {
        post: {
          summary: "Upload SARIF the way GitHub code scanning takes it (drop-in for upload-sarif steps)",
          description:
            "Scope: scans:write; `Authorization: Bearer` or `token`. The body is GitHub's: `sarif` is base64 of the gzip-compressed log. Findings are grouped under github.com/{owner}/{repo}. Always 202 with the upload's id (a SARIF already ingested answers with its scan's id).",
          parameters: pathParameters(repoParamsSchema),
          requestBody: { required: true, content: jsonContent(sarifUploadSchema) },
          responses: {
            "202": {
              description: "Queued",
              content: jsonContent(z.object({ id: z.string(), url: z.string().describe("The status to poll") })),
            },
            ...errors([400, 401, 403, 413, 422]),
          },
        },
      },
      "/api/v1/repos/{owner}/{repo}/code-scanning/sarifs/{id}": {
        get: {
          summary: "A SARIF upload's processing status, as GitHub answers it",
          description:
            "Scope: scans:write. `processing_status` pending | complete | failed; `errors` (sentences) once failed; `analyses_url` lists the secrets the upload found; `residue` is the full upload status.",
          parameters: [
            ...pathParameters(repoParamsSchema),
            { name: "id", in: "path", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "The status" },
            ...errors([401, 403, 404, 422]),
          },
        },
      },
      "/api/v2/import-scan/": {
        post: {
          summary: "Import a report the way DefectDojo takes it (drop-in for defectdojo-cli / dd-import steps)",
          description: `Scope: scans:write; \`Authorization: Token\` or \`Bearer\`. Multipart: \`file\` and DefectDojo's fields. \`scan_type\` names the format for ${Object.keys(
            DEFECTDOJO_SCAN_TYPES,
          )
            .map((k) => `"${k}"`)
            .join(
              ", ",
            )}; any other value leaves it to the report's shape. \`source_code_management_uri\`, else \`product_name\`, groups a report without an image; \`service\` is the image when it is an image reference with a tag or digest. Answers 201 once ingested (up to 60 s; longer with \`status_url\`).`,
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file"],
                  properties: {
                    file: { type: "string", format: "binary" },
                    scan_type: { type: "string" },
                    product_name: { type: "string" },
                    engagement: { type: "string" },
                    engagement_name: { type: "string" },
                    service: { type: "string" },
                    source_code_management_uri: { type: "string" },
                  },
                },
              },
            },
          },
          responses: {
            "201": {
              description:
                "Imported: DefectDojo's fields (`test`, `test_id`, `engagement_id`, `statistics.after.total`) and Residue's result in `residue`",
            },
            ...errors([400, 401, 403, 413, 415, 422]),
          },
        },
      },
      "/api/v1/secrets/bulk": {
        post: {
          summary: "Triage or assign many secrets at once: an id list, or every secret a filter selects",
          description: `Scope: triage:write. At most 10,000 secrets; \`dryRun\` counts what would change. One transaction, one audit event per secret changed.`,
          requestBody: { required: true, content: jsonContent(secretBulkSchema) },
          responses: {
            "200": { description: "`matched`, `changed`, `wouldChange`, `dryRun`" },
            ...errors([400, 401, 403, 404, 422]),
          },
        },
      },
      "/api/v1/secrets/{id}/comments": {
        get: {
          summary: "A secret's comments, newest first",
          description: "Scope: read. Cursor-paged: pass `next_cursor` back as `cursor`.",
          parameters: [ID, ...queryParameters(commentsPageQuerySchema)],
          responses: { "200": { description: "`comments`, `next_cursor`" }, ...errors([400, 401, 403]) },
        },
        post: {
          summary: "Comment on a secret",
          description: "Scope: triage:write.",
          parameters: [ID],
          requestBody: { required: true, content: jsonContent(commentSchema.omit({ secretId: true })) },
          responses: { "201": { description: "The comment" }, ...errors([400, 401, 403, 404, 422]) },
        },
      },
      "/api/v1/secrets/{id}/timeline": {
        get: {
          summary: "What happened to a secret: scans that saw it, triage, assignments, comments, its steps",
          description: "Scope: read. Newest first, cursor-paged.",
          parameters: [ID, ...queryParameters(timelinePageQuerySchema)],
          responses: { "200": { description: "`entries`, `next_cursor`" }, ...errors([400, 401, 403, 404]) },
        },
      },
      "/api/v1/remediation/steps": {
        get: {
          summary: "Remediation steps, with the board's filters",
          description: "Scope: read. In id order, cursor-paged; each step carries its `etag`.",
          parameters: queryParameters(stepsPageQuerySchema),
          responses: { "200": { description: "`steps`, `next_cursor`" }, ...errors([400, 401, 403, 422]) },
        },
      },
      "/api/v1/remediation/steps/{id}": {
        get: {
          summary: "One remediation step",
          description: "Scope: read. The `ETag` header is the step's version.",
          parameters: [ID],
          responses: { "200": { description: "The step" }, ...errors([401, 403, 404]) },
        },
        patch: {
          summary: "Set a step's owner and/or due date",
          description: "Scope: remediation:write. `If-Match` (the ETag read) makes a stale write a 409.",
          parameters: [ID, IF_MATCH],
          requestBody: { required: true, content: jsonContent(stepPatchSchema) },
          responses: { "200": { description: "The step as it now is" }, ...errors([400, 401, 403, 404, 409, 422]) },
        },
      },
      "/api/v1/remediation/steps/{id}/events": {
        post: {
          summary:
            "Move a step: start, complete (a rotation: who, when, how), not applicable, reopen, add evidence, attest",
          description:
            "Scope: remediation:write; `attest` also needs remediation:attest. Evidence (a URL and/or a note) is added to the step and never closes it: only a clean rescan, tag records, a revocation or an attestation verify. An illegal move for the step's state is a 409.",
          parameters: [ID, IF_MATCH],
          requestBody: { required: true, content: jsonContent(stepEventSchema) },
          responses: { "201": { description: "The step as it now is" }, ...errors([400, 401, 403, 404, 409, 422]) },
        },
      },
      "/api/v1/compliance/export": {
        get: {
          summary: "Every finding in scope as of a date, with its control mappings and remediation state",
          description:
            "Scope: read. `format=csv|json`; `asOf`, `registry`, `repository` as on the compliance page. Streamed; no raw secret value.",
          parameters: queryParameters(complianceQuerySchema),
          responses: { "200": { description: "CSV with a header row, or a JSON array" }, ...errors([401, 403]) },
        },
      },
      "/api/v1/compliance/evidence": {
        get: {
          summary: "An auditor's evidence pack (zip)",
          description:
            "Scope: read. For `asOf`, `registry`, `repository`: manifest.json (scope, date, catalogue version, generated when and by whom), summary.json and report.md (figures per control, status rules, sign-off), findings.csv and findings.json (the export), audit-trail.jsonl (every state change of the secrets in scope and their remediation steps up to the date).",
          parameters: queryParameters(complianceQuerySchema),
          responses: { "200": { description: "application/zip" }, ...errors([401, 403]) },
        },
      },
    },
  };
}
