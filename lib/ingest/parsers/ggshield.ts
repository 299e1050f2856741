import { z } from "zod";
import type { NormalizedFinding } from "../finding";
import { isObject, jsonValue, parseShape, positiveInt, type ReportParser } from "./parser";

// ggshield `secret scan … --json` (shared/fixtures/schemas/ggshield-secret.schema.json). `ignore_sha` is the
// SHA-256 of the secret: the same value in any file, commit or image. Docker scans name files "<diffID>:/<path>"
// (ggshield/verticals/secret/docker.py @eaa3e43).
const occurrence = z.looseObject({ match: z.string().optional(), line_start: z.number().nullish() });
const incident = z.looseObject({
  type: z.string().max(256),
  policy: z.string().optional(),
  validity: z.string().optional(),
  ignore_sha: z.string().regex(/^[0-9a-f]{64}$/i, "expected a 64-character SHA-256 hex string"),
  occurrences: z.array(occurrence).optional(),
});
const entity = z.looseObject({ filename: z.string().max(4096), incidents: z.array(incident) });
const report = z.looseObject({
  id: z.string().optional(),
  type: z.string(),
  entities_with_incidents: z.array(entity).optional(),
  scans: z.array(z.looseObject({ id: z.string().optional(), entities_with_incidents: z.array(entity).optional() })).optional(),
  secrets_engine_version: z.string().optional(),
});

const DOCKER_FILE = /^(sha256:[0-9a-f]{64}):(\/.*)$/;

export const ggshieldParser: ReportParser = {
  id: "ggshield",
  label: "ggshield JSON",
  sniff: (doc) =>
    doc.kind === "json" && isObject(doc.value) && "total_incidents" in doc.value && ("entities_with_incidents" in doc.value || "scans" in doc.value || "type" in doc.value),
  parse(doc) {
    const r = parseShape(report, jsonValue(doc, "ggshield"), "ggshield");
    const entities = [...(r.entities_with_incidents ?? []), ...(r.scans ?? []).flatMap((s) => s.entities_with_incidents ?? [])];
    const findings: NormalizedFinding[] = [];
    for (const e of entities) {
      const docker = DOCKER_FILE.exec(e.filename);
      for (const i of e.incidents) {
        const lines = (i.occurrences?.length ? i.occurrences : [{}]).map((o) => positiveInt((o as { line_start?: number | null }).line_start));
        // One finding per distinct line: an incident groups every occurrence of the secret in that file.
        for (const line of new Set(lines)) {
          findings.push({
            ruleId: i.type,
            detector: i.type,
            severity: i.validity === "valid" ? "critical" : "high",
            path: docker ? docker[2]! : e.filename,
            line,
            source: "file",
            valueHash: { algorithm: "sha256", hex: i.ignore_sha.toLowerCase() },
            masked: i.occurrences?.[0]?.match,
            verified: i.validity === "valid" ? true : i.validity === "invalid" ? false : undefined,
            layer: docker ? { diffId: docker[1] } : undefined,
          });
        }
      }
    }
    return {
      scanner: "ggshield",
      format: `ggshield-json-${r.type}`,
      scannerVersion: r.secrets_engine_version,
      target: r.type === "scan_docker_archive" ? r.id : undefined,
      findings,
      skipped: 0,
    };
  },
};
