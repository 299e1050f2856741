import { z } from "zod";
import type { NormalizedFinding } from "../../findings/finding";
import { firstRecord, isObject, jsonLines, parseShape, severityFromLiveness, perDocument } from "./parser";

// trufflehog v2 (`trufflehog --json`, one object per line) and trufflehog3's legacy output (the same objects in a
// JSON array): {date, path, branch, commit, commitHash, reason, stringsFound[]}. Each string is what a rule matched
// or, for "High entropy", the diff line it was found on ("+" or "-" in front, as the commit added or removed it).
// The value is that string without the diff mark and surrounding space, so the line added in one commit and removed
// in a later one is one secret; the credential inside it is taken out at ingest (lib/secrets/credential.ts).
const record = z.looseObject({
  path: z.string().max(4096),
  reason: z.string().max(256),
  stringsFound: z.array(z.string()),
  commitHash: z.string().max(64).nullish(),
  branch: z.string().nullish(),
});

const isV2 = (r: unknown) => isObject(r) && Array.isArray(r.stringsFound) && "reason" in r && "path" in r;

export const trufflehog2Parser = perDocument({
  id: "trufflehog2",
  label: "trufflehog v2 / trufflehog3 legacy JSON",
  sniff: (doc) => isV2(firstRecord(doc)),
  parse(doc) {
    const records = parseShape(z.array(record), jsonLines(doc), "trufflehog v2");
    const findings: NormalizedFinding[] = [];
    for (const r of records) {
      const ruleId =
        r.reason
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "") || "secret";
      // Entropy hits are most often hashes and commit ids; a named rule is a known credential shape.
      const severity = r.reason === "High entropy" ? "medium" : severityFromLiveness(undefined);
      const seen = new Set<string>();
      for (const s of r.stringsFound) {
        const value = s.replace(/^[+-]/, "").trim();
        if (!value || seen.has(value)) continue;
        seen.add(value);
        findings.push({ ruleId, detector: r.reason, severity, path: r.path, source: "file", raw: value });
      }
    }
    return { scanner: "trufflehog2", format: "trufflehog-v2-json", findings, skipped: 0 };
  },
});
