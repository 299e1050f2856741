import { ResidueError } from "../../errors";
import { neutraliseControls } from "../../safe-text";
import type { ParseResult } from "../../findings/finding";
import type { ReportDocument } from "../read/read-document";
import { asffParser } from "./asff";
import { deepfenceParser } from "./deepfence";
import { defectdojoGenericParser } from "./defectdojo-generic";
import { detectSecretsParser } from "./detect-secrets";
import { ggshieldParser } from "./ggshield";
import { githubSecretScanningParser } from "./github-secret-scanning";
import { gitlabSecretDetectionParser } from "./gitlab-secret-detection";
import { gitleaksParser } from "./gitleaks";
import { noseyparkerParser } from "./noseyparker";
import type { ReportParser } from "./parser";
import { sarifParser } from "./sarif";
import { secretlintParser } from "./secretlint";
import { trivyParser } from "./trivy";
import { trivyOperatorParser } from "./trivy-operator";
import { trufflehogParser } from "./trufflehog";
import { trufflehog2Parser } from "./trufflehog2";
import { trufflehog3Parser } from "./trufflehog3";

/** Every supported format. Static imports: a missing parser is a build error, not a silent gap. */
export const PARSERS: readonly ReportParser[] = [
  sarifParser,
  trivyParser,
  trivyOperatorParser,
  trufflehogParser,
  trufflehog3Parser,
  gitleaksParser,
  secretlintParser,
  detectSecretsParser,
  ggshieldParser,
  noseyparkerParser,
  gitlabSecretDetectionParser,
  githubSecretScanningParser,
  asffParser,
  trufflehog2Parser,
  defectdojoGenericParser,
  deepfenceParser,
];

export const FORMAT_IDS = PARSERS.map((p) => p.id) as [string, ...string[]];

/** `null`, `[]` and `{}` are what several scanners print for a clean run: valid, but they name no format. */
export function isEmptyReport(doc: ReportDocument): boolean {
  if (doc.kind === "jsonl")
    return doc.lines.every((l) => l !== null && typeof l === "object" && Object.keys(l).length === 0);
  const v = doc.value;
  return v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && Object.keys(v).length === 0);
}

/** Picks the parser: the explicit format when given, otherwise exactly one parser must recognise the shape. */
export function detectParser(doc: ReportDocument, format?: string): ReportParser {
  if (format) {
    const p = PARSERS.find((x) => x.id === format);
    if (!p)
      throw new ResidueError(
        "unsupported_report",
        `Unknown format "${format.slice(0, 40)}". Known formats: ${FORMAT_IDS.join(", ")}.`,
      );
    return p;
  }
  const hits = PARSERS.filter((p) => p.sniff(doc));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1)
    throw new ResidueError(
      "unsupported_report",
      `Ambiguous report: it looks like ${hits.map((p) => p.id).join(" and ")}. Pass format= to choose.`,
    );
  throw new ResidueError(
    "unsupported_report",
    `Unrecognised report format. Residue reads ${PARSERS.map((p) => `${p.label} (format=${p.id})`).join(", ")}. If the report is one of them, name it with format= (a query parameter or multipart field).`,
  );
}

const LIMITS = { ruleId: 256, path: 4096, raw: 65_536 } as const;

/** What a report with no records at all parses to when no format was asked for: a clean scan by an unnamed scanner. */
export const EMPTY_REPORT = (): ParseResult => ({ scanner: "unknown", format: "empty", findings: [], skipped: 0 });

/**
 * Limits every parser's output obeys, whichever way the report was read; and the text that will be displayed
 * (rule, detector, title, path, history) with its control characters made visible.
 */
export function checkFindings(result: ParseResult): ParseResult {
  const safe = neutraliseControls;
  if (result.target) result.target = safe(result.target);
  if (result.toolName) result.toolName = safe(result.toolName);
  for (const h of result.image?.history ?? []) if (h.createdBy) h.createdBy = safe(h.createdBy);
  checkDigest(result.image?.configDigest, "The image ID (config digest)");
  checkDigest(result.image?.ref?.digest, "The image digest");
  result.image?.layers?.forEach((l, i) => {
    checkDigest(l.diffId, `Layer ${i + 1} of the image: diffID`);
    checkDigest(l.digest, `Layer ${i + 1} of the image: digest`);
  });
  result.findings.forEach((f, i) => {
    f.ruleId = safe(f.ruleId);
    f.detector = safe(f.detector);
    if (f.title) f.title = safe(f.title);
    f.path = safe(f.path);
    if (f.layer?.createdBy) f.layer.createdBy = safe(f.layer.createdBy);
    if (f.deletedIn?.createdBy) f.deletedIn.createdBy = safe(f.deletedIn.createdBy);
    if (!f.ruleId || f.ruleId.length > LIMITS.ruleId)
      throw new ResidueError(
        "unprocessable_entity",
        `Finding ${i + 1}: rule id is empty or longer than ${LIMITS.ruleId} characters.`,
      );
    if (f.path.length > LIMITS.path)
      throw new ResidueError(
        "unprocessable_entity",
        `Finding ${i + 1}: path is longer than ${LIMITS.path} characters.`,
      );
    checkDigest(f.layer?.diffId, `Finding ${i + 1}: layer diffID`);
    checkDigest(f.layer?.digest, `Finding ${i + 1}: layer digest`);
    checkDigest(f.deletedIn?.diffId, `Finding ${i + 1}: deleting layer diffID`);
    checkDigest(f.deletedIn?.digest, `Finding ${i + 1}: deleting layer digest`);
    checkDigest(f.image?.digest, `Finding ${i + 1}: image digest`);
    if (f.raw && f.raw.length > LIMITS.raw)
      throw new ResidueError(
        "unprocessable_entity",
        `Finding ${i + 1}: the matched value is longer than ${LIMITS.raw} characters; this is not a credential.`,
      );
  });
  return result;
}

// Content digests as the OCI image spec registers them. Anything else (a 5,000-character "diffID") is refused
// here with the field named, before it reaches an index.
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
function checkDigest(value: string | undefined, what: string) {
  if (value !== undefined && !DIGEST.test(value)) {
    throw new ResidueError(
      "unprocessable_entity",
      `${what} is not a content digest ("sha256:" and 64 lower-case hex digits): "${value.slice(0, 40)}${value.length > 40 ? "…" : ""}".`,
    );
  }
}
