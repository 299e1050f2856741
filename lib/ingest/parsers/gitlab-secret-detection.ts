import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import {
  isObject,
  jsonValue,
  parseShape,
  positiveInt,
  severityFromWord,
  usableRaw,
  perDocument,
  dateOf,
} from "./parser";

// GitLab security reports (gl-secret-detection-report.json and its siblings), schema 14.x and 15.x: a
// `vulnerabilities[]` list with `identifiers`, `location.{file,start_line,commit}` and `severity`. Secret detection
// puts the matched value in `raw_source_code_extract`, and its SHA-256 between the file and the rule in `cve`
// (14.x; "README.md:<sha256 of the value>:AWS"), so the value's hash survives when the extract is left out. Reports
// of other GitLab analyzers (SAST, dependency scanning) parse, and their vulnerabilities count as skipped.
const vulnerability = z.looseObject({
  id: z.string().max(256).optional(),
  category: z.string().optional(),
  name: z.string().max(1024).optional(),
  message: z.string().optional(),
  description: z.string().optional(),
  cve: z.string().max(8192).optional(),
  severity: z.string().optional(),
  raw_source_code_extract: z.string().optional(),
  location: z
    .looseObject({
      file: z.string().max(4096).optional(),
      start_line: z.number().nullish(),
      commit: z.looseObject({ sha: z.string().optional() }).nullish(),
    })
    .optional(),
  identifiers: z
    .array(z.looseObject({ type: z.string(), name: z.string().optional(), value: z.string().max(256) }))
    .optional(),
});
const report = z.looseObject({
  version: z.string().optional(),
  vulnerabilities: z.array(vulnerability),
  scan: z
    .looseObject({
      type: z.string().optional(),
      end_time: z.string().optional(),
      scanner: z
        .looseObject({ id: z.string().optional(), name: z.string().optional(), version: z.string().optional() })
        .optional(),
      analyzer: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
    })
    .optional(),
});

const VALUE_SHA256 = /:([0-9a-f]{64}):/;

export const gitlabSecretDetectionParser = perDocument({
  id: "gitlab-secret-detection",
  label: "GitLab secret detection report",
  sniff: (doc) =>
    doc.kind === "json" &&
    isObject(doc.value) &&
    Array.isArray(doc.value.vulnerabilities) &&
    isObject(doc.value.scan) &&
    typeof doc.value.scan.type === "string",
  parse(doc) {
    const r = parseShape(report, jsonValue(doc, "GitLab"), "GitLab security");
    const secretScan = r.scan?.type === "secret_detection";
    const findings: NormalizedFinding[] = [];
    let skipped = 0;
    for (const v of r.vulnerabilities) {
      if (!(v.category === "secret_detection" || (secretScan && v.category === undefined))) {
        skipped++;
        continue;
      }
      const rule =
        v.identifiers?.find((i) => i.type.endsWith("_rule_id"))?.value ??
        v.identifiers?.[0]?.value ??
        v.name ??
        "secret";
      const hash = v.cve ? VALUE_SHA256.exec(v.cve)?.[1] : undefined;
      findings.push({
        ruleId: rule,
        detector: v.name ?? rule,
        title: v.description && v.description !== v.name ? v.description : undefined,
        severity: severityFromWord(v.severity, "high"),
        path: v.location?.file ?? "(unknown)",
        line: positiveInt(v.location?.start_line),
        source: "file",
        raw: usableRaw(v.raw_source_code_extract),
        valueHashes: hash ? [{ algorithm: "sha256", hex: hash }] : undefined,
      });
    }
    const tool = r.scan?.scanner ?? r.scan?.analyzer;
    // GitLab writes UTC without a zone ("2021-06-02T09:25:50").
    const endTime = r.scan?.end_time;
    return {
      scanner: "gitlab-secret-detection",
      format: `gitlab-${r.scan?.type ?? "security"}-${r.version ?? "unknown"}`,
      toolName: tool?.name,
      scannerVersion: tool?.version,
      scannedAt: dateOf(endTime && endTime.replace(/Z?$/, "Z")),
      findings,
      skipped,
    };
  },
});
