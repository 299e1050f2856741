import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { isObject, jsonValue, parseShape, positiveInt, severityFromWord, perDocument } from "./parser";

// DefectDojo's "Generic Findings Import" JSON ({"findings": [{title, severity, description, cwe, file_path, line,
// tags, vuln_id_from_tool, unique_id_from_tool, active, verified, false_p, …}]}), the format any tool can write to
// feed DefectDojo. It is about vulnerabilities in general, so a finding is taken as a leaked secret only when it
// says so: a credential CWE (hard-coded credentials, passwords and keys, plaintext or unprotected storage of them,
// sensitive information in source) or a tag "secret", "secrets", "credential", "credentials" or "hardcoded-secret".
// The rest, and findings marked inactive, mitigated, false positive or out of scope, are counted as skipped.
// The format carries no value, so a finding's identity is its place.
const SECRET_CWES = new Set([256, 257, 259, 260, 312, 313, 321, 522, 540, 798]);
const SECRET_TAGS = new Set(["secret", "secrets", "credential", "credentials", "hardcoded-secret", "leaked-secret"]);

const finding = z.looseObject({
  title: z.string().max(1024),
  severity: z.string().max(32),
  cwe: z.union([z.number(), z.string()]).nullish(),
  tags: z.union([z.array(z.string()), z.string()]).nullish(),
  file_path: z.string().max(4096).nullish(),
  line: z.union([z.number(), z.string()]).nullish(),
  vuln_id_from_tool: z.string().max(256).nullish(),
  component_name: z.string().max(512).nullish(),
  active: z.boolean().nullish(),
  is_mitigated: z.boolean().nullish(),
  false_p: z.boolean().nullish(),
  out_of_scope: z.boolean().nullish(),
});
const report = z.looseObject({
  findings: z.array(finding),
  type: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
});

const tagsOf = (t: string[] | string | null | undefined) =>
  (Array.isArray(t) ? t : (t ?? "").split(",")).map((x) => x.trim().toLowerCase()).filter(Boolean);

export const defectdojoGenericParser = perDocument({
  id: "defectdojo-generic",
  label: "DefectDojo Generic Findings Import JSON",
  sniff: (doc) => {
    if (doc.kind !== "json" || !isObject(doc.value) || !Array.isArray(doc.value.findings)) return false;
    const first = doc.value.findings[0];
    return isObject(first) && "title" in first && "severity" in first && !("vulnerabilities" in doc.value);
  },
  parse(doc) {
    const r = parseShape(report, jsonValue(doc, "DefectDojo generic"), "DefectDojo generic");
    const findings: NormalizedFinding[] = [];
    let skipped = 0;
    for (const f of r.findings) {
      const closed = f.active === false || f.is_mitigated === true || f.false_p === true || f.out_of_scope === true;
      const secret = SECRET_CWES.has(Number(f.cwe)) || tagsOf(f.tags).some((t) => SECRET_TAGS.has(t));
      if (closed || !secret) {
        skipped++;
        continue;
      }
      const rule = f.vuln_id_from_tool || f.title;
      findings.push({
        ruleId: rule.slice(0, 256),
        detector: f.title.slice(0, 256),
        title: f.title,
        severity: severityFromWord(f.severity, "medium"),
        path: f.file_path || f.component_name || "(unknown)",
        line: positiveInt(f.line),
        source: "file",
      });
    }
    return {
      scanner: "defectdojo-generic",
      format: "defectdojo-generic-json",
      toolName: r.type ?? r.name,
      findings,
      skipped,
    };
  },
});
