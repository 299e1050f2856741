// Builds genuine image archives in test code: layer tars with real whiteouts, gzip/zstd/none compression, a
// config with history and diff_ids, packed as `docker save` output, an OCI image layout, or an OCI archive.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { pack } from "tar-stream";

export type TestLayer = {
  createdBy: string;
  files?: Record<string, string | Buffer>;
  whiteouts?: string[]; // paths this layer deletes
  opaque?: string[]; // directories this layer makes opaque
  compression?: "gzip" | "zstd" | "none";
};
export type TestImage = {
  tag: string; // repo:tag as docker save records it
  layers: TestLayer[];
  emptyHistory?: { before: number; createdBy: string }[]; // metadata-only history entries (ARG, ENV…)
  env?: string[];
  labels?: Record<string, string>;
};

const sha = (b: Buffer) => `sha256:${crypto.createHash("sha256").update(b).digest("hex")}`;

export async function tarOf(entries: { name: string; body?: Buffer; type?: "file" | "directory" }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((r) => p.on("end", () => r()));
  for (const e of entries) {
    // A fixed mtime: the same files make the same layer (same diffID), as reproducible builds do.
    if (e.type === "directory") p.entry({ name: e.name, type: "directory", mode: 0o755, mtime: new Date(0) });
    else p.entry({ name: e.name, size: e.body!.length, mode: 0o644, mtime: new Date(0) }, e.body!);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function compress(tar: Buffer, how: TestLayer["compression"]): Buffer {
  if (how === "none") return tar;
  if (how === "zstd") {
    const r = spawnSync("zstd", ["-q", "-c"], { input: tar, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
    return r.stdout;
  }
  return zlib.gzipSync(tar);
}

export async function buildLayers(img: TestImage) {
  const layers = [];
  for (const l of img.layers) {
    const entries: { name: string; body?: Buffer; type?: "file" | "directory" }[] = [];
    for (const d of l.opaque ?? [])
      entries.push({ name: `${d.replace(/^\//, "")}/.wh..wh..opq`, body: Buffer.alloc(0) });
    for (const w of l.whiteouts ?? [])
      entries.push({
        name: path.posix.join(path.posix.dirname(w), `.wh.${path.posix.basename(w)}`).replace(/^\//, ""),
        body: Buffer.alloc(0),
      });
    for (const [name, body] of Object.entries(l.files ?? {}))
      entries.push({ name: name.replace(/^\//, ""), body: Buffer.isBuffer(body) ? body : Buffer.from(body) });
    const tar = await tarOf(entries);
    const blob = compress(tar, l.compression ?? "gzip");
    layers.push({
      diffId: sha(tar),
      digest: sha(blob),
      blob,
      createdBy: l.createdBy,
      compression: l.compression ?? "gzip",
    });
  }
  const history: { created_by: string; empty_layer?: boolean }[] = [];
  layers.forEach((l, i) => {
    for (const e of img.emptyHistory ?? [])
      if (e.before === i) history.push({ created_by: e.createdBy, empty_layer: true });
    history.push({ created_by: l.createdBy });
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Env: img.env ?? ["PATH=/usr/bin"], ...(img.labels ? { Labels: img.labels } : {}) },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      history,
    }),
  );
  return { layers, config, configDigest: sha(config) };
}

const tmp = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "residue-img-")), name);

/** `docker save` layout: manifest.json, <config>.json, <id>/layer.tar (uncompressed in classic docker, any here). */
export async function dockerArchive(img: TestImage): Promise<string> {
  const b = await buildLayers(img);
  const cfgName = `${b.configDigest.slice(7)}.json`;
  const layerNames = b.layers.map((l) => `${l.diffId.slice(7, 23)}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: [img.tag], Layers: layerNames }]));
  const file = tmp("image.tar");
  // manifest.json last, as docker writes it: readers must not depend on order.
  fs.writeFileSync(
    file,
    await tarOf([
      ...b.layers.map((l, i) => ({ name: layerNames[i]!, body: l.blob })),
      { name: cfgName, body: b.config },
      { name: "manifest.json", body: manifest },
    ]),
  );
  return file;
}

async function ociEntries(img: TestImage) {
  const b = await buildLayers(img);
  const mt = {
    gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
    zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
    none: "application/vnd.oci.image.layer.v1.tar",
  } as const;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: b.configDigest, size: b.config.length },
      layers: b.layers.map((l) => ({ mediaType: mt[l.compression], digest: l.digest, size: l.blob.length })),
    }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: sha(manifest),
          size: manifest.length,
          annotations: { "io.containerd.image.name": img.tag },
        },
      ],
    }),
  );
  const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
  return {
    manifestDigest: sha(manifest),
    build: b,
    files: [
      { name: "oci-layout", body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      { name: "index.json", body: index },
      { name: blob(sha(manifest)), body: manifest },
      { name: blob(b.configDigest), body: b.config },
      ...b.layers.map((l) => ({ name: blob(l.digest), body: l.blob })),
    ],
  };
}

export async function ociLayout(img: TestImage): Promise<{ dir: string; manifestDigest: string }> {
  const { files, manifestDigest } = await ociEntries(img);
  const dir = tmp("layout");
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.name), f.body);
  }
  return { dir, manifestDigest };
}

export async function ociArchive(img: TestImage): Promise<string> {
  const { files } = await ociEntries(img);
  const file = tmp("oci.tar");
  fs.writeFileSync(file, await tarOf(files));
  return file;
}

/** A PEM private key generated now (secretlint's private-key rule wants a real one). */
export function privateKeyPem(): string {
  return crypto
    .generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
}
