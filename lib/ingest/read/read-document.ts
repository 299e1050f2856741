import { ResidueError } from "../../errors";

/** JSON lines: the records, and the line of the report each came from (blank lines are skipped). */
export type JsonLinesDocument = { kind: "jsonl"; lines: unknown[]; lineNumbers: number[] };

/**
 * Results of a large SARIF log read in parts (./sarif-stream.ts): they follow the log's skeleton, which came first
 * as a "json" document with its results arrays empty; `run` is each result's index in `runs`.
 */
export type SarifResultsDocument = { kind: "sarif-results"; results: { run: number; json: string }[] };

/** A report decoded just enough to sniff its format: one JSON document, or (a batch of) JSON lines. */
export type ReportDocument = { kind: "json"; value: unknown } | JsonLinesDocument;

/** What a parse session is fed, in order: documents, or more results of the SARIF log begun before. */
export type ReportPart = ReportDocument | SarifResultsDocument;

/** Decodes report text as JSON or, failing that, JSON lines. Errors name the line and column. */
export function readDocument(text: string): ReportDocument {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) throw new ResidueError("bad_request", "The report is empty.");
  try {
    return { kind: "json", value: JSON.parse(body) };
  } catch (wholeErr) {
    if (startsAsJsonLines(body, true)) {
      const doc: JsonLinesDocument = { kind: "jsonl", lines: [], lineNumbers: [] };
      body.split("\n").forEach((line, i) => addJsonLine(doc, line, i + 1));
      return doc;
    }
    const where = position(body, wholeErr);
    throw new ResidueError(
      "bad_request",
      `Invalid JSON${where ? ` at line ${where.line}, column ${where.column}` : ""}: ${jsonMessage(wholeErr)}`,
      where,
    );
  }
}

/**
 * JSON lines rather than one document: the first non-blank line is a complete JSON object on its own, and more
 * lines follow. `text` is the whole report, or (complete = false) its beginning, for a report streamed from a file.
 */
export function startsAsJsonLines(text: string, complete: boolean): boolean {
  const lines = text.split("\n");
  const first = lines.findIndex((l) => l.trim());
  if (first < 0 || first === lines.length - 1) return false; // no complete first line
  if (!isJson(lines[first]!)) return false;
  return !complete || lines.slice(first + 1).some((l) => l.trim());
}

/** Adds one line of a JSON-lines report to `doc` (blank lines are skipped); a line that is not JSON is named. */
export function addJsonLine(doc: JsonLinesDocument, line: string, lineNo: number): void {
  if (!line.trim()) return;
  try {
    doc.lines.push(JSON.parse(line));
  } catch (e) {
    throw new ResidueError("bad_request", `Invalid JSON on line ${lineNo}: ${jsonMessage(e)}`, { line: lineNo });
  }
  doc.lineNumbers.push(lineNo);
}

function isJson(line: string): boolean {
  try {
    const v = JSON.parse(line);
    return typeof v === "object" && v !== null;
  } catch {
    return false;
  }
}

// V8 messages quote the offending text, which may be part of a secret: keep only the grammar part.
function jsonMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/end of JSON input/i.test(msg)) return "unexpected end of input (truncated?)";
  if (/Unterminated string/i.test(msg)) return "unterminated string (truncated?)";
  if (/Unexpected token|Unexpected non-whitespace|Expected/i.test(msg)) return "unexpected character";
  return "malformed JSON";
}

function position(text: string, e: unknown): { line: number; column: number } | undefined {
  const msg = e instanceof Error ? e.message : "";
  const m = /position (\d+)/.exec(msg);
  // "Unexpected end of JSON input" carries no position: the problem is at the end.
  const pos = m ? Number(m[1]) : /end of JSON input/i.test(msg) ? text.trimEnd().length : undefined;
  if (pos === undefined) return undefined;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  return { line, column: pos - before.lastIndexOf("\n") };
}
