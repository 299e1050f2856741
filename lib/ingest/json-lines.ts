import { ResidueError } from "../errors";
import type { ParseResult } from "./finding";
import type { ParseContext, ReportParser } from "./parsers/parser";
import { addJsonLine, type JsonLinesDocument } from "./read-document";

const BATCH = 1000;

/**
 * Splits UTF-8 chunks into JSON records, BATCH at a time: a large report is never held whole, as text or as
 * records. Blank lines are skipped; a line that is not JSON (or not UTF-8) is named.
 */
export async function* recordBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<JsonLinesDocument> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let lineNo = 0;
  let batch: JsonLinesDocument = { kind: "jsonl", lines: [], lineNumbers: [] };
  const take = (line: string) => {
    lineNo++;
    addJsonLine(batch, lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line, lineNo);
  };
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new ResidueError("bad_request", `The report is not UTF-8 text (after line ${lineNo}).`);
    }
  };
  for await (const chunk of chunks) {
    const parts = (pending + decode(chunk)).split("\n");
    pending = parts.pop()!;
    for (const line of parts) take(line);
    if (batch.lines.length >= BATCH) {
      yield batch;
      batch = { kind: "jsonl", lines: [], lineNumbers: [] };
    }
  }
  take(pending + decode());
  if (batch.lines.length) yield batch;
}

/** The same batches from a report read whole. */
export function* batchesOf(doc: JsonLinesDocument): Generator<JsonLinesDocument> {
  for (let i = 0; i < doc.lines.length; i += BATCH) {
    yield { kind: "jsonl", lines: doc.lines.slice(i, i + BATCH), lineNumbers: doc.lineNumbers.slice(i, i + BATCH) };
  }
}

const isEmptyRecord = (r: unknown) => r !== null && typeof r === "object" && Object.keys(r).length === 0;

/**
 * Parses a JSON-lines report batch by batch with one parser, picked from the first batch that is not all `{}`
 * (what several scanners print for a clean run). The findings are the same as parsing every record at once;
 * an invalid record is named by its line. `result()` is null when there were no records, or only empty ones.
 */
export function batchParse(detect: (batch: JsonLinesDocument) => ReportParser, ctx: ParseContext) {
  let result: ParseResult | null = null;
  let parser: ReportParser | undefined;
  return {
    add(batch: JsonLinesDocument) {
      if (!parser && batch.lines.every(isEmptyRecord)) return;
      parser ??= detect(batch);
      const part = parseBatch(parser, batch, ctx);
      if (!result) result = part;
      else {
        for (const f of part.findings) result.findings.push(f);
        result.skipped += part.skipped;
        result.target ??= part.target;
      }
    },
    result: () => result,
  };
}

function parseBatch(parser: ReportParser, batch: JsonLinesDocument, ctx: ParseContext): ParseResult {
  try {
    return parser.parse(batch, ctx);
  } catch (e) {
    if (!(e instanceof ResidueError)) throw e;
    // Find the record at fault, so the message names its line rather than a position in the batch.
    batch.lines.forEach((record, i) => {
      const line = batch.lineNumbers[i]!;
      try {
        parser.parse({ kind: "jsonl", lines: [record], lineNumbers: [line] }, ctx);
      } catch (one) {
        if (one instanceof ResidueError) throw new ResidueError(one.code, `Line ${line}: ${one.message}`, { line });
        throw one;
      }
    });
    throw e;
  }
}
