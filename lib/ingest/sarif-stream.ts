import fs from "node:fs";
import { ResidueError } from "../errors";

type Frame = { obj: boolean; key: string | null; expectKey: boolean };

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, COLON = 0x3a, COMMA = 0x2c;

/**
 * One pass over a SARIF file, byte by byte, in 1 MiB chunks: every `runs[i].results[j]` element is handed over
 * as its own JSON text (to JSON.parse one at a time), and everything else is kept as a skeleton document with
 * empty results arrays (tool, rules, properties: small). Memory: one chunk, one result, the skeleton.
 * Structural characters are ASCII, so scanning UTF-8 bytes is exact.
 */
export async function scanSarifFile(file: string, onResult: (run: number, json: string) => void): Promise<string> {
  const frames: Frame[] = [];
  let runIndex = -1;
  let inString = false;
  let escaped = false;
  let keyBytes: number[] | null = null;
  let element: Buffer[] | null = null; // the result being captured
  let elementStart = 0;
  const skeleton: Buffer[] = [];
  let line = 1;

  const inResults = () => frames.length === 4 && frames[0]!.key === "runs" && !frames[1]!.obj && frames[2]!.key === "results" && !frames[3]!.obj;

  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let keepFrom = 0; // skeleton bytes of this chunk not yet copied
    if (element) elementStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x0a) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (keyBytes) {
            frames[frames.length - 1]!.key = Buffer.from(keyBytes).toString("utf8");
            keyBytes = null;
          }
        } else if (keyBytes && keyBytes.length < 256) keyBytes.push(c);
        continue;
      }
      const top = frames[frames.length - 1];
      if (c === QUOTE) {
        inString = true;
        if (top?.obj && top.expectKey && !element) keyBytes = [];
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        if (!element && inResults() && c === LBRACE) {
          // A result starts: stop copying skeleton bytes, start capturing the element.
          skeleton.push(chunk.subarray(keepFrom, i));
          element = [];
          elementStart = i;
        }
        if (frames.length === 1 && !frames[0]!.obj) throw new ResidueError("unprocessable_entity", "Not a valid SARIF 2.1.0 report: the top level is not an object.");
        if (frames.length === 2 && frames[0]!.key === "runs" && c === LBRACE) runIndex++;
        frames.push({ obj: c === LBRACE, key: null, expectKey: c === LBRACE });
        continue;
      }
      if (c === RBRACE || c === RBRACKET) {
        if (!frames.pop()) throw new ResidueError("bad_request", `Invalid JSON at line ${line}: unexpected "${String.fromCharCode(c)}".`);
        if (element && frames.length === 4) {
          element.push(chunk.subarray(elementStart, i + 1));
          onResult(runIndex, Buffer.concat(element).toString("utf8"));
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
        skeleton.push(chunk.subarray(keepFrom, i));
        keepFrom = i + 1;
      }
    }
    if (element) element.push(chunk.subarray(elementStart));
    else skeleton.push(chunk.subarray(keepFrom));
  }
  if (inString || frames.length || element) throw new ResidueError("bad_request", `Invalid JSON: the report ends early (line ${line}).`);
  return Buffer.concat(skeleton).toString("utf8");
}
