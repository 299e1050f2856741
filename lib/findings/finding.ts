import type { ImageRef } from "../images/parse-image-ref";

import type { Severity } from "../vocabulary/severity";

/** Layer evidence, when the report carries it. The digest is compressed, the diffID uncompressed. */
export type LayerRef = {
  diffId?: string;
  digest?: string;
  createdBy?: string;
  size?: number;
  /** rootfs position */ index?: number;
};

/** What the report says about the scanned image (trivy Metadata, SARIF run properties, …). */
export type ImageInfo = {
  ref?: ImageRef;
  configDigest?: string;
  platform?: string;
  /** Ordered image history: created_by per entry, with the layer it produced (none for empty layers). */
  history?: { createdBy?: string; emptyLayer: boolean }[];
  /** rootfs order. */
  layers?: LayerRef[];
};

/**
 * One secret finding, normalised. `raw` is the secret value when the report carries it: it is hashed and
 * dropped by lib/secrets/identity.ts before anything is written, logged or returned.
 */
export type NormalizedFinding = {
  ruleId: string;
  detector: string;
  title?: string;
  severity: Severity;
  path: string;
  line?: number;
  source: "file" | "history" | "env" | "config";
  raw?: string;
  /**
   * The other parts of a credential made of several, when the finding holds them all (the secret of an AWS key
   * pair beside its key id in trufflehog's RawV2). Raw values, dropped with `raw`.
   */
  parts?: string[];
  /** What the scanner says the match is (ggshield's match type: client_id, client_secret, apikey). */
  partHint?: string;
  /** Hashes of the value given by the scanner: detect-secrets (sha1), Residue's SARIF (sha256 and sha1). */
  valueHashes?: { algorithm: "sha1" | "sha256"; hex: string }[];
  /**
   * A scanner's own fingerprint that may not be a hash of the value alone (ggshield's ignore_sha is the SHA-256 of
   * "<match>,<match type>" per match): it identifies the secret among that scanner's findings only.
   */
  scannerHash?: string;
  /** The scanner's own masked rendering, used for the preview when there is no raw value. */
  masked?: string;
  /** The value's length, when the report states it (Residue's SARIF): a number, never part of the value. */
  valueLength?: number;
  verified?: boolean;
  layer?: LayerRef;
  /** The later layer that deleted or whited out the file: the secret is residue, still extractable from `layer`. */
  deletedIn?: LayerRef;
  /** Per-finding image (trufflehog docker lines); otherwise the report's or the upload's image. */
  image?: ImageRef;
};

export type ParseResult = {
  scanner: string;
  format: string;
  toolName?: string;
  scannerVersion?: string;
  target?: string;
  scannedAt?: Date;
  image?: ImageInfo;
  findings: NormalizedFinding[];
  /** Non-secret results (vulnerabilities, misconfigurations, licences) and suppressed ones. */
  skipped: number;
};
