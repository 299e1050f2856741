import { ResidueError } from "../errors";
import type { ParseResult } from "../findings/finding";
import type { ParseContext, ParseSession, ReportParser } from "./parsers/parser";
import { checkFindings, detectParser, EMPTY_REPORT, isEmptyReport } from "./parsers/registry";
import { batchesOf } from "./read/json-lines";
import type { JsonLinesDocument, ReportDocument, ReportPart } from "./read/read-document";

const NO_LINES: ReportDocument = { kind: "jsonl", lines: [], lineNumbers: [] };

/**
 * The one driver of every parse, whichever way the report was read (lib/ingest/read/report-parts.ts): the parser is
 * picked on the first part that says anything (`null`, `[]`, `{}` and lines of `{}` are what several scanners print
 * for a clean run), fed every part in order, and its result checked against the limits every parser obeys.
 */
export function reportParse(ctx: ParseContext & { format?: string }) {
  let parser: ReportParser | undefined;
  let session: ParseSession | undefined;
  return {
    add(part: ReportPart) {
      if (!session) {
        if (part.kind === "sarif-results") throw new ResidueError("bad_request", "SARIF results came before the log.");
        if (isEmptyReport(part) && (part.kind === "jsonl" || !ctx.format)) return;
        parser = detectParser(part, ctx.format);
        session = parser.begin(ctx);
      }
      if (part.kind === "jsonl") addLines(parser!, session, part, ctx);
      else session.add(part);
    },
    finish(): ParseResult {
      if (session) return checkFindings(session.finish());
      return checkFindings(ctx.format ? detectParser(NO_LINES, ctx.format).begin(ctx).finish() : EMPTY_REPORT());
    },
  };
}

/** A report read whole, through the same driver (its JSON lines in the same batches as when streamed). */
export function parseReport(doc: ReportDocument, ctx: ParseContext & { format?: string }): ParseResult {
  const parse = reportParse(ctx);
  if (doc.kind === "jsonl") for (const batch of batchesOf(doc)) parse.add(batch);
  else parse.add(doc);
  return parse.finish();
}

/** A batch of JSON lines; a record that fails is named by its line, not by a position in the batch. */
function addLines(parser: ReportParser, session: ParseSession, batch: JsonLinesDocument, ctx: ParseContext) {
  try {
    session.add(batch);
  } catch (e) {
    if (!(e instanceof ResidueError)) throw e;
    batch.lines.forEach((record, i) => {
      const line = batch.lineNumbers[i]!;
      try {
        parser.begin(ctx).add({ kind: "jsonl", lines: [record], lineNumbers: [line] });
      } catch (one) {
        if (one instanceof ResidueError) throw new ResidueError(one.code, `Line ${line}: ${one.message}`, { line });
        throw one;
      }
    });
    throw e;
  }
}
