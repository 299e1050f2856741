import { z } from "zod";
import { tryParseImageRef, type ImageRef } from "../../images/parse-image-ref";
import { splitAwsPair } from "../../secrets/credential-kind";
import { historyPath } from "../../images/history-path";
import type { NormalizedFinding } from "../../findings/finding";
import {
  firstRecord,
  interner,
  isObject,
  jsonLines,
  parseShape,
  positiveInt,
  severityFromLiveness,
  perDocument,
} from "./parser";

// trufflehog v3 `--json`: one object per line (pkg/output/json.go). SourceMetadata.Data.<Source> carries the
// location; for the docker source {file, image, layer, tag}, where `layer` is the compressed layer digest and
// `file` is "/<path>" or "image-metadata:history:<N>:created-by" (pkg/sources/docker/docker.go @3ab759f).
const line = z.looseObject({
  SourceMetadata: z.looseObject({ Data: z.record(z.string(), z.unknown()) }).nullish(),
  SourceName: z.string().optional(),
  DetectorName: z.string().max(256),
  DetectorType: z.union([z.number(), z.string()]).optional(),
  Verified: z.boolean().optional(),
  Raw: z.string().optional(),
  RawV2: z.string().optional(),
  Redacted: z.string().optional(),
});
const locationShape = z.looseObject({
  file: z.string().max(4096).optional(),
  path: z.string().max(4096).optional(),
  line: z.number().optional(),
  image: z.string().max(512).optional(),
  tag: z.string().max(256).optional(),
  layer: z.string().max(256).optional(),
  repository: z.string().max(1024).optional(),
  link: z.string().optional(),
});

const HISTORY = /^image-metadata:history:(\d+):created-by$/;

export const trufflehogParser = perDocument({
  id: "trufflehog",
  label: "trufflehog v3 JSON lines",
  sniff: (doc) => {
    const r = firstRecord(doc);
    return isObject(r) && "DetectorName" in r && "SourceMetadata" in r;
  },
  parse(doc) {
    const records = parseShape(z.array(line), jsonLines(doc), "trufflehog");
    let target: string | undefined;
    const [name, layer, imageOf] = [
      interner<string>(),
      interner<{ digest: string }>(),
      interner<ImageRef | undefined>(),
    ];
    const findings = records.map((r): NormalizedFinding => {
      const [sourceKind, data] = Object.entries(r.SourceMetadata?.Data ?? {})[0] ?? ["Unknown", {}];
      const loc = parseShape(locationShape, data ?? {}, "trufflehog SourceMetadata");
      target ??=
        loc.repository ??
        (loc.image ? `${loc.image}${loc.tag ? (loc.tag.startsWith("sha256:") ? "@" : ":") + loc.tag : ""}` : undefined);
      const history = loc.file ? HISTORY.exec(loc.file) : null;
      const image =
        sourceKind === "Docker" && loc.image
          ? imageOf(`${loc.image}\0${loc.tag ?? ""}`, () => dockerImage(loc.image!, loc.tag))
          : undefined;
      return {
        ruleId: name(`id:${r.DetectorName}`, () => r.DetectorName.toLowerCase()),
        detector: name(r.DetectorName, () => r.DetectorName),
        severity: severityFromLiveness(r.Verified),
        path: history ? historyPath(Number(history[1])) : (loc.file ?? loc.path ?? loc.link ?? "(unknown)"),
        line: positiveInt(loc.line),
        source: history ? "history" : "file",
        ...rawParts(decodeRaw(r.Raw), decodeRaw(r.RawV2)),
        verified: r.Verified,
        masked: r.Redacted || undefined,
        layer: loc.layer ? layer(loc.layer, () => ({ digest: loc.layer! })) : undefined,
        image,
      };
    });
    return { scanner: "trufflehog", format: "trufflehog-jsonl", target, findings, skipped: 0 };
  },
});

/**
 * `Raw` is what the detector matched (for AWS the key id, the value gitleaks and Residue report as well); `RawV2`,
 * when set, is the whole credential (for AWS the key id followed by its secret). The secret becomes a second part
 * of the same credential, and RawV2 itself a third: secrets trufflehog found before were keyed by it.
 */
function rawParts(raw: string | undefined, rawV2: string | undefined): Pick<NormalizedFinding, "raw" | "parts"> {
  if (!raw) return { raw: rawV2 };
  if (!rawV2 || rawV2 === raw) return { raw };
  const pair = splitAwsPair(rawV2);
  return { raw, parts: [...(pair ? [pair.id, pair.secret] : []), rawV2].filter((p) => p !== raw) };
}

function dockerImage(image: string, tag: string | undefined): ImageRef | undefined {
  const ref = tryParseImageRef(image);
  if (!ref) return undefined;
  if (tag?.startsWith("sha256:")) return { ...ref, tag: undefined, digest: tag };
  return { ...ref, tag: tag || ref.tag };
}

// Old trufflehog v3 releases (and the DefectDojo fixture) base64-encode Raw; current ones write it as is.
function decodeRaw(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length >= 8) {
    const decoded = Buffer.from(raw, "base64").toString("utf8");
    if (/^[\x20-\x7e\t\r\n]+$/.test(decoded)) return decoded;
  }
  return raw;
}
