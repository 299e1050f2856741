import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { isObject, jsonValue, parseShape, positiveInt, perDocument, dateOf } from "./parser";

// detect-secrets baseline: {version, plugins_used, results: {"<path>": [{type, hashed_secret, line_number, is_verified}]}}.
// hashed_secret is the unkeyed SHA-1 of the value: we key it again before it is stored.
const result = z.looseObject({
  type: z.string().max(256),
  filename: z.string().max(4096).optional(),
  hashed_secret: z.string().regex(/^[0-9a-f]{40}$/i, "expected a 40-character SHA-1 hex string"),
  line_number: z.number().int().optional(),
  is_verified: z.boolean().optional(),
  is_secret: z.boolean().optional(),
});
const baseline = z.looseObject({
  version: z.string().optional(),
  generated_at: z.string().optional(),
  results: z.record(z.string().max(4096), z.array(result)),
});

export const detectSecretsParser = perDocument({
  id: "detect-secrets",
  label: "detect-secrets baseline",
  sniff: (doc) =>
    doc.kind === "json" && isObject(doc.value) && isObject(doc.value.results) && "plugins_used" in doc.value,
  parse(doc) {
    const report = parseShape(baseline, jsonValue(doc, "detect-secrets"), "detect-secrets");
    const findings: NormalizedFinding[] = [];
    let skipped = 0;
    for (const [path, results] of Object.entries(report.results)) {
      for (const r of results) {
        // An audited baseline marks false positives with is_secret: false.
        if (r.is_secret === false) {
          skipped++;
          continue;
        }
        findings.push({
          ruleId: r.type,
          detector: r.type,
          severity: r.is_verified ? "critical" : "high",
          path: r.filename ?? path,
          line: positiveInt(r.line_number),
          source: "file",
          valueHashes: [{ algorithm: "sha1", hex: r.hashed_secret.toLowerCase() }],
          verified: r.is_verified || undefined,
        });
      }
    }
    return {
      scanner: "detect-secrets",
      format: "detect-secrets-baseline",
      scannerVersion: report.version,
      scannedAt: dateOf(report.generated_at),
      findings,
      skipped,
    };
  },
});
