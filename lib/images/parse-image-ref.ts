import { ResidueError } from "../errors";

export type ImageRef = {
  registry: string; // docker.io, ghcr.io, localhost:5000
  repository: string; // library/nginx, acme/api
  tag?: string;
  digest?: string; // sha256:<64 hex>
};

// distribution/reference's digest grammar, with the encoded part bounded (sha512 is the longest registered).
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,128}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Parses an image reference with the Docker rules (distribution/reference): the first component is a registry
 * only if it contains "." or ":" or is "localhost"; docker.io is the default registry (index.docker.io and
 * registry-1.docker.io are the same); official images live under library/; a missing tag means latest unless a
 * digest pins the image.
 */
export function parseImageRef(input: string): ImageRef {
  const ref = input.trim();
  if (!ref || ref.length > 512 || /\s/.test(ref))
    throw new ResidueError("bad_request", `Invalid image reference "${ref.slice(0, 80)}"`);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw new ResidueError("bad_request", `Invalid digest in image reference "${ref.slice(0, 80)}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ResidueError("bad_request", `Invalid tag in image reference "${ref.slice(0, 80)}"`);
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  if (parts.length > 1 && (parts[0]!.includes(".") || parts[0]!.includes(":") || parts[0] === "localhost")) {
    registry = parts.shift()!.toLowerCase();
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = "docker.io";
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  if (!parts.length || !parts.every((p) => PATH_COMPONENT.test(p))) {
    throw new ResidueError("bad_request", `Invalid repository name in image reference "${ref.slice(0, 80)}"`);
  }
  if (!tag && !digest) tag = "latest";
  return { registry, repository: parts.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Like parseImageRef, but returns undefined for anything that is not an image reference (paths, ".", URLs). */
export function tryParseImageRef(input: string | undefined | null): ImageRef | undefined {
  if (!input || input.includes("://") || input.startsWith(".") || input.startsWith("/")) return undefined;
  try {
    return parseImageRef(input);
  } catch {
    return undefined;
  }
}

export function formatImageRef(ref: ImageRef): string {
  const host = ref.registry === "docker.io" ? "" : `${ref.registry}/`;
  const repo =
    ref.registry === "docker.io" && ref.repository.startsWith("library/") ? ref.repository.slice(8) : ref.repository;
  return `${host}${repo}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}
