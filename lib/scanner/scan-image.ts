import crypto from "node:crypto";
import { Transform } from "node:stream";
import { ResidueError } from "../errors";
import { historyPath } from "../images/history-path";
import { decompressed } from "./decompress";
import { detectInConfigText, detectInText, looksBinary, type Detection } from "./detect";
import { openImage, type ImageSource } from "./image-source";
import { walkLayer } from "./walk-layer";

export type LayerInfo = { index: number; position: number; diffId: string; digest?: string; createdBy?: string };
export type ScanFinding = Detection & {
  path: string;
  source: "file" | "history" | "env"; // env: Env entries and Labels
  layer?: LayerInfo;
  deletedIn?: LayerInfo; // a later layer whited the file out or replaced it: residue, still in `layer`
};
export type ScanOptions = {
  maxFileBytes?: number;
  platform?: string;
  tag?: string;
  onProgress?: (p: { layer: number; layers: number; bytes: number; files: number }) => void;
};
export type ImageScan = Awaited<ReturnType<typeof scanImage>>;

const MAX_SKIPPED_LISTED = 1000;
/** At most this many secrets per layer; the rest of the layer is still read for whiteouts, and marked truncated. */
export const MAX_MATCHES_PER_LAYER = 1000;

/** What one layer blob holds, read once however many times the manifest lists it. */
type LayerRead = {
  detections: (Detection & { path: string })[];
  deletions: { path?: string; dir?: string }[];
  written: Set<string>;
  /** What the layer's bytes hash to: checked against the config's diffID at every position that lists the blob. */
  diffId: string;
  bytes: number;
  files: number;
  skipped: { path: string; reason: "too_large" | "binary"; size: number }[];
  truncatedFiles: string[];
  truncated: boolean;
};

/**
 * Reads an image layer by layer, in order, streaming each distinct blob once: every regular file is checked with
 * the rule engine, whiteouts and replaced files mark earlier findings as residue, and the config's history and
 * Env are checked too. Every layer must be there and hash to its diffID (and its digest): a truncated or damaged
 * archive is an error, never a clean scan. Memory is bounded by the per-file limit, not by layer or image size.
 */
