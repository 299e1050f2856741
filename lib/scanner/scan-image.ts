import { decompressed } from "./decompress";
import { detectInConfigText, detectInText, looksBinary, type Detection } from "./detect";
import { openImage, type ImageSource } from "./image-source";
import { walkLayer } from "./walk-layer";

export type LayerInfo = { index: number; position: number; diffId: string; digest?: string; createdBy?: string };
export type ScanFinding = Detection & {
  path: string;
  source: "file" | "history" | "env";
  layer?: LayerInfo;
  deletedIn?: LayerInfo; // a later layer whited the file out or replaced it: residue, still in `layer`
};
export type ScanOptions = { maxFileBytes?: number; platform?: string; onProgress?: (p: { layer: number; layers: number; bytes: number; files: number }) => void };
export type ImageScan = Awaited<ReturnType<typeof scanImage>>;

const MAX_SKIPPED_LISTED = 1000;

/**
 * Reads an image layer by layer, in order, streaming each blob once: every regular file is checked with the
 * rule engine, whiteouts and replaced files mark earlier findings as residue, and the config's history and Env
 * are checked too. Memory is bounded by the per-file limit, not by layer or image size.
 */
export async function scanImage(input: string, opts: ScanOptions = {}) {
  const maxFileBytes = opts.maxFileBytes ?? 1 << 20;
  const started = Date.now();
  const img = await openImage(input, { platform: opts.platform });
  const layers = layerInfos(img);
  const findings: ScanFinding[] = [];
  const live = new Map<string, number[]>(); // path in the merged filesystem → findings from the layer that last wrote it
  const skipped = { tooLarge: 0, binary: 0, listed: [] as { path: string; layer: number; reason: "too_large" | "binary"; size: number }[] };
  let files = 0;
  let compressedBytes = 0;
  let uncompressedBytes = 0;

  for (const [i, layer] of img.layers.entries()) {
    const info = layers[i]!;
    const deletions: { path?: string; dir?: string }[] = [];
    const written = new Set<string>();
    const added: number[] = [];
    const { stream } = await decompressed(img.openBlob(layer.blob));
    const { diffId, bytes } = await walkLayer(stream, maxFileBytes, async (e) => {
      if (e.kind === "whiteout") return void deletions.push({ path: e.path });
      if (e.kind === "opaque") return void deletions.push({ dir: e.dir });
      files++;
      written.add(e.path);
      const skip = (reason: "too_large" | "binary") => {
        skipped[reason === "too_large" ? "tooLarge" : "binary"]++;
        if (skipped.listed.length < MAX_SKIPPED_LISTED) skipped.listed.push({ path: e.path, layer: i, reason, size: e.size });
      };
      if (!e.content) return skip("too_large");
      if (looksBinary(e.content)) return skip("binary");
      for (const d of await detectInText(e.content.toString("utf8"), e.path)) {
        added.push(findings.push({ ...d, path: e.path, source: "file", layer: info }) - 1);
      }
    });
    uncompressedBytes += bytes;
    compressedBytes += layer.size;
    info.diffId = img.config.rootfs.diff_ids[i] ?? diffId;
    // Deletions and replacements in this layer hide what lower layers wrote; the lower layers still hold it.
    const hide = (p: string) => {
      for (const idx of live.get(p) ?? []) findings[idx]!.deletedIn ??= info;
      live.delete(p);
    };
    for (const d of deletions) {
      if (d.path) hide(d.path);
      const prefix = `${d.path ?? d.dir}/`.replace(/^\/\//, "/");
      for (const p of [...live.keys()]) if (p.startsWith(prefix)) hide(p);
    }
    for (const p of written) hide(p);
    for (const idx of added) live.set(findings[idx]!.path, [...(live.get(findings[idx]!.path) ?? []), idx]);
    opts.onProgress?.({ layer: i + 1, layers: img.layers.length, bytes: compressedBytes, files });
  }

  // The config: every history created_by (ARG values show as `RUN |n NAME=value`) and Env.
  const history = img.config.history ?? [];
  for (const [position, h] of history.entries()) {
    if (!h.created_by) continue;
    const layer = layers.find((l) => l.position === position);
    for (const d of await detectInConfigText(h.created_by, `history[${position}]`)) findings.push({ ...d, path: `history[${position}]`, source: "history", layer });
  }
  for (const env of img.config.config?.Env ?? []) {
    const name = env.split("=")[0]!;
    for (const d of await detectInConfigText(env, `env:${name}`)) findings.push({ ...d, path: `env:${name}`, source: "env" });
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
    stats: { layers: img.layers.length, files, compressedBytes, uncompressedBytes, seconds: (Date.now() - started) / 1000 },
  };
}

/** Maps each layer (rootfs.diff_ids order) to its history entry: non-empty history entries, in order. */
function layerInfos(img: ImageSource): LayerInfo[] {
  const history = img.config.history ?? [];
  const positions = history.map((h, p) => (h.empty_layer ? -1 : p)).filter((p) => p >= 0);
  return img.layers.map((l, i) => {
    const position = positions[i] ?? i;
    return { index: i, position, diffId: img.config.rootfs.diff_ids[i] ?? "", digest: l.digest, createdBy: history[position]?.created_by };
  });
}
