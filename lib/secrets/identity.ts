import crypto from "node:crypto";
import { sha256Hex } from "../hash";
import type { NormalizedFinding } from "../ingest/finding";
import { credentialOf } from "./credential";

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
 * 1. the raw value, reduced to the credential (lib/secrets/credential.ts): HMAC(server key, "sha256:" +
 *    sha256(value)), so ggshield's ignore_sha (a sha256 of the value) and Residue's own scanner (valueSha256) land
 *    on the same identity as a scanner that printed the value;
 * 2. a value hash from the scanner (detect-secrets sha1), keyed again so no unkeyed hash is stored;
 * 3. the layer: diffID + path + rule, one secret across every image that shares the layer;
 * 4. the location in one image: the weakest, when nothing else is known.
 * The raw value never leaves this function: only the keyed hash, a preview and the length do.
 */
export function secretIdentity(f: NormalizedFinding, hmac: KeyedHash, where: { layerKey: string; imageKey: string }): SecretIdentity {
  if (f.raw) {
    const value = credentialOf(f.raw);
    return { kind: "hmac", key: hmac(`sha256:${sha256Hex(value)}`), preview: previewOf(value), valueLength: value.length };
  }
  const preview = maskedPreview(f.masked, f.valueLength);
  if (f.valueHash) {
    const kind = f.valueHash.algorithm === "sha256" ? "hmac" : "scanner_hash";
    return { kind, key: hmac(`${f.valueHash.algorithm}:${f.valueHash.hex.toLowerCase()}`), preview, valueLength: f.valueLength };
  }
  if (where.layerKey) {
    return { kind: "layer_location", key: hmac(["layer", where.layerKey, f.path, f.ruleId].join("\0")), preview };
  }
  return { kind: "location", key: hmac(["loc", where.imageKey, f.path, f.ruleId, f.line ?? 0].join("\0")), preview };
}

const MASK_CHAR = /[*•…#]/;

/**
 * The only way a preview is made, from a raw value or from whatever a scanner put in a "masked" field (which may
 * hold the whole token, whatever the scanner claims): the credential is taken out of the text, and at most four
 * leading characters of it are shown (two below 20 characters, none below 12), only letters, digits, "_" and "-",
 * stopping at the first mask character. The length is shown for a raw value, or when the scanner states it as a
 * number (Residue's own SARIF).
 */
export function previewOf(value: string, from: "raw" | "scanner" = "raw", scannerLength?: number): string {
  const credential = credentialOf(value);
  const length = from === "raw" ? credential.length : scannerLength;
  const size = length ?? credential.length;
  const shown = size >= 20 ? 4 : size >= 12 ? 2 : 0;
  let lead = "";
  for (const ch of credential.slice(0, shown)) {
    if (MASK_CHAR.test(ch) || !/[A-Za-z0-9_-]/.test(ch)) break;
    lead += ch;
  }
  return `${lead}${"•".repeat(4)}${length ? ` (${length} chars)` : ""}`;
}

// The scanner's own masked rendering (trivy Match, ggshield match, trufflehog Redacted): display text only.
function maskedPreview(masked: string | undefined, length: number | undefined): string {
  return masked?.trim() ? previewOf(masked, "scanner", length) : "(value not in report)";
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
