import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import { ResidueError } from "../errors";
import { indexTar, type TarEntry } from "./tar-index";

const MAX_JSON = 16 << 20; // manifests and configs are small; refuse anything absurd

export type ImageSource = {
  format: "docker-archive" | "oci-archive" | "oci-layout";
  repoTags: string[];
  manifestDigest?: string;
  configDigest?: string;
  config: ImageConfig;
  layers: { blob: string; digest?: string; size: number }[]; // in order; blob = where to read it
  openBlob(blob: string): Readable;
};

const configSchema = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  config: z
    .looseObject({ Env: z.array(z.string()).nullish(), Labels: z.record(z.string(), z.string()).nullish() })
    .nullish(),
  rootfs: z.looseObject({ diff_ids: z.array(z.string()) }),
  history: z.array(z.looseObject({ created_by: z.string().optional(), empty_layer: z.boolean().optional() })).nullish(),
});
export type ImageConfig = z.infer<typeof configSchema>;
const dockerManifest = z
  .array(z.looseObject({ Config: z.string(), RepoTags: z.array(z.string()).nullish(), Layers: z.array(z.string()) }))
  .min(1);
const descriptor = z.looseObject({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z.looseObject({ os: z.string().optional(), architecture: z.string().optional() }).optional(),
});
const ociIndex = z.looseObject({ manifests: z.array(descriptor).min(1) });
const ociManifest = z.looseObject({ config: descriptor, layers: z.array(descriptor) });

function parseJson<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ResidueError("bad_request", `${what} is not valid JSON.`);
  }
  const r = schema.safeParse(value);
  if (!r.success)
    throw new ResidueError(
      "bad_request",
      `${what} is not what an image archive holds: ${r.error.issues[0]?.path.join(".")} ${r.error.issues[0]?.message}`,
    );
  return r.data;
}

/** Random access to files inside a tar or a directory, the only difference between the three formats. */
type Files = {
  has(p: string): boolean;
  size(p: string): number;
  open(p: string): Readable;
  text(p: string, what: string): Promise<string>;
};

async function readAll(s: Readable, limit: number, what: string): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    n += (c as Buffer).length;
    if (n > limit) throw new ResidueError("bad_request", `${what} is larger than ${limit} bytes.`);
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts).toString("utf8");
}

