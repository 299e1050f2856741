import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { firstRecord, isObject, jsonValue, parseShape, positiveInt, usableRaw, perDocument } from "./parser";

// gitleaks v8 JSON: a bare array of PascalCase findings (report/json.go); v7: lowerCamel with `offender`.
// Zero findings: `[]` or the literal `null` (shared/fixtures/scanners/gitleaks/no_findings.json).
const v8Finding = z.looseObject({
  RuleID: z.string().max(256),
  Description: z.string().optional(),
  StartLine: z.number().int().nonnegative().optional(),
  Secret: z.string().optional(),
  File: z.string().max(4096),
  Tags: z.array(z.string()).nullish(),
});
const v7Finding = z.looseObject({
  rule: z.string().max(256),
  offender: z.string().optional(),
  lineNumber: z.number().int().nonnegative().optional(),
  file: z.string().max(4096),
  tags: z.string().optional(),
});

const isV8 = (r: unknown) => isObject(r) && "RuleID" in r && "File" in r;
const isV7 = (r: unknown) => isObject(r) && "offender" in r && "rule" in r;

export const gitleaksParser = perDocument({
  id: "gitleaks",
  label: "gitleaks JSON (v7, v8)",
  sniff: (doc) => doc.kind === "json" && Array.isArray(doc.value) && (isV8(firstRecord(doc)) || isV7(firstRecord(doc))),
  parse(doc) {
    const value = jsonValue(doc, "gitleaks") ?? [];
    const v7 = Array.isArray(value) && isV7(value[0]);
    const findings: NormalizedFinding[] = v7
      ? parseShape(z.array(v7Finding), value, "gitleaks v7").map((f) => ({
          ruleId: f.rule,
          detector: f.rule,
          severity: "high",
          path: f.file,
          line: positiveInt(f.lineNumber),
          source: "file",
          raw: usableRaw(f.offender),
          masked: f.offender && !usableRaw(f.offender) ? f.offender : undefined,
        }))
      : parseShape(z.array(v8Finding), value, "gitleaks v8").map((f) => ({
          ruleId: f.RuleID,
          detector: f.RuleID,
          title: f.Description || undefined,
          severity: "high",
          path: f.File,
          line: positiveInt(f.StartLine),
          source: "file",
          raw: usableRaw(f.Secret),
          masked: f.Secret && !usableRaw(f.Secret) ? f.Secret : undefined,
        }));
    return { scanner: "gitleaks", format: v7 ? "gitleaks-json-v7" : "gitleaks-json-v8", findings, skipped: 0 };
  },
});
