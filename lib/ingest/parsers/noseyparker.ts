import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { firstRecord, isObject, jsonLines, parseShape, positiveInt, perDocument } from "./parser";

// Nosey Parker `report --format jsonl` (or json: an array of the same records). `groups` are the captured secret
// parts, base64-encoded; each match's provenance gives the file (blob_path in git history, or path).
const provenance = z.looseObject({
  kind: z.string(),
  path: z.string().max(4096).optional(),
  repo_path: z.string().optional(),
  first_commit: z.looseObject({ blob_path: z.string().max(4096) }).optional(),
});
const match = z.looseObject({
  provenance: z.array(provenance),
  location: z.looseObject({ source_span: z.looseObject({ start: z.looseObject({ line: z.number() }) }) }).optional(),
  groups: z.array(z.string()).optional(),
});
const finding = z.looseObject({
  finding_id: z.string().optional(),
  rule_name: z.string().max(256),
  rule_text_id: z.string().max(256).optional(),
  groups: z.array(z.string()),
  matches: z.array(match),
});

export const noseyparkerParser = perDocument({
  id: "noseyparker",
  label: "Nosey Parker JSON lines",
  sniff: (doc) => {
    const r = firstRecord(doc);
    return isObject(r) && "rule_name" in r && "matches" in r && "groups" in r;
  },
  parse(doc) {
    // `{}` is what an empty run prints (noseyparker_zero_vul.jsonl).
    const records = jsonLines(doc).filter((r) => !(isObject(r) && Object.keys(r).length === 0));
    const findings: NormalizedFinding[] = [];
    for (const f of parseShape(z.array(finding), records, "Nosey Parker")) {
      const raw = f.groups.map((g) => Buffer.from(g, "base64").toString("utf8")).join("\n");
      for (const m of f.matches) {
        const p = m.provenance[0];
        findings.push({
          ruleId: f.rule_text_id ?? f.rule_name,
          detector: f.rule_name,
          severity: "high",
          path: p?.first_commit?.blob_path ?? p?.path ?? "(unknown)",
          line: positiveInt(m.location?.source_span.start.line),
          source: "file",
          raw: raw || undefined,
        });
      }
    }
    return { scanner: "noseyparker", format: "noseyparker-jsonl", findings, skipped: 0 };
  },
});