function tarFiles(file: string, index: Map<string, TarEntry>): Files {
  const get = (p: string) => {
    const e = index.get(p.replace(/^\.\//, ""));
    if (!e || e.type !== "file") throw new ResidueError("bad_request", `The archive has no ${p}.`);
    return e;
  };
  return {
    has: (p) => index.get(p.replace(/^\.\//, ""))?.type === "file",
    size: (p) => get(p).size,
    open: (p) => {
      const e = get(p);
      return e.size === 0
        ? fs.createReadStream(file, { start: 1, end: 0 })
        : fs.createReadStream(file, { start: e.offset, end: e.offset + e.size - 1 });
    },
    text: (p, what) => readAll(tarFiles(file, index).open(p), MAX_JSON, what),
  };
}

function dirFiles(dir: string): Files {
  const root = fs.realpathSync(dir);
  // Resolved with symlinks followed: a blob that is a symlink to a file outside the layout is refused, not read.
  const full = (p: string) => {
    const f = path.resolve(root, p);
    if (!fs.existsSync(f)) throw new ResidueError("bad_request", `The layout has no ${p}.`);
    const real = fs.realpathSync(f);
    if (!real.startsWith(root + path.sep))
      throw new ResidueError(
        "bad_request",
        `${p} points outside the layout (a symlink to ${path.relative(root, real).slice(0, 80)}): refused.`,
      );
    if (!fs.statSync(real).isFile()) throw new ResidueError("bad_request", `${p} in the layout is not a regular file.`);
    return real;
  };
  return {
    has: (p) => fs.existsSync(path.resolve(root, p)),
    size: (p) => fs.statSync(full(p)).size,
    open: (p) => fs.createReadStream(full(p)),
    text: (p, what) => readAll(fs.createReadStream(full(p)), MAX_JSON, what),
  };
}

const blobPath = (digest: string) => {
  const m = /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest);
  if (!m) throw new ResidueError("bad_request", `Invalid digest ${digest.slice(0, 80)}.`);
  return `blobs/${m[1]}/${m[2]}`;
};

/** Opens a docker-save archive, an OCI archive or an OCI layout directory, reading only the metadata. */
export async function openImage(source: string, opts: { platform?: string; tag?: string } = {}): Promise<ImageSource> {
  // `layout-dir:tag` names one image of an OCI layout that holds several (the skopeo/umoci convention).
  let input = source;
  let wantedTag = opts.tag;
  if (!fs.existsSync(input)) {
    const m = /^(.*):([^:/]+)$/.exec(input);
    if (m && fs.existsSync(m[1]!)) [input, wantedTag] = [m[1]!, wantedTag ?? m[2]!];
  }
  if (!fs.existsSync(input)) throw new ResidueError("bad_request", `No such file or directory: ${input}`);
  const isDir = fs.statSync(input).isDirectory();
  const files = isDir ? dirFiles(input) : tarFiles(input, await indexTar(input));

  if (!isDir && files.has("manifest.json")) {
    const [m] = parseJson(await files.text("manifest.json", "manifest.json"), dockerManifest, "manifest.json");
    const configText = await files.text(m!.Config, "The image config");
    const configDigest =
      /blobs\/sha256\/([a-f0-9]{64})$/.exec(m!.Config)?.[1] ?? /^([a-f0-9]{64})\.json$/.exec(m!.Config)?.[1];
    if (configDigest) verifyDigest(configText, `sha256:${configDigest}`, "The image config");
    const config = parseJson(configText, configSchema, "The image config");
    checkLayerCount(m!.Layers.length, config);
    return {
      format: "docker-archive",
      repoTags: m!.RepoTags ?? [],
      configDigest: configDigest ? `sha256:${configDigest}` : undefined,
      config,
      layers: m!.Layers.map((l) => ({
        blob: l,
        size: files.size(l),
        digest: /blobs\/sha256\/([a-f0-9]{64})$/.exec(l) ? `sha256:${/([a-f0-9]{64})$/.exec(l)![1]}` : undefined,
      })),
      openBlob: (b) => files.open(b),
    };
  }
  if (files.has("index.json")) {
    let index = parseJson(await files.text("index.json", "index.json"), ociIndex, "index.json");
    let desc = pickManifest(chooseTag(index.manifests, wantedTag), opts.platform);
    // A nested image index (multi-platform): descend once.
    if (/index/.test(desc.mediaType ?? "")) {
      index = parseJson(await files.text(blobPath(desc.digest), "The image index"), ociIndex, "The image index");
      desc = pickManifest(index.manifests, opts.platform);
    }
    const manifestText = await files.text(blobPath(desc.digest), "The manifest");
    verifyDigest(manifestText, desc.digest, "The manifest");
    const manifest = parseJson(manifestText, ociManifest, "The manifest");
    const configText = await files.text(blobPath(manifest.config.digest), "The image config");
    verifyDigest(configText, manifest.config.digest, "The image config");
    const config = parseJson(configText, configSchema, "The image config");
    checkLayerCount(manifest.layers.length, config);
    for (const [i, l] of manifest.layers.entries()) {
      const actual = files.size(blobPath(l.digest));
      if (l.size !== undefined && actual !== l.size)
        throw new ResidueError(
          "bad_request",
          `Layer ${i + 1} (${l.digest.slice(0, 19)}…) is ${actual} bytes where the manifest says ${l.size}: the image is truncated or damaged.`,
        );
    }
    const tag =
      desc.annotations?.["io.containerd.image.name"] ?? desc.annotations?.["org.opencontainers.image.ref.name"];
    return {
      format: isDir ? "oci-layout" : "oci-archive",
      repoTags: tag && /[:/]/.test(tag) ? [tag] : [],
      manifestDigest: desc.digest,
      configDigest: manifest.config.digest,
      config,
      layers: manifest.layers.map((l) => ({
        blob: blobPath(l.digest),
        digest: l.digest,
        size: files.size(blobPath(l.digest)),
      })),
      openBlob: (b) => files.open(b),
    };
  }
  throw new ResidueError(
    "unsupported_report",
    "Not an image archive: expected docker save output (manifest.json) or an OCI image layout (oci-layout, index.json).",
  );
}

/** A blob read as text must hash to the digest it is stored under: otherwise the archive is damaged. */
function verifyDigest(text: string, digest: string, what: string) {
  const [algorithm, hex] = digest.split(":");
  if (algorithm !== "sha256" && algorithm !== "sha512") return;
  if (crypto.createHash(algorithm).update(text, "utf8").digest("hex") !== hex) {
    throw new ResidueError(
      "bad_request",
      `${what} does not match its digest ${digest.slice(0, 19)}…: the archive is truncated or damaged.`,
    );
  }
}

function checkLayerCount(layers: number, config: ImageConfig) {
  if (layers !== config.rootfs.diff_ids.length) {
    throw new ResidueError(
      "bad_request",
      `The manifest lists ${layers} layer(s) but the image config has ${config.rootfs.diff_ids.length} diff_ids: the archive is damaged.`,
    );
  }
}

const refName = (d: z.infer<typeof descriptor>) =>
  d.annotations?.["org.opencontainers.image.ref.name"] ?? d.annotations?.["io.containerd.image.name"];

/**
 * An OCI layout may hold several images, each named by a ref.name annotation. With a tag, that one (by its whole
 * name or the part after the last ":"); without, there must be only one name: scanning "the first" silently
 * would report on an image nobody chose.
 */
function chooseTag(list: z.infer<typeof descriptor>[], tag: string | undefined) {
  const names = [...new Set(list.map(refName).filter((n): n is string => !!n))];
  if (tag !== undefined) {
    const hits = list.filter((d) => {
      const n = refName(d);
      return (
        n === tag ||
        (n !== undefined && n.slice(n.lastIndexOf(":") + 1) === tag && n.lastIndexOf(":") > n.lastIndexOf("/"))
      );
    });
    if (!hits.length)
      throw new ResidueError(
        "bad_request",
        `The layout has no image tagged "${tag.slice(0, 80)}". Tags: ${names.join(", ") || "(none)"}.`,
      );
    return hits;
  }
  if (names.length > 1)
    throw new ResidueError(
      "bad_request",
      `The layout holds ${names.length} images; choose one with --tag TAG or LAYOUT:TAG. Tags: ${names.join(", ")}.`,
    );
  return list;
}

function pickManifest(list: z.infer<typeof descriptor>[], platform?: string) {
  const [os, arch] = (platform ?? "linux/amd64").split("/");
  return (
    list.find((d) => d.platform?.os === os && d.platform?.architecture === arch) ??
    list.find((d) => !d.platform) ??
    list[0]!
  );
}
