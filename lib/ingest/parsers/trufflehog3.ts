import { z } from "zod";
import {
  firstRecord,
  isObject,
  jsonValue,
  parseShape,
  positiveInt,
  severityFromWord,
  usableRaw,
  perDocument,
} from "./parser";

// trufflehog3 (feeltheajf/trufflehog3) JSON: an array of {rule:{id,message,severity}, path, line (a string), secret}.
const finding = z.looseObject({
  rule: z.looseObject({ id: z.string().max(256), message: z.string().optional(), severity: z.string().optional() }),
  path: z.string().max(4096),
  line: z.union([z.string(), z.number()]).optional(),
  secret: z.string().optional(),
});

export const trufflehog3Parser = perDocument({
  id: "trufflehog3",
  label: "trufflehog3 JSON",
  sniff: (doc) => {
    const r = firstRecord(doc);
    return (
      doc.kind === "json" && Array.isArray(doc.value) && isObject(r) && isObject(r.rule) && "path" in r && "secret" in r
    );
  },
  parse(doc) {
    const findings = parseShape(z.array(finding), jsonValue(doc, "trufflehog3") ?? [], "trufflehog3").map((f) => ({
      ruleId: f.rule.id,
      detector: f.rule.message ?? f.rule.id,
      severity: severityFromWord(f.rule.severity, "high"),
      path: f.path,
      line: positiveInt(f.line),
      source: "file" as const,
      raw: usableRaw(f.secret),
    }));
    return { scanner: "trufflehog3", format: "trufflehog3-json", findings, skipped: 0 };
  },
});
