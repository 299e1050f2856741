import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetImages, residueSarif } from "@/bench/fleet";
import { parseReport, reportParse } from "@/lib/ingest/parse-report";
import { reportParts } from "@/lib/ingest/read/report-parts";
import { readDocument } from "@/lib/ingest/read/read-document";
import { readFixture } from "@/test/helpers/fixtures";

/** A SARIF file read in parts (the streaming path whatever its size), through the one parse driver. */
async function parseSarifFile(file: string) {
  const parse = reportParse({ format: "sarif" });
  for await (const part of reportParts({ file, size: fs.statSync(file).size }, { format: "sarif", partsAboveBytes: 0 }))
    parse.add(part);
  return parse.finish();
}
const wholeSarif = (text: string) => parseReport(readDocument(text), { format: "sarif" });

const write = (text: string) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sarif-")), "r.sarif");
  fs.writeFileSync(f, text);
  return f;
};

describe("streaming SARIF parse", () => {
  it("gives exactly the findings of the whole-document parse, on real fixtures and a large generated report", async () => {
    const img = fleetImages(1, { repositories: 1, bases: 1 })[0]!;
    for (const text of [
      readFixture("sarif/gitleaks_7.5.0.sarif").toString(),
      readFixture("sarif/codeQL-output.sarif").toString(),
      readFixture("sarif/suppression_test.sarif").toString(),
      residueSarif(img, 3000, { secretPool: 500, seed: 3, padding: 40 }),
    ]) {
      const whole = wholeSarif(text);
      expect(await parseSarifFile(write(text))).toEqual(whole);
    }
  });

  it("reads tool and rules that come after the results, strings with brackets and escapes, and several runs", async () => {
    const doc = {
      runs: [
        {
          results: [
            {
              ruleId: "r1",
              message: { text: 'a "}]{[" \\\\ b' },
              locations: [{ physicalLocation: { artifactLocation: { uri: "x/{y}.env" } } }],
              properties: { "residue/raw": "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
            },
          ],
          tool: { driver: { name: "gitleaks", rules: [{ id: "r1" }] } },
        },
        {
          tool: { driver: { name: "trufflehog" } },
          results: [
            {
              ruleId: "r2",
              message: { text: "é ü 漢字" },
              properties: { "residue/raw": "ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
            },
            { ruleId: "r3", properties: { "residue/raw": "ghp_cccccccccccccccccccccccccccccccccccc" } },
          ],
        },
      ],
      version: "2.1.0",
    };
    const text = JSON.stringify(doc, null, 1);
    const streamed = await parseSarifFile(write(text));
    expect(streamed).toEqual(wholeSarif(text));
    expect(streamed.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ["r1", "x/{y}.env"],
      ["r2", "(image config)"],
      ["r3", "(image config)"],
    ]);
  });

  it("reads escapes that straddle the 1 MiB read boundary", async () => {
    const CHUNK = 1 << 20;
    for (const escape of ['\\"', "\\\\", '\\\\\\"']) {
      const head =
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"gitleaks","rules":[{"id":"r1"}]}},"results":[{"ruleId":"r1","message":{"text":"';
      // Put the escape's first backslash on the last byte of the first chunk.
      const fill = "a".repeat(CHUNK - Buffer.byteLength(head) - 1);
      const text = `${head}${fill}${escape}b"},"properties":{"residue/raw":"ghp_dddddddddddddddddddddddddddddddddddd"}},{"ruleId":"r1","properties":{"residue/raw":"ghp_eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"}}]}]}`;
      expect(Buffer.from(text)[CHUNK - 1]).toBe(0x5c);
      const streamed = await parseSarifFile(write(text));
      expect(streamed.findings).toHaveLength(2);
      expect(streamed).toEqual(wholeSarif(text));
    }
  });

  it("refuses truncated or malformed input with a clear error", async () => {
    const img = fleetImages(1, { repositories: 1, bases: 1 })[0]!;
    const text = residueSarif(img, 50, { secretPool: 10, seed: 1 });
    await expect(parseSarifFile(write(text.slice(0, text.length / 2)))).rejects.toThrow(/ends early/);
    await expect(parseSarifFile(write(text.replace('"version":"2.1.0"', '"version":"2.0.0"')))).rejects.toThrow(
      /2\.0\.0 is not supported/,
    );
    await expect(parseSarifFile(write(text.replace('"ruleId":"', '"ruleId":7,"x":"')))).rejects.toThrow(/result 1/);
  });
});
