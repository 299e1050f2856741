import { z } from "zod";
import { matchedText } from "../../secrets/credential";
import type { NormalizedFinding } from "../../findings/finding";
import { firstRecord, isObject, jsonValue, parseShape, positiveInt, severityFromWord, perDocument } from "./parser";

// secretlint --format json: [{filePath, sourceContent, messages[{ruleId, range:[start,end], loc, severity}]}].
// sourceContent is the whole file, secrets included: only the matched range is read, then the text is dropped.
const message = z.looseObject({
  ruleId: z.string().max(256),
  messageId: z.string().optional(),
  range: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  loc: z.looseObject({ start: z.looseObject({ line: z.number() }) }).optional(),
  severity: z.string().optional(),
});
const file = z.looseObject({
  filePath: z.string().max(4096),
  sourceContent: z.string().optional(),
  messages: z.array(message),
});

export const secretlintParser = perDocument({
  id: "secretlint",
  label: "secretlint JSON",
  sniff: (doc) => {
    const r = firstRecord(doc);
    return doc.kind === "json" && Array.isArray(doc.value) && isObject(r) && "filePath" in r && "messages" in r;
  },
  parse(doc) {
    const findings: NormalizedFinding[] = [];
    for (const f of parseShape(z.array(file), jsonValue(doc, "secretlint") ?? [], "secretlint")) {
      for (const m of f.messages) {
        const raw = m.range && f.sourceContent ? matchedText(f.sourceContent, m.range[0], m.range[1]) : undefined;
        findings.push({
          ruleId: m.messageId ? `${m.ruleId}/${m.messageId}` : m.ruleId,
          detector: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, ""),
          severity: severityFromWord(m.severity, "high"),
          path: f.filePath,
          line: positiveInt(m.loc?.start.line),
          source: "file",
          raw: raw || undefined,
        });
      }
    }
    return { scanner: "secretlint", format: "secretlint-json", findings, skipped: 0 };
  },
});
