import { sha256Hex } from "../hash";
import type { ImageRef } from "../images/parse-image-ref";
import { sourceName, UNKNOWN_SOURCE } from "../images/source-name";
import { credentialOf } from "../secrets/credential";
import type { CredentialKind } from "../secrets/credential-kind";
import {
  IDENTITY_STRENGTH,
  keyedHash,
  scrubHistoryText,
  secretEvidence,
  type IdentityKindName,
  type SecretEvidence,
  type SecretKey,
} from "../secrets/identity";
import { linkByPlace, unionFind, type PlacedEvidence } from "../secrets/link-findings";
import type { LayerRef, NormalizedFinding, ParseResult, UpstreamResolution } from "../findings/finding";
import { combinedLiveness } from "../vocabulary/liveness";
import { SEVERITY_RANK, type Severity } from "../vocabulary/severity";
import { cmp } from "../db/write-batches";

/** Rows ready for set-based writes. No raw secret value survives this step. */
export type IngestPlan = {
  images: ImageRow[];
  layers: LayerRow[];
  imageLayers: {
    imageKey: string;
    position: number;
    layerIndex: number | null;
    layerKey: string | null;
    createdBy: string | null;
    emptyLayer: boolean;
  }[];
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
/**
 * One credential of the report: every finding whose keys meet, or that lib/secrets/link-findings.ts places on the
 * same credential. `identityKey` is the strongest of `keys`, the name of the secret if none of them is known yet.
 */
export type SecretRow = {
  identityKey: string;
  identityKind: IdentityKindName;
  keys: SecretKey[];
  valueKnown: boolean;
  detector: string;
  ruleId: string;
  title: string | null;
  preview: string;
  valueLength: number | null;
  severity: Severity;
  verifiedLive: boolean | null;
  /**
   * Every finding of the secret was closed where it was found (resolved GitHub alerts): the latest of those
   * resolutions. One finding still open there leaves it unset.
   */
  upstream?: UpstreamResolution;
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
  /** What the finding here said about its credential: persist joins it to stored secrets at the same place. */
  credential: CredentialKind;
  valueKnown: boolean;
};

const NO_REGISTRY = "(none)";

export const layerKeyOf = (l: LayerRef | undefined) => (l?.diffId ? l.diffId : l?.digest ? `digest:${l.digest}` : "");
export const imageKeyOf = (i: Pick<ImageRow, "registry" | "repository" | "digest">) =>
  `${i.registry}/${i.repository}@${i.digest}`;

/**
 * Turns a parsed report into identities and rows: which image, which layer, which secret. Findings without an
 * image are grouped by source: the upload's `source`, else the finding's own repository, else the repository or
 * path the report says it scanned, else "(unknown source)" (never the scanner's name: that is not a place).
 */
export function resolveFindings(
  result: ParseResult,
  uploadImage: ImageRef | undefined,
  serverKey: Buffer,
  uploadSource?: string,
): IngestPlan {
  // Scrubbed from history text: each raw value as the scanner gave it, and the credential inside it.
  const rawValues = [
    ...new Set(
      result.findings.flatMap((f) => [f.raw, ...(f.parts ?? [])].flatMap((v) => (v ? [v, credentialOf(v)] : []))),
    ),
  ];
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
    layers.set(key, {
      key,
      diffId: l.diffId ?? prev?.diffId ?? null,
      digest: l.digest ?? prev?.digest ?? null,
      size: l.size ?? prev?.size ?? null,
    });
    return key;
  };

  const reportRef = mergeRefs(result.image?.ref, uploadImage);
  const forcedSource = sourceName(uploadSource);
  const reportSource = forcedSource ?? sourceName(result.target) ?? UNKNOWN_SOURCE;
  const imageFor = (ref: ImageRef | undefined, withMetadata: boolean, origin?: string): ImageRow => {
    const cfg = withMetadata ? result.image?.configDigest : undefined;
    const source = forcedSource ?? sourceName(origin) ?? reportSource;
    const base = ref
      ? { registry: ref.registry, repository: ref.repository, tag: ref.tag ?? null }
      : { registry: NO_REGISTRY, repository: source, tag: null };
    const [digest, digestKind] = ref?.digest
      ? ([ref.digest, "manifest"] as const)
      : cfg
        ? ([cfg, "config"] as const)
        : ([`unresolved:${ref?.tag ?? source}`.slice(0, 300), "unresolved"] as const);
    const row: ImageRow = {
      ...base,
      digest,
      digestKind,
      configDigest: cfg ?? null,
      platform: withMetadata ? (result.image?.platform ?? null) : null,
      key: "",
    };
    row.key = imageKeyOf(row);
    if (!images.has(row.key)) images.set(row.key, row);
    return images.get(row.key)!;
  };

  const primary =
    result.findings.length === 0 || result.findings.some((f) => !f.image && !f.origin) || reportRef
      ? imageFor(reportRef, true)
      : null;

  // Image history: non-empty entries consume rootfs layers in order (image-spec config.md, "history").
  const imageLayers: IngestPlan["imageLayers"] = [];
  const positionOfLayer = new Map<string, number>();
  const createdByOfLayer = new Map<string, string>();
  if (primary && result.image) {
    const rootfs = (result.image.layers ?? []).map((l) => addLayer(completeLayer(l)));
    const history = result.image.history?.length
      ? result.image.history
      : rootfs.map(() => ({ createdBy: undefined, emptyLayer: false }));
    let next = 0;
    history.forEach((h, position) => {
      const layerIndex = h.emptyLayer ? null : next++;
      const layerKey = layerIndex !== null ? (rootfs[layerIndex] ?? null) : null;
      if (layerKey) positionOfLayer.set(layerKey, position);
      const createdBy = scrub(h.createdBy);
      if (layerKey && createdBy) createdByOfLayer.set(layerKey, createdBy);
      imageLayers.push({
        imageKey: primary.key,
        position,
        layerIndex,
        layerKey: layerKey || null,
        createdBy,
        emptyLayer: h.emptyLayer,
      });
    });
  }

  // Each finding's evidence, then one group per credential: findings whose keys meet, and findings the same
  // credential by where they are (a masked finding beside the value, an AWS key id beside its secret).
  const placed = result.findings.map((f) => {
    const image = f.image
      ? imageFor(mergeRefs(f.image, uploadImage), false)
      : f.origin && !reportRef
        ? imageFor(undefined, false, f.origin)
        : primary!;
    const layer = completeLayer(f.layer);
    const layerKey = addLayer(layer);
    const deletedKey = addLayer(completeLayer(f.deletedIn));
    const evidence = secretEvidence(f, hmac, { layerKey, imageKey: image.key });
    const path = storablePath(layerKey && !f.path.startsWith("/") && f.source === "file" ? `/${f.path}` : f.path);
    return { f, image, layer, layerKey, deletedKey, evidence, path, line: f.line ?? 0 };
  });
  const groups = unionFind();
  for (const p of placed) for (const k of p.evidence.keys.slice(1)) groups.union(p.evidence.keys[0]!.key, k.key);
  for (const link of linkByPlace(placeableEvidence(placed, groups.find))) groups.union(link.a, link.b);

  // Most groups are one finding: those need no list of members (a report of 200,000 findings made as many).
  const members = new Map<string, (typeof placed)[number] | (typeof placed)[number][]>();
  for (const p of placed) {
    const root = groups.find(p.evidence.keys[0]!.key);
    const have = members.get(root);
    if (!have) members.set(root, p);
    else if (Array.isArray(have)) have.push(p);
    else members.set(root, [have, p]);
  }
  const secrets = new Map<string, SecretRow>();
  const identityOf = new Map<string, string>();
  for (const [root, m] of members) {
    const row = secretRow((Array.isArray(m) ? m : [m]).map((p) => ({ f: p.f, evidence: p.evidence })));
    secrets.set(row.identityKey, row);
    identityOf.set(root, row.identityKey);
  }
  members.clear();

  const occurrences = new Map<string, OccurrenceRow>();
  for (const { f, image, layer, layerKey, deletedKey, evidence, path, line } of placed) {
    const identityKey = identityOf.get(groups.find(evidence.keys[0]!.key))!;
    const occKey = [identityKey, image.key, layerKey, path, line].join("\0");
    if (!occurrences.has(occKey)) {
      occurrences.set(occKey, {
        identityKey,
        imageKey: image.key,
        layerKey,
        layerPosition: layerKey ? (positionOfLayer.get(layerKey) ?? null) : null,
        path,
        line,
        source: f.source,
        createdBy: layer?.createdBy ? scrub(layer.createdBy) : (createdByOfLayer.get(layerKey) ?? null),
        deletedInLayerKey: deletedKey || null,
        deletedInPosition: deletedKey ? (positionOfLayer.get(deletedKey) ?? null) : null,
        credential: evidence.credential,
        valueKnown: evidence.valueKnown,
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

/**
 * The evidence worth placing: findings without their value and AWS key parts, with every other finding at their
 * paths (a report of values only has nothing to place, and is not compared finding by finding).
 */
function placeableEvidence(
  placed: { evidence: SecretEvidence; layerKey: string; image: ImageRow; path: string; line: number }[],
  groupOf: (key: string) => string,
): PlacedEvidence[] {
  const seeks = (e: SecretEvidence) =>
    !e.valueKnown || (e.credential.family === "aws" && e.credential.part !== "whole");
  const norm = (path: string) => path.replace(/^\/+/, "");
  const paths = new Set(placed.filter((p) => seeks(p.evidence)).map((p) => norm(p.path)));
  return placed
    .filter((p) => paths.has(norm(p.path)))
    .map((p) => ({
      group: groupOf(p.evidence.keys[0]!.key),
      layer: p.layerKey || null,
      image: p.image.key,
      path: p.path,
      line: p.line,
      credential: p.evidence.credential,
      valueKnown: p.evidence.valueKnown,
    }));
}

/** Every key of several pieces of evidence, once each, strongest first (then in key order, so the first is stable). */
export function allKeys(lists: SecretKey[][]): SecretKey[] {
  return [...new Map(lists.flat().map((k) => [k.key, k])).values()].sort(
    (a, b) => IDENTITY_STRENGTH[a.kind] - IDENTITY_STRENGTH[b.kind] || cmp(a.key, b.key),
  );
}

/**
 * The secret several findings are evidence of: every key any of them brought, the strongest as its name; its
 * description and preview from the strongest finding (with the value before without, an AWS key id before its
 * secret); the highest severity; live when any scanner verified it live.
 */
function secretRow(list: { f: NormalizedFinding; evidence: SecretEvidence }[]): SecretRow {
  // One finding (most secrets): its keys as they are, strongest first already.
  const keys = list.length === 1 ? list[0]!.evidence.keys : allKeys(list.map((m) => m.evidence.keys));
  const rank = (m: (typeof list)[number]) =>
    IDENTITY_STRENGTH[m.evidence.kind] * 4 +
    (m.evidence.valueKnown ? 0 : 2) +
    (m.evidence.credential.part === "id" ? 0 : 1);
  const lead = list.reduce((best, m) => (rank(m) < rank(best) ? m : best));
  return {
    identityKey: keys[0]!.key,
    identityKind: keys[0]!.kind,
    keys,
    valueKnown: list.some((m) => m.evidence.valueKnown),
    detector: lead.f.detector.slice(0, 256),
    ruleId: lead.f.ruleId,
    title: lead.f.title?.slice(0, 512) ?? null,
    preview: lead.evidence.preview,
    valueLength: lead.evidence.valueLength ?? null,
    severity: list.reduce(
      (s, m) => (SEVERITY_RANK[m.f.severity] < SEVERITY_RANK[s] ? m.f.severity : s),
      lead.f.severity,
    ),
    verifiedLive: combinedLiveness(list.map((m) => m.f.verified)),
    upstream: list.every((m) => m.f.upstream) ? latestUpstream(list.map((m) => m.f.upstream!)) : undefined,
  };
}

function latestUpstream(all: UpstreamResolution[]): UpstreamResolution {
  return all.reduce((a, b) => ((b.at?.getTime() ?? 0) > (a.at?.getTime() ?? 0) ? b : a));
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
