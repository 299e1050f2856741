import { sha1Hex, sha256Hex } from "../hash";
import { previewOf, scrubHistoryText } from "../secrets/identity";
import { APP_VERSION } from "../version";
import type { ImageScan, LayerInfo } from "./scan-image";

/**
 * SARIF 2.1.0 with Residue's layer properties (read back by lib/ingest/parsers/sarif.ts). The value travels only
 * as its SHA-256 (what ggshield's ignore_sha is) and SHA-1 (what a detect-secrets baseline holds), and a short
 * preview; the raw value only with includeRaw (for an upload over TLS). Every text taken from the image (history,
 * created_by, messages) has each found value and each credential-named build argument replaced first: without
 * includeRaw no byte of a found secret is in the file.
 */
export function toSarif(scan: ImageScan, opts: { includeRaw?: boolean } = {}) {
  const values = scan.findings.map((f) => f.value);
  const scrubbed = new Map<string, string>();
  const scrub = (t: string | undefined) => {
    if (t === undefined || opts.includeRaw) return t;
    let out = scrubbed.get(t);
    if (out === undefined) scrubbed.set(t, (out = scrubHistoryText(t, values)));
    return out;
  };
  const layerProp = (l: LayerInfo | undefined) =>
    l ? { index: l.index, diffId: l.diffId, digest: l.digest, createdBy: scrub(l.createdBy) } : undefined;
  const rules = [...new Map(scan.findings.map((f) => [f.ruleId, f])).values()].map((f) => ({
    id: f.ruleId,
    name: f.ruleId,
    shortDescription: {
      text:
        f.ruleId === "residue/sensitive-build-value"
          ? "Credential-like value in a build argument, environment variable or label"
          : f.title,
    },
    properties: { tags: ["security", "secret"], "security-severity": f.ruleId.startsWith("residue/") ? "8.0" : "9.0" },
  }));
  const tags = scan.image.repoTags;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "residue", version: APP_VERSION, rules } },
        properties: {
          imageName: tags[0],
          repoTags: tags,
          repoDigests:
            scan.image.manifestDigest && tags[0]
              ? [`${tags[0].replace(/:[^:/]+$/, "")}@${scan.image.manifestDigest}`]
              : [],
          imageID: scan.image.configDigest,
          "residue/image": {
            platform: scan.image.platform,
            history: scan.image.history.map((h) => ({ ...h, createdBy: scrub(h.createdBy) })),
            layers: scan.image.layers.map(layerProp),
          },
          "residue/skipped": { tooLarge: scan.skipped.tooLarge, binary: scan.skipped.binary },
          "residue/truncated": { files: scan.truncated.files.length, layers: scan.truncated.layers },
        },
        results: scan.findings.map((f) => ({
          ruleId: f.ruleId,
          level: "error",
          message: {
            text: scrub(
              f.deletedIn
                ? `${f.title} in ${f.path}, added in layer ${f.layer?.index} and deleted in layer ${f.deletedIn.index}: still extractable from layer ${f.layer?.index}.`
                : `${f.title} in ${f.path}`,
            ),
          },
          locations: [
            { physicalLocation: { artifactLocation: { uri: scrub(f.path) }, region: { startLine: f.line } } },
          ],
          properties: {
            "residue/source": f.source,
            "residue/layer": layerProp(f.layer),
            "residue/deletedIn": layerProp(f.deletedIn),
            "residue/valueSha256": sha256Hex(f.value),
            "residue/valueSha1": sha1Hex(f.value),
            "residue/preview": previewOf(f.value),
            "residue/valueLength": f.value.length,
            ...(opts.includeRaw ? { "residue/raw": f.value } : {}),
          },
        })),
      },
    ],
  };
}
