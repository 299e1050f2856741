import { z } from "zod";
import { complianceQuerySchema } from "../compliance/schemas";
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
