import { describe, expect, it } from "vitest";
import { recordBatches } from "@/lib/ingest/read/json-lines";
import { trufflehogParser } from "@/lib/ingest/parsers/trufflehog";
import { parseReport, reportParse } from "@/lib/ingest/parse-report";
import { readDocument, type JsonLinesDocument } from "@/lib/ingest/read/read-document";
import { readFixture } from "@/test/helpers/fixtures";

const gitLines = readFixture("trufflehog/v3_git.json")
  .toString("utf8")
  .split("\n")
  .filter((l) => l.trim());

/** The report cut into chunks of `size` bytes: lines and multi-byte characters fall across chunk ends. */
async function* chunked(text: string, size: number) {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function streamed(text: string, chunk = 7, format?: string) {
  const parse = reportParse({ format });
  for await (const batch of recordBatches(chunked(text, chunk))) parse.add(batch);
  return parse.finish();
}

/** 2,500 records (several batches), each a fixture line with its own path; a few blank lines between. */
function bigReport() {
  return Array.from({ length: 2500 }, (_, i) => {
    const r = JSON.parse(gitLines[i % gitLines.length]!);
    r.SourceMetadata.Data.Git.file = `src/ä-${i}.env`;
    return JSON.stringify(r) + (i % 500 === 0 ? "\n\n" : "");
  }).join("\n");
}

describe("JSON-lines reports, a batch of records at a time", () => {
  it("streamed from chunks, parse to the same findings as every record at once", async () => {
    const text = bigReport();
    const doc = readDocument(text) as JsonLinesDocument;
    const session = trufflehogParser.begin({});
    session.add(doc);
    const whole = session.finish();
    const fromChunks = await streamed(text, 4093);
    expect(fromChunks.findings).toHaveLength(2500);
    expect(fromChunks).toEqual({ ...whole, findings: whole.findings });
    expect(parseReport(doc, {})).toEqual(fromChunks);
  });

  it("lines and multi-byte characters split across chunks are put back together", async () => {
    const text = gitLines.join("\n").replace(/"file":"/g, '"file":"ü€😀/');
    expect((await streamed(text, 1)).findings.map((f) => f.path)).toEqual(
      parseReport(readDocument(text), {}).findings.map((f) => f.path),
    );
    expect((await streamed(text, 1)).findings[0]!.path).toMatch(/^ü€😀\//);
  });

  it("a record of the wrong shape is named by its line, past the first batch", async () => {
    const lines = bigReport().split("\n");
    const at = lines.findIndex((l, i) => i > 1500 && l.trim());
    lines[at] = JSON.stringify({ ...JSON.parse(lines[at]!), DetectorName: 42 });
    await expect(streamed(lines.join("\n"), 65_536)).rejects.toThrow(
      new RegExp(`^Line ${at + 1}: Not a valid trufflehog report`),
    );
    expect(() => parseReport(readDocument(lines.join("\n")), {})).toThrow(new RegExp(`^Line ${at + 1}: `));
  });

  it("bad JSON and bad UTF-8 name the line", async () => {
    await expect(streamed(`${gitLines[0]}\n\n${gitLines[1]}\n{"SourceMetadata": nope}\n`)).rejects.toThrow(
      /^Invalid JSON on line 4: /,
    );
    const parse = reportParse({});
    const bad = async function* () {
      yield Buffer.from(`${gitLines[0]}\n`);
      yield Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);
    };
    await expect(
      (async () => {
        for await (const b of recordBatches(bad())) parse.add(b);
      })(),
    ).rejects.toThrow(/not UTF-8 text \(after line 1\)/);
  });

  it("only empty records is a clean scan; with a format, that scanner's", async () => {
    expect(await streamed("{}\n{}\n")).toMatchObject({ format: "empty", findings: [] });
    expect(await streamed("{}\n{}\n", 7, "noseyparker")).toMatchObject({ scanner: "noseyparker", findings: [] });
    expect(await streamed("")).toMatchObject({ format: "empty", findings: [] });
  });
});