export async function scanImage(input: string, opts: ScanOptions = {}) {
  const maxFileBytes = opts.maxFileBytes ?? 1 << 20;
  const started = Date.now();
  const img = await openImage(input, { platform: opts.platform, tag: opts.tag });
  const layers = layerInfos(img);
  const findings: ScanFinding[] = [];
  const live = new Map<string, number[]>(); // path in the merged filesystem → findings from the layer that last wrote it
  const skipped = {
    tooLarge: 0,
    binary: 0,
    listed: [] as { path: string; layer: number; reason: "too_large" | "binary"; size: number }[],
  };
  const truncated = { files: [] as { path: string; layer: number }[], layers: [] as number[] };
  const reads = new Map<string, LayerRead>();
  let files = 0;
  let compressedBytes = 0;
  let uncompressedBytes = 0;

  for (const [i, layer] of img.layers.entries()) {
    const info = layers[i]!;
    const key = layer.digest ?? layer.blob;
    let read = reads.get(key);
    if (!read) reads.set(key, (read = await readLayer(img, i, maxFileBytes)));
    if (read.diffId !== info.diffId) {
      throw new ResidueError(
        "bad_request",
        `Layer ${i + 1} of ${img.layers.length} does not hash to its diffID (${info.diffId.slice(0, 19)}…, got ${read.diffId.slice(0, 19)}…): the archive is truncated or damaged.`,
      );
    }
    files += read.files;
    uncompressedBytes += read.bytes;
    compressedBytes += layer.size;
    for (const sk of read.skipped) {
      skipped[sk.reason === "too_large" ? "tooLarge" : "binary"]++;
      if (skipped.listed.length < MAX_SKIPPED_LISTED) skipped.listed.push({ ...sk, layer: i });
    }
    for (const path of read.truncatedFiles) truncated.files.push({ path, layer: i });
    if (read.truncated) truncated.layers.push(i);
    const added = read.detections.map((d) => findings.push({ ...d, source: "file", layer: info }) - 1);
    // Deletions and replacements in this layer hide what lower layers wrote; the lower layers still hold it.
    const hide = (p: string) => {
      for (const idx of live.get(p) ?? []) findings[idx]!.deletedIn ??= info;
      live.delete(p);
    };
    for (const d of read.deletions) {
      if (d.path) hide(d.path);
      const prefix = `${d.path ?? d.dir}/`.replace(/^\/\//, "/");
      for (const p of [...live.keys()]) if (p.startsWith(prefix)) hide(p);
    }
    for (const p of read.written) hide(p);
    for (const idx of added) live.set(findings[idx]!.path, [...(live.get(findings[idx]!.path) ?? []), idx]);
    opts.onProgress?.({ layer: i + 1, layers: img.layers.length, bytes: compressedBytes, files });
  }

  // The config: every history created_by (ARG values show as `RUN |n NAME=value`) and Env.
  const history = img.config.history ?? [];
  for (const [position, h] of history.entries()) {
    if (!h.created_by) continue;
    const layer = layers.find((l) => l.position === position);
    for (const d of await detectInConfigText(h.created_by, historyPath(position)))
      findings.push({ ...d, path: historyPath(position), source: "history", layer });
  }
  for (const env of img.config.config?.Env ?? []) {
    const name = env.split("=")[0]!;
    for (const d of await detectInConfigText(env, `env:${name}`))
      findings.push({ ...d, path: `env:${name}`, source: "env" });
  }
  // Labels are config too (`LABEL`, `--label`): read as NAME=value, like Env.
  for (const [name, value] of Object.entries(img.config.config?.Labels ?? {})) {
    for (const d of await detectInConfigText(`${name}=${value}`, `label:${name}`))
      findings.push({ ...d, path: `label:${name}`, source: "env" });
  }

  return {
    image: {
      format: img.format,
      repoTags: img.repoTags,
      manifestDigest: img.manifestDigest,
      configDigest: img.configDigest,
      platform: [img.config.os, img.config.architecture, img.config.variant].filter(Boolean).join("/") || undefined,
      history: history.map((h) => ({ createdBy: h.created_by, emptyLayer: !!h.empty_layer })),
      layers,
    },
    findings,
    skipped,
    truncated,
    stats: {
      layers: img.layers.length,
      distinctLayers: reads.size,
      files,
      compressedBytes,
      uncompressedBytes,
      seconds: (Date.now() - started) / 1000,
    },
  };
}

/** Streams one layer blob: its files' detections, its deletions, what it hashes to, and proof of its digest. */
async function readLayer(img: ImageSource, i: number, maxFileBytes: number): Promise<LayerRead> {
  const layer = img.layers[i]!;
  const where = `Layer ${i + 1} of ${img.layers.length}${layer.digest ? ` (${layer.digest.slice(0, 19)}…)` : ` (${layer.blob.slice(0, 60)})`}`;
  if (layer.size === 0)
    throw new ResidueError("bad_request", `${where} is empty (0 bytes): no layer is, so the archive is damaged.`);
  const read: LayerRead = {
    detections: [],
    deletions: [],
    written: new Set(),
    diffId: "",
    bytes: 0,
    files: 0,
    skipped: [],
    truncatedFiles: [],
    truncated: false,
  };
  // The compressed bytes are hashed on the way in, to compare with the digest the layer is stored under.
  const compressed = crypto.createHash("sha256");
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      compressed.update(chunk);
      cb(null, chunk);
    },
  });
  const blob = img.openBlob(layer.blob);
  blob.on("error", (e) => tap.destroy(e));
  let walked: { diffId: string; bytes: number };
  try {
    const { stream } = await decompressed(blob.pipe(tap));
    walked = await walkLayer(stream, maxFileBytes, async (e) => {
      if (e.kind === "whiteout") return void read.deletions.push({ path: e.path });
      if (e.kind === "opaque") return void read.deletions.push({ dir: e.dir });
      read.files++;
      read.written.add(e.path);
      if (!e.content) return void read.skipped.push({ path: e.path, reason: "too_large", size: e.size });
      if (looksBinary(e.content)) return void read.skipped.push({ path: e.path, reason: "binary", size: e.size });
      if (read.detections.length >= MAX_MATCHES_PER_LAYER) return void (read.truncated = true);
      const { found, truncated } = await detectInText(e.content.toString("utf8"), e.path);
      if (truncated) read.truncatedFiles.push(e.path);
      for (const d of found.slice(0, MAX_MATCHES_PER_LAYER - read.detections.length))
        read.detections.push({ ...d, path: e.path });
      if (read.detections.length >= MAX_MATCHES_PER_LAYER && found.length) read.truncated = true;
    });
  } catch (e) {
    if (e instanceof ResidueError) throw e;
    throw new ResidueError(
      "bad_request",
      `${where} cannot be read (${e instanceof Error ? e.message.slice(0, 120) : "unreadable"}): the archive is truncated or damaged.`,
    );
  }
  const [algorithm, hex] = (layer.digest ?? "").split(":");
  if (algorithm === "sha256" && compressed.digest("hex") !== hex) {
    throw new ResidueError("bad_request", `${where} does not hash to its digest: the archive is truncated or damaged.`);
  }
  return { ...read, diffId: walked.diffId, bytes: walked.bytes };
}

/** Maps each layer (rootfs.diff_ids order) to its history entry: non-empty history entries, in order. */
function layerInfos(img: ImageSource): LayerInfo[] {
  const history = img.config.history ?? [];
  const positions = history.map((h, p) => (h.empty_layer ? -1 : p)).filter((p) => p >= 0);
  return img.layers.map((l, i) => {
    const position = positions[i] ?? i;
    return {
      index: i,
      position,
      diffId: img.config.rootfs.diff_ids[i] ?? "",
      digest: l.digest,
      createdBy: history[position]?.created_by,
    };
  });
}
