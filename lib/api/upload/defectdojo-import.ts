import type { Actor } from "../../access/actor";
import { tryParseImageRef } from "../../images/parse-image-ref";
import { acceptUpload, MAX_WAIT_SECONDS } from "./accept-upload";

// DefectDojo's import API, so that a CI step written for DefectDojo (defectdojo-cli, dd-import, the curl in its
// docs) imports into Residue with a changed URL: POST /api/v2/import-scan/ as multipart with `scan_type`, `file`
// and the usual context fields, answered 201 like DefectDojo once the report is in (within 60 seconds; a longer
// ingest is answered 201 with its status URL to poll).
//
// The context is mapped onto Residue's own upload parameters:
// - `scan_type` names the format when it is one Residue reads under that DefectDojo name; otherwise the report's
//   shape decides, as for any upload;
// - `source_code_management_uri`, else `product_name`, is the source a report without an image is grouped under;
// - `service`, when it is an image reference with a tag or digest (nginx:1.25, ghcr.io/acme/api@sha256:…), is the
//   image. DefectDojo has no image field; an explicit `image` field wins.
export const DEFECTDOJO_SCAN_TYPES: Record<string, string> = {
  "Gitleaks Scan": "gitleaks",
  "Trivy Scan": "trivy",
  "Trivy Operator Scan": "trivy-operator",
  "Detect-secrets Scan": "detect-secrets",
  "Ggshield Scan": "ggshield",
  "Noseyparker Scan": "noseyparker",
  SARIF: "sarif",
  "Generic Findings Import": "defectdojo-generic",
  "GitLab Secret Detection Report": "gitlab-secret-detection",
  "AWS Security Finding Format (ASFF) Scan": "asff",
};

export function defectdojoFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const format = DEFECTDOJO_SCAN_TYPES[fields.scan_type?.trim() ?? ""];
  if (fields.format) out.format = fields.format;
  else if (format) out.format = format;
  const source = fields.source ?? fields.source_code_management_uri ?? fields.product_name;
  if (source?.trim()) out.source = source.trim();
  const service = fields.service?.trim();
  if (fields.image) out.image = fields.image;
  else if (service && /[:@]/.test(service) && tryParseImageRef(service)) out.image = service;
  return out;
}

/** The import, answered with DefectDojo's 201 shape plus Residue's own result. */
export async function importScan(opts: { req: Request; uploader: Actor }) {
  let fields: Record<string, string> = {};
  const answer = await acceptUpload({
    req: opts.req,
    searchParams: { wait: String(MAX_WAIT_SECONDS) },
    uploader: opts.uploader,
    mapFields: (f) => {
      fields = f;
      return defectdojoFields(f);
    },
  });
  const id = answer.status === 202 ? answer.body.id : answer.body.scanId;
  const findings = answer.status === 202 ? answer.body.findings : answer.body.counts.findings;
  return {
    scan_type: fields.scan_type ?? null,
    test: id,
    test_id: id,
    engagement_id: fields.engagement ?? null,
    product_name: fields.product_name ?? null,
    engagement_name: fields.engagement_name ?? null,
    statistics: { after: { total: findings ?? 0 } },
    ...(answer.status === 202 ? { status_url: answer.location } : {}),
    residue: answer.body,
  };
}
