import { sha256Hex } from "../hash";
import type { ImageRef } from "../images/parse-image-ref";
import { credentialOf } from "../secrets/credential";
import { keyedHash, scrubHistoryText, secretIdentity, type IdentityKindName } from "../secrets/identity";
import type { LayerRef, NormalizedFinding, ParseResult, SeverityLevel } from "./finding";

/** Rows ready for set-based writes. No raw secret value survives this step. */
export type IngestPlan = {
  images: ImageRow[];
  layers: LayerRow[];
  imageLayers: { imageKey: string; position: number; layerIndex: number | null; layerKey: string | null; createdBy: string | null; emptyLayer: boolean }[];
  secrets: SecretRow[];
  occurrences: OccurrenceRow[];
  primaryImageKey: string | null;
};
export type ImageRow = {
  key: string;
  registry: string;
  repository: string;
  digest: string;
  digestKind: "manifest" | "config" | "unresolved";
  configDigest: string | null;
  platform: string | null;
  tag: string | null;
};
export type LayerRow = { key: string; diffId: string | null; digest: string | null; size: number | null };
export type SecretRow = {
  identityKey: string;
  identityKind: IdentityKindName;
  detector: string;
  ruleId: string;
  title: string | null;
  preview: string;
  valueLength: number | null;
  severity: SeverityLevel;
  verifiedLive: boolean | null;
};
export type OccurrenceRow = {
  identityKey: string;
  imageKey: string;
  layerKey: string;
  layerPosition: number | null;
  path: string;
  line: number;
  source: NormalizedFinding["source"];
  createdBy: string | null;
  deletedInLayerKey: string | null;
  deletedInPosition: number | null;
};

const SEVERITY_RANK: Record<SeverityLevel, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const NO_REGISTRY = "(none)";

export const layerKeyOf = (l: LayerRef | undefined) => (l?.diffId ? l.diffId : l?.digest ? `digest:${l.digest}` : "");
export const imageKeyOf = (i: Pick<ImageRow, "registry" | "repository" | "digest">) => `${i.registry}/${i.repository}@${i.digest}`;

