import fs from "node:fs";
import { ResidueError } from "../../errors";

/** One result of a SARIF run, as its JSON text. */
export type SarifResultText = { run: number; json: string };

type Frame = { obj: boolean; key: string | null; expectKey: boolean };

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  LBRACKET = 0x5b,
  RBRACKET = 0x5d,
  COLON = 0x3a,
  COMMA = 0x2c;

/**
 * One pass over a SARIF file in 1 MiB chunks. With `capture`, every `runs[i].results[j]` element is yielded as
 * its own JSON text (the results each chunk completed, together), to be JSON.parsed one at a time; without, results
 * are only skipped. Everything else is kept as a skeleton document with empty results arrays (tool, rules,
 * properties: small), handed to `done` at the end. Memory: one chunk, one result, the skeleton (copied out of the chunks,
 * so no chunk outlives its turn). Structural characters are ASCII, so scanning UTF-8 bytes is exact; the inside
 * of a string is skipped with indexOf (most of a report's bytes are strings).
 */
export async function* scanSarif(
  file: string,
  capture: boolean,
  done: (skeleton: string) => void = () => {},
): AsyncGenerator<SarifResultText[]> {
  const batch: SarifResultText[] = [];
  const frames: Frame[] = [];
  let runIndex = -1;
  let inString = false;
  let escaped = false; // the string's next byte is escaped (a backslash ended the previous chunk)
  let keyParts: Buffer[] | null = null; // an object key being read, when it matters (outside a result)
  let element: Buffer[] | null = null; // the result being captured
  let elementStart = 0;
  const skeleton: Buffer[] = [];
  const keep = (b: Buffer) => b.length && skeleton.push(Buffer.from(b));
  let line = 1;

  const inResults = () =>
    frames.length === 4 &&
    frames[0]!.key === "runs" &&
    !frames[1]!.obj &&
    frames[2]!.key === "results" &&
    !frames[3]!.obj;

  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let keepFrom = 0; // skeleton bytes of this chunk not yet copied
    if (element) elementStart = 0;
    const len = chunk.length;
    for (let i = 0; i < len; i++) {
      if (inString) {
        const from = i;
        const end = stringEnd(chunk, i, escaped);
        if (end < 0) {
          escaped = end === -2;
          keyParts?.push(chunk.subarray(from));
          i = len;
          continue;
        }
        escaped = false;
        inString = false;
        i = end;
        if (keyParts) {
          keyParts.push(chunk.subarray(from, end));
          frames[frames.length - 1]!.key = Buffer.concat(keyParts).subarray(0, 256).toString("utf8");
          keyParts = null;
        }
        continue;
      }
      const c = chunk[i]!;
      if (c === 0x0a) line++;
      const top = frames[frames.length - 1];
      if (c === QUOTE) {
        inString = true;
        if (top?.obj && top.expectKey && !element) keyParts = [];
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        if (!element && inResults() && c === LBRACE) {
          // A result starts: stop copying skeleton bytes, start capturing the element.
          keep(chunk.subarray(keepFrom, i));
          element = [];
          elementStart = i;
        }
        if (frames.length === 1 && !frames[0]!.obj)
          throw new ResidueError(
            "unprocessable_entity",
            "Not a valid SARIF 2.1.0 report: the top level is not an object.",
          );
        if (frames.length === 2 && frames[0]!.key === "runs" && c === LBRACE) runIndex++;
        frames.push({ obj: c === LBRACE, key: null, expectKey: c === LBRACE });
        continue;
      }
      if (c === RBRACE || c === RBRACKET) {
        if (!frames.pop())
          throw new ResidueError(
            "bad_request",
            `Invalid JSON at line ${line}: unexpected "${String.fromCharCode(c)}".`,
          );
        if (element && frames.length === 4) {
          if (capture) {
            element.push(chunk.subarray(elementStart, i + 1));
            batch.push({ run: runIndex, json: Buffer.concat(element).toString("utf8") });
          }
          element = null;
          keepFrom = i + 1;
        }
        continue;
      }
      if (top?.obj && !element) {
        if (c === COLON) top.expectKey = false;
        else if (c === COMMA) top.expectKey = true;
      }
      // Commas between results are dropped with them: the skeleton's results arrays end up empty.
      if (c === COMMA && !element && inResults()) {
        keep(chunk.subarray(keepFrom, i));
        keepFrom = i + 1;
      }
    }
    if (element) {
      if (capture) element.push(Buffer.from(chunk.subarray(elementStart)));
    } else keep(chunk.subarray(keepFrom));
    if (batch.length) yield batch.splice(0);
  }
  if (inString || frames.length || element)
    throw new ResidueError("bad_request", `Invalid JSON: the report ends early (line ${line}).`);
  done(Buffer.concat(skeleton).toString("utf8"));
}

/**
 * Inside a string from `from`: the index of its closing quote, or -1 when the string runs past the chunk
 * (-2 when the chunk ends in the middle of an escape). `escaped`: the byte at `from` is escaped.
 */
function stringEnd(chunk: Buffer, from: number, escaped: boolean): number {
  let i = escaped ? from + 1 : from;
  for (;;) {
    const q = chunk.indexOf(QUOTE, i);
    const stop = q < 0 ? chunk.length : q;
    let slashes = 0;
    while (stop - slashes - 1 >= i && chunk[stop - slashes - 1] === BACKSLASH) slashes++;
    if (q < 0) return slashes % 2 ? -2 : -1;
    if (slashes % 2 === 0) return q;
    i = q + 1;
  }
}
