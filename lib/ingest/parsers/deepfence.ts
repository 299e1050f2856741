import { z } from "zod";
import { tryParseImageRef } from "../../images/parse-image-ref";
import type { NormalizedFinding } from "../../findings/finding";
import {
  isObject,
  jsonValue,
  parseShape,
  severityFromScore,
  severityFromWord,
  usableRaw,
  perDocument,
  dateOf,
} from "./parser";

// deepfence SecretScanner JSON (output/output.go @3a9b485, MIT): {"Timestamp", "Image Name", "Image ID",
// "Container ID", "Secrets": [{"Image Layer ID", "Matched Rule ID", "Matched Rule Name", "Matched Part",
// "String to Match", "Signature to Match", "Severity", "Severity Score", "Full File Name", "Matched Contents", …}]}.
// The keys contain spaces. "Matched Contents" is the matched text when the rule matched the file's contents; rules
// on a file's name or extension (a file called id_rsa) match no value. "Image Layer ID" is the directory name in the
// `docker save` archive, which in the legacy archive format is not the layer's content digest: it is not used as
// layer evidence.
const secret = z.looseObject({
  "Matched Rule ID": z.union([z.number(), z.string()]).optional(),
  "Matched Rule Name": z.string().max(256),
  "Matched Part": z.string().optional(),
  Severity: z.string().optional(),
  "Severity Score": z.number().optional(),
  "Full File Name": z.string().max(4096),
  "Matched Contents": z.string().optional(),
});
const report = z.looseObject({
  Timestamp: z.string().optional(),
  "Image Name": z.string().max(512).optional(),
  "Image ID": z.string().optional(),
  Secrets: z.array(secret).nullable(),
});

export const deepfenceParser = perDocument({
  id: "deepfence",
  label: "deepfence SecretScanner JSON",
  sniff: (doc) => doc.kind === "json" && isObject(doc.value) && "Secrets" in doc.value && "Image Name" in doc.value,
  parse(doc) {
    const r = parseShape(report, jsonValue(doc, "deepfence SecretScanner"), "deepfence SecretScanner");
    // The image ID, with "sha256:" when it is the bare hex; anything else is not a config digest.
    const imageId = r["Image ID"]?.replace(/^(?=[0-9a-f]{64}$)/, "sha256:");
    const configDigest = imageId && /^sha256:[0-9a-f]{64}$/.test(imageId) ? imageId : undefined;
    const ref = tryParseImageRef(r["Image Name"]);
    const findings: NormalizedFinding[] = (r.Secrets ?? []).map((s) => {
      const onContents = (s["Matched Part"] ?? "contents") === "contents";
      const score = s["Severity Score"];
      return {
        ruleId: s["Matched Rule Name"],
        detector: s["Matched Rule Name"],
        severity: s.Severity
          ? severityFromWord(s.Severity, "medium")
          : score !== undefined
            ? severityFromScore(score)
            : "medium",
        path: s["Full File Name"],
        source: "file",
        raw: onContents ? usableRaw(s["Matched Contents"]) : undefined,
      };
    });
    return {
      scanner: "deepfence",
      format: "deepfence-secretscanner-json",
      toolName: "SecretScanner",
      target: ref ? undefined : r["Image Name"],
      scannedAt: dateOf(r.Timestamp),
      image: ref || configDigest ? { ref, configDigest } : undefined,
      findings,
      skipped: 0,
    };
  },
});
