import fs from "node:fs";
import { ResidueError } from "../../errors";
import { batchesOf, recordBatches } from "./json-lines";
import { readDocument, startsAsJsonLines, type ReportPart } from "./read-document";
import { scanSarif } from "./sarif-stream";

/** A report to read: in memory, or spooled to a file (lib/api/upload/read-upload.ts). */
export type ReportSource = { bytes: Buffer; size: number } | { file: string; size: number };

// Above this size a SARIF log is read in parts from its file (bounded memory); smaller ones in one go.
const PARTS_ABOVE_BYTES = 8 * 1024 * 1024;
const HEAD_BYTES = 1 << 20;

/**
 * The one place that decides how a report is read, whole or streamed, and hands it on as the parts a parse session
 * takes (lib/ingest/parsers/parser.ts): JSON lines a batch of records at a time (a large trufflehog report read
 * whole took the server's memory to many times its size), a large SARIF log as its skeleton and then its results, anything else whole.
 * The format itself is recognised later, by the parsers, on the first part.
 */
export async function* reportParts(
  src: ReportSource,
  hint: { format?: string; partsAboveBytes?: number } = {},
): AsyncGenerator<ReportPart> {
  if ("file" in src) {
    const head = readHead(src.file);
    if (startsAsJsonLines(head, src.size <= HEAD_BYTES)) {
      yield* recordBatches(fs.createReadStream(src.file, { highWaterMark: 1 << 20 }));
      return;
    }
    if (
      src.size > (hint.partsAboveBytes ?? PARTS_ABOVE_BYTES) &&
      (hint.format === "sarif" || (!hint.format && hasSarifLayout(head)))
    ) {
      yield* sarifParts(src.file);
      return;
    }
  }
  const doc = readDocument(decodeUtf8("bytes" in src ? src.bytes : fs.readFileSync(src.file)));
  if (doc.kind === "jsonl") yield* batchesOf(doc);
  else yield doc;
}

/** A SARIF log in two passes over its file: the skeleton (tools, rules, properties may follow the results), then the results. */
async function* sarifParts(file: string): AsyncGenerator<ReportPart> {
  let skeleton = "";
  for await (const _ of scanSarif(file, false, (s) => (skeleton = s)));
  yield { kind: "json", value: parseJsonText(skeleton) };
  for await (const results of scanSarif(file, true)) yield { kind: "sarif-results", results };
}

/**
 * The layout that is read in parts: an object with `runs` and a version or schema near the top (where SARIF
 * writers put them). Whether it really is SARIF is for the parsers to say, on the skeleton.
 */
function hasSarifLayout(head: string): boolean {
  return /^\s*\{/.test(head) && /"runs"\s*:/.test(head) && /"(version|\$schema)"\s*:/.test(head);
}

/** The first MiB of a spooled report, as text (a multi-byte character cut at the end is harmless here). */
function readHead(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head
      .subarray(0, fs.readSync(fd, head, 0, head.length, 0))
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  } finally {
    fs.closeSync(fd);
  }
}

function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    throw new ResidueError(
      "bad_request",
      "The report is not UTF-8 text (a binary file, or gzip without Content-Encoding: gzip?).",
    );
  }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResidueError("bad_request", `Invalid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}
