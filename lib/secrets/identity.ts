import crypto from "node:crypto";
import { sha256Hex } from "../hash";
import type { NormalizedFinding } from "../ingest/finding";

export type IdentityKindName = "hmac" | "scanner_hash" | "layer_location" | "location";
export type SecretIdentity = { kind: IdentityKindName; key: string; preview: string; valueLength?: number };

export type KeyedHash = (data: string) => string;

/**
 * HMAC-SHA256 under the server key, remembering what it hashed: one ingest's findings repeat the same inputs (a
 * key in every layer and path of an image), and createHmac per finding was ~0.7 s of CPU for 100,000 findings.
 * Make one per ingest; it holds keyed hashes only, never a raw value.
 */
export function keyedHash(serverKey: Buffer): KeyedHash {
  const seen = new Map<string, string>();
  return (data) => {
    let out = seen.get(data);
    if (out === undefined) seen.set(data, (out = crypto.createHmac("sha256", serverKey).update(data).digest("hex")));
    return out;
  };
}

/**
 * The fleet identity of a finding's secret, strongest evidence first:
 * 1. the raw value: HMAC(server key, "sha256:" + sha256(value)), so ggshield's ignore_sha (a sha256 of the value)
 *    and Residue's own scanner (valueSha256) land on the same identity as a scanner that printed the value;
 * 2. a value hash from the scanner (detect-secrets sha1), keyed again so no unkeyed hash is stored;
 * 3. the layer: diffID + path + rule, one secret across every image that shares the layer;
 * 4. the location in one image: the weakest, when nothing else is known.
 * The raw value never leaves this function: only the keyed hash, a preview and the length do.
 */
export function secretIdentity(f: NormalizedFinding, hmac: KeyedHash, where: { layerKey: string; imageKey: string }): SecretIdentity {
  if (f.raw) {
    return { kind: "hmac", key: hmac(`sha256:${sha256Hex(f.raw)}`), preview: previewOf(f.raw), valueLength: f.raw.length };
  }
  const preview = maskedPreview(f.masked);
  if (f.valueHash) {
    const kind = f.valueHash.algorithm === "sha256" ? "hmac" : "scanner_hash";
    return { kind, key: hmac(`${f.valueHash.algorithm}:${f.valueHash.hex.toLowerCase()}`), preview };
  }
  if (where.layerKey) {
    return { kind: "layer_location", key: hmac(["layer", where.layerKey, f.path, f.ruleId].join("\0")), preview };
  }
  return { kind: "location", key: hmac(["loc", where.imageKey, f.path, f.ruleId, f.line ?? 0].join("\0")), preview };
}

/** A few leading characters and the length; short values show nothing at all. */
export function previewOf(raw: string): string {
  const shown = raw.length >= 20 ? 4 : raw.length >= 12 ? 2 : 0;
  return `${raw.slice(0, shown)}${"•".repeat(4)} (${raw.length} chars)`;
}

// The scanner's own masked rendering (trivy Match, ggshield match). Keep it short: it is display text only.
function maskedPreview(masked: string | undefined): string {
  if (!masked) return "(value not in report)";
  const t = masked.replace(/\s+/g, " ").trim();
  return t.length > 48 ? `${t.slice(0, 45)}…` : t;
}

const SENSITIVE_ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Makes image history text (`created_by`, as `docker history --no-trunc` prints it) safe to store: every secret
 * value this report revealed is replaced, and so is the value of any build argument or variable whose name says
 * it holds a credential (`RUN |1 NPM_TOKEN=… /bin/sh -c …`).
 */
export function scrubHistoryText(text: string, rawValues: readonly string[]): string {
  let out = text;
  for (const raw of rawValues) if (raw.length >= 4) out = out.split(raw).join("[REDACTED]");
  return out.replace(SENSITIVE_ASSIGNMENT, (_, name: string) => `${name}=[REDACTED]`);
}
