import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { isObject, jsonValue, parseShape, positiveInt, perDocument } from "./parser";

// ggshield `secret scan … --json` (shared/fixtures/schemas/ggshield-secret.schema.json). `ignore_sha` is the
// SHA-256 of "<match>,<match type>" for each match of the incident in type order (get_ignore_sha in
// ggshield/core/filter.py): the same for the secret in any file, commit or image, but not a hash of the value that
// another scanner could compute. Matches are masked unless the scan ran with --show-secrets. Docker scans name
// files "<diffID>:/<path>" (ggshield/verticals/secret/docker.py @eaa3e43).
const occurrence = z.looseObject({
  match: z.string().optional(),
  type: z.string().max(128).optional(),
  line_start: z.number().nullish(),
});
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
  scans: z
    .array(z.looseObject({ id: z.string().optional(), entities_with_incidents: z.array(entity).optional() }))
    .optional(),
  secrets_engine_version: z.string().optional(),
});

// ggshield censors a match by replacing its middle with "*" (censor_match); a match without one was shown in full.
const MASKED = /\*/;
const DOCKER_FILE = /^(sha256:[0-9a-f]{64}):(\/.*)$/;

export const ggshieldParser = perDocument({
  id: "ggshield",
  label: "ggshield JSON",
  sniff: (doc) =>
    doc.kind === "json" &&
    isObject(doc.value) &&
    "total_incidents" in doc.value &&
    ("entities_with_incidents" in doc.value || "scans" in doc.value || "type" in doc.value),
  parse(doc) {
    const r = parseShape(report, jsonValue(doc, "ggshield"), "ggshield");
    const entities = [
      ...(r.entities_with_incidents ?? []),
      ...(r.scans ?? []).flatMap((s) => s.entities_with_incidents ?? []),
    ];
    const findings: NormalizedFinding[] = [];
    for (const e of entities) {
      const docker = DOCKER_FILE.exec(e.filename);
      for (const i of e.incidents) {
        // One finding per match and line: an incident groups every match of the secret in that file (an AWS key
        // id and its secret are two matches of one incident).
        const seen = new Set<string>();
        for (const o of i.occurrences?.length ? i.occurrences : [{}]) {
          const { match, type, line_start } = o as z.infer<typeof occurrence>;
          const line = positiveInt(line_start);
          if (seen.has(`${line}\0${type}`)) continue;
          seen.add(`${line}\0${type}`);
          const shown = match && match.length >= 8 && !MASKED.test(match) ? match : undefined;
          findings.push({
            ruleId: i.type,
            detector: i.type,
            severity: i.validity === "valid" ? "critical" : "high",
            path: docker ? docker[2]! : e.filename,
            line,
            source: "file",
            raw: shown,
            partHint: type,
            scannerHash: i.ignore_sha.toLowerCase(),
            masked: shown ? undefined : match,
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
});
