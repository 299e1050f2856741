import { z } from "zod";
import { ResidueError, formatZodError } from "../../errors";
import type { ImageRef } from "../../images/parse-image-ref";
import type { ParseResult } from "../../findings/finding";
import type { Severity as SeverityLevel } from "../../vocabulary/severity";
import type { ReportDocument, ReportPart } from "../read/read-document";

export type ParseContext = {
  /** The upload's `image` parameter, already parsed; reports that carry their own image take precedence. */
  image?: ImageRef;
};

/**
 * One report format. Pure: no database, no I/O. A parse is a session fed the report's documents in order
 * (lib/ingest/parse-report.ts is the one driver): a JSON report is one document, JSON lines come as batches of
 * records, and a large SARIF log as its skeleton and then its results in parts (lib/ingest/read/).
 */
export interface ReportParser {
  id: string;
  label: string;
  /** Cheap structural test on the top-level shape or the first record (of the first document). */
  sniff(doc: ReportDocument): boolean;
  begin(ctx: ParseContext): ParseSession;
}
export interface ParseSession {
  add(part: ReportPart): void;
  finish(): ParseResult;
}

const NO_LINES: ReportDocument = { kind: "jsonl", lines: [], lineNumbers: [] };

/**
 * A format whose documents each parse on their own (every format but SARIF's parts): the session parses each and
 * concatenates the findings. A session given nothing parses an empty JSON-lines document (an empty report).
 */
export function perDocument(format: {
  id: string;
  label: string;
  sniff(doc: ReportDocument): boolean;
  parse(doc: ReportDocument, ctx: ParseContext): ParseResult;
}): ReportParser {
  return {
    id: format.id,
    label: format.label,
    sniff: format.sniff,
    begin(ctx) {
      let result: ParseResult | null = null;
      return {
        add(doc) {
          if (doc.kind === "sarif-results")
            throw new ResidueError("unprocessable_entity", `A ${format.label} report has no SARIF results.`);
          const part = format.parse(doc, ctx);
          if (!result) result = part;
          else {
            for (const f of part.findings) result.findings.push(f);
            result.skipped += part.skipped;
            result.target ??= part.target;
          }
        },
        finish: () => result ?? format.parse(NO_LINES, ctx),
      };
    },
  };
}

/** Validates a report against a parser's zod schema; a violation names the JSON path. */
export function parseShape<T extends z.ZodType>(schema: T, value: unknown, label: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ResidueError("unprocessable_entity", `Not a valid ${label} report: ${formatZodError(result.error)}`);
  return result.data;
}

/**
 * One value per distinct key, made once: large reports repeat the same few images, layers and rule names on every
 * finding, and each finding is held until the write.
 */
export function interner<T>(): (key: string, make: () => T) => T {
  const seen = new Map<string, T>();
  return (key, make) => {
    let value = seen.get(key);
    if (value === undefined) seen.set(key, (value = make()));
    return value;
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The JSON value of a single-document report, or a clear error for JSON lines. */
export function jsonValue(doc: ReportDocument, label: string): unknown {
  if (doc.kind !== "json")
    throw new ResidueError("unprocessable_entity", `A ${label} report is one JSON document, not JSON lines.`);
  return doc.value;
}

/** Records of a JSON-lines report; a single JSON document counts as one line (or as the lines of an array). */
export function jsonLines(doc: ReportDocument): unknown[] {
  if (doc.kind === "jsonl") return doc.lines;
  return Array.isArray(doc.value) ? doc.value : [doc.value];
}

export function firstRecord(doc: ReportDocument): unknown {
  if (doc.kind === "jsonl") return doc.lines[0];
  return Array.isArray(doc.value) ? doc.value[0] : doc.value;
}

const WORD_SEVERITY: Record<string, SeverityLevel> = {
  critical: "critical",
  high: "high",
  error: "high",
  medium: "medium",
  moderate: "medium",
  warning: "medium",
  low: "low",
  note: "low",
  info: "info",
  informational: "info",
  none: "info",
  unknown: "medium",
};

/** Maps scanner severity words (trivy, SARIF levels, secretlint) to ours; unknown words become medium. */
export function severityFromWord(word: string | null | undefined, fallback: SeverityLevel = "medium"): SeverityLevel {
  return (word && WORD_SEVERITY[word.toLowerCase()]) || fallback;
}

/** CVSS-style score, as SARIF `security-severity` carries it (GitHub's thresholds). */
export function severityFromScore(score: number): SeverityLevel {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "info";
}

/** Scanners without a severity: a live (verified) credential is critical, otherwise high. */
export function severityFromLiveness(verified: boolean | undefined): SeverityLevel {
  return verified ? "critical" : "high";
}

/** Values that scanners print in place of a redacted secret: not usable as an identity. */
export function usableRaw(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  if (/^REDACTED$/i.test(value) || /^\*+$/.test(value) || /\*{4,}/.test(value)) return undefined;
  return value;
}

/** A report's time, or undefined when it is missing or not a date (a report is not refused over its timestamp). */
export function dateOf(s: string | null | undefined): Date | undefined {
  const d = s ? new Date(s) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

export function positiveInt(v: unknown): number | undefined {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}