/** Turns a parsed report into identities and rows: which image, which layer, which secret. */
export function resolveFindings(result: ParseResult, uploadImage: ImageRef | undefined, serverKey: Buffer): IngestPlan {
  // Scrubbed from history text: each raw value as the scanner gave it, and the credential inside it.
  const rawValues = [...new Set(result.findings.flatMap((f) => (f.raw ? [f.raw, credentialOf(f.raw)] : [])))];
  const hmac = keyedHash(serverKey);
  // Once per distinct text: every finding of a layer carries the same created_by, and each scrub reads every raw value.
  const scrubbed = new Map<string, string>();
  const scrub = (t: string | undefined) => {
    if (!t) return null;
    let out = scrubbed.get(t);
    if (out === undefined) scrubbed.set(t, (out = scrubHistoryText(t, rawValues).slice(0, 4096)));
    return out;
  };
  const images = new Map<string, ImageRow>();
  const layers = new Map<string, LayerRow>();

  // The report's own layer table links compressed digests to diffIDs (trivy Metadata.Layers).
  const diffIdByDigest = new Map<string, string>();
  for (const l of result.image?.layers ?? []) if (l.digest && l.diffId) diffIdByDigest.set(l.digest, l.diffId);
  const completeLayer = (l: LayerRef | undefined): LayerRef | undefined =>
    l && !l.diffId && l.digest && diffIdByDigest.has(l.digest) ? { ...l, diffId: diffIdByDigest.get(l.digest) } : l;
  const addLayer = (l: LayerRef | undefined) => {
    const key = layerKeyOf(l);
    if (!key || !l) return key;
    const prev = layers.get(key);
    layers.set(key, { key, diffId: l.diffId ?? prev?.diffId ?? null, digest: l.digest ?? prev?.digest ?? null, size: l.size ?? prev?.size ?? null });
    return key;
  };

  const reportRef = mergeRefs(result.image?.ref, uploadImage);
  const imageFor = (ref: ImageRef | undefined, withMetadata: boolean): ImageRow => {
    const cfg = withMetadata ? result.image?.configDigest : undefined;
    const base = ref
      ? { registry: ref.registry, repository: ref.repository, tag: ref.tag ?? null }
      : { registry: NO_REGISTRY, repository: (result.target ?? result.toolName ?? "(unknown source)").slice(0, 256), tag: null };
    const [digest, digestKind] = ref?.digest
      ? ([ref.digest, "manifest"] as const)
      : cfg
        ? ([cfg, "config"] as const)
        : ([`unresolved:${ref?.tag ?? result.target ?? "unknown"}`.slice(0, 300), "unresolved"] as const);
    const row: ImageRow = { ...base, digest, digestKind, configDigest: cfg ?? null, platform: withMetadata ? (result.image?.platform ?? null) : null, key: "" };
    row.key = imageKeyOf(row);
    if (!images.has(row.key)) images.set(row.key, row);
    return images.get(row.key)!;
  };

  const primary = result.findings.length === 0 || result.findings.some((f) => !f.image) || reportRef ? imageFor(reportRef, true) : null;

  // Image history: non-empty entries consume rootfs layers in order (image-spec config.md, "history").
  const imageLayers: IngestPlan["imageLayers"] = [];
  const positionOfLayer = new Map<string, number>();
  const createdByOfLayer = new Map<string, string>();
  if (primary && result.image) {
    const rootfs = (result.image.layers ?? []).map((l) => addLayer(completeLayer(l)));
    const history = result.image.history?.length ? result.image.history : rootfs.map(() => ({ createdBy: undefined, emptyLayer: false }));
    let next = 0;
    history.forEach((h, position) => {
      const layerIndex = h.emptyLayer ? null : next++;
      const layerKey = layerIndex !== null ? (rootfs[layerIndex] ?? null) : null;
      if (layerKey) positionOfLayer.set(layerKey, position);
      const createdBy = scrub(h.createdBy);
      if (layerKey && createdBy) createdByOfLayer.set(layerKey, createdBy);
      imageLayers.push({ imageKey: primary.key, position, layerIndex, layerKey: layerKey || null, createdBy, emptyLayer: h.emptyLayer });
    });
  }

  const secrets = new Map<string, SecretRow>();
  const occurrences = new Map<string, OccurrenceRow>();
  for (const f of result.findings) {
    const image = f.image ? imageFor(mergeRefs(f.image, uploadImage), false) : primary!;
    const layer = completeLayer(f.layer);
    const layerKey = addLayer(layer);
    const deletedKey = addLayer(completeLayer(f.deletedIn));
    const id = secretIdentity(f, hmac, { layerKey, imageKey: image.key });
    const prev = secrets.get(id.key);
    secrets.set(id.key, {
      identityKey: id.key,
      identityKind: prev?.identityKind ?? id.kind,
      detector: prev?.detector ?? f.detector.slice(0, 256),
      ruleId: prev?.ruleId ?? f.ruleId,
      title: prev?.title ?? f.title?.slice(0, 512) ?? null,
      preview: prev?.preview ?? id.preview,
      valueLength: prev?.valueLength ?? id.valueLength ?? null,
      severity: prev && SEVERITY_RANK[prev.severity] < SEVERITY_RANK[f.severity] ? prev.severity : f.severity,
      verifiedLive: prev?.verifiedLive === true || f.verified === true ? true : (f.verified ?? prev?.verifiedLive ?? null),
    });
    const path = storablePath(layerKey && !f.path.startsWith("/") && f.source === "file" ? `/${f.path}` : f.path);
    const line = f.line ?? 0;
    const occKey = [id.key, image.key, layerKey, path, line].join("\0");
    if (!occurrences.has(occKey)) {
      occurrences.set(occKey, {
        identityKey: id.key,
        imageKey: image.key,
        layerKey,
        layerPosition: layerKey ? (positionOfLayer.get(layerKey) ?? null) : null,
        path,
        line,
        source: f.source,
        createdBy: layer?.createdBy ? scrub(layer.createdBy) : (createdByOfLayer.get(layerKey) ?? null),
        deletedInLayerKey: deletedKey || null,
        deletedInPosition: deletedKey ? (positionOfLayer.get(deletedKey) ?? null) : null,
      });
    }
  }

  return {
    images: [...images.values()],
    layers: [...layers.values()],
    imageLayers,
    secrets: [...secrets.values()],
    occurrences: [...occurrences.values()],
    primaryImageKey: primary?.key ?? null,
  };
}

// A btree entry holds at most ~2.7 kB, and the path is part of the occurrence key: a longer path keeps its first
// 1,900 bytes and a hash of the whole, so two long paths with the same beginning stay two occurrences.
const MAX_PATH_BYTES = 2000;
const KEPT_PATH_BYTES = 1900;
function storablePath(path: string): string {
  if (Buffer.byteLength(path, "utf8") <= MAX_PATH_BYTES) return path;
  const head = new TextDecoder().decode(Buffer.from(path, "utf8").subarray(0, KEPT_PATH_BYTES)).replace(/\uFFFD$/, "");
  return `${head}…#${sha256Hex(path).slice(0, 16)}`;
}

// The report's image wins; the upload parameter fills in what it lacks (a digest for a tag, or everything).
function mergeRefs(report: ImageRef | undefined, upload: ImageRef | undefined): ImageRef | undefined {
  if (!report) return upload;
  if (upload && upload.registry === report.registry && upload.repository === report.repository) {
    return { ...report, digest: report.digest ?? upload.digest, tag: report.tag ?? upload.tag };
  }
  return report;
}
