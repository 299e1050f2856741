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
  /**
   * For a finding without an image: the code repository it was found in, when the report names one per finding
   * (GitHub alerts of a whole organisation). Otherwise the report's source (lib/images/source-name.ts).
   */
  origin?: string;
  /** The scanning service already closed this finding (a resolved GitHub alert): evidence, not a new open finding. */
  upstream?: UpstreamResolution;
};

/**
 * How a finding was closed where it was found. `revoked` says the credential no longer works (rotation evidence);
 * the other resolutions are a person's triage there (lib/triage/apply-upstream.ts applies them to untriaged secrets).
 */
export type UpstreamResolution = {
  service: string;
  resolution: "revoked" | "false_positive" | "used_in_tests" | "wont_fix" | "pattern_edited" | "pattern_deleted";
  by?: string;
  at?: Date;
  comment?: string;
  url?: string;
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
