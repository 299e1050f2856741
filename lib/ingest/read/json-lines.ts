import { ResidueError } from "../../errors";
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
