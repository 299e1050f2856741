import crypto from "node:crypto";
import { sha1Hex, sha256Hex } from "../hash";
import type { NormalizedFinding } from "../findings/finding";
import { credentialOf } from "./credential";
import { credentialKind, kindOf, type CredentialKind } from "./credential-kind";

export type IdentityKindName = "hmac" | "scanner_hash" | "layer_location" | "location";

/** Strongest first: a key from the value proves the credential, a location only says where one is. */
export const IDENTITY_STRENGTH: Record<IdentityKindName, number> = {
  hmac: 0,
  scanner_hash: 1,
  layer_location: 2,
  location: 3,
};

/** One keyed hash a secret can be found by. A secret has every key any of its findings brought. */
export type SecretKey = { key: string; kind: IdentityKindName };

/** What one finding says about which secret it is. The raw value is not in it. */
export type SecretEvidence = {
  /** Strongest first; the first names a secret first seen through this finding. */
  keys: SecretKey[];
  kind: IdentityKindName;
  preview: string;
  valueLength?: number;
  /** The value itself, or a hash of it, was in the report: two different values are two credentials. */
  valueKnown: boolean;
  credential: CredentialKind;
};

export type KeyedHash = (data: string) => string;

/**
 * HMAC-SHA256 under the server key, remembering what it hashed: one ingest's findings repeat the same inputs (a
 * key in every layer and path of an image), and a createHmac per finding was most of identity's CPU time.
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
 * The keys a finding's secret is known by, strongest evidence first:
 * 1. the raw value, reduced to the credential (lib/secrets/credential.ts), and each other part of a multi-part
 *    credential: HMAC(server key, "sha256:" + sha256(value)) and HMAC(server key, "sha1:" + sha1(value)), so
 *    Residue's own scanner (valueSha256, valueSha1) and detect-secrets (hashed_secret, a sha1) land on the same
 *    secret as a scanner that printed the value;
 * 2. a value hash from the scanner, keyed the same way, so no unkeyed hash is stored;
 * 3. a scanner's own fingerprint (ggshield ignore_sha), keyed as a sha256: it meets that scanner's findings;
 * 4. for a finding with nothing of its value (trivy masks it): the layer, diffID + path + rule, one secret across
 *    every image that shares the layer; else the location in one image, the weakest.
 * Findings without their value are joined to the others at the same place by lib/secrets/link-findings.ts.
 */
export function secretEvidence(
  f: NormalizedFinding,
  hmac: KeyedHash,
  where: { layerKey: string; imageKey: string },
): SecretEvidence {
  // Written for a report of 100,000 findings: no closures or spreads per finding.
  const keys: SecretKey[] = [];
  const value = f.raw ? credentialOf(f.raw) : undefined;
  if (value !== undefined) {
    keys.push(
      { key: hmac(`sha256:${sha256Hex(value)}`), kind: "hmac" },
      { key: hmac(`sha1:${sha1Hex(value)}`), kind: "hmac" },
    );
    for (const part of f.parts ?? []) {
      const v = credentialOf(part);
      keys.push(
        { key: hmac(`sha256:${sha256Hex(v)}`), kind: "hmac" },
        { key: hmac(`sha1:${sha1Hex(v)}`), kind: "hmac" },
      );
    }
  }
  if (f.valueHashes)
    for (const h of f.valueHashes) keys.push({ key: hmac(`${h.algorithm}:${h.hex.toLowerCase()}`), kind: "hmac" });
  const valueKnown = keys.length > 0;
  if (f.scannerHash) keys.push({ key: hmac(`sha256:${f.scannerHash.toLowerCase()}`), kind: "scanner_hash" });
  if (!keys.length) {
    keys.push(
      where.layerKey
        ? { key: hmac(`layer\0${where.layerKey}\0${f.path}\0${f.ruleId}`), kind: "layer_location" }
        : { key: hmac(`loc\0${where.imageKey}\0${f.path}\0${f.ruleId}\0${f.line ?? 0}`), kind: "location" },
    );
  }
  const kind = credentialKind({ detector: f.detector, ruleId: f.ruleId, title: f.title, partHint: f.partHint, value });
  return {
    keys: f.parts?.length || (f.valueHashes && value !== undefined) ? unique(keys) : keys,
    kind: keys[0]!.kind,
    preview: value !== undefined ? previewOf(value) : maskedPreview(f.masked, f.valueLength),
    valueLength: value !== undefined ? value.length : f.valueLength,
    valueKnown,
    credential: f.parts?.length ? kindOf(kind.family, "whole") : kind,
  };
}

function unique(keys: SecretKey[]): SecretKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => !seen.has(k.key) && seen.add(k.key));
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

const SENSITIVE_ASSIGNMENT =
  /\b([A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/gi;

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
