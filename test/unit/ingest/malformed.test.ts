import { FORMAT_IDS } from "@/lib/ingest/parsers/registry";
import { describe, expect, it } from "vitest";
import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";
import { readFixture } from "@/test/helpers/fixtures";

const parse = (text: string, format?: string) => parseReport(readDocument(text), { format });

describe("malformed reports get a clear error", () => {
  it("empty body", () => expect(() => parse("  \n")).toThrow(/empty/));

  it("truncated JSON names the position", () => {
    const text = readFixture("trivy-upstream/secrets.json.golden").toString("utf8");
    expect(() => parse(text.slice(0, 700))).toThrow(
      /Invalid JSON at line \d+, column \d+: (unexpected end of input|unterminated string)/,
    );
  });

  it("bad JSON line in JSON lines names the line", () => {
    const line = readFixture("trufflehog/v3_git.json").toString("utf8").split("\n")[0]!;
    expect(() => parse(`${line}\n${line}\n{"SourceMetadata": nope}\n`)).toThrow(/line 3/);
  });

  it("wrong types name the JSON path", () => {
    expect(() => parse(JSON.stringify([{ RuleID: 42, File: "a" }]), "gitleaks")).toThrow(/0\.RuleID/);
    expect(() =>
      parse(
        JSON.stringify({ SchemaVersion: 2, Results: [{ Target: "x", Secrets: [{ RuleID: "r", StartLine: "one" }] }] }),
      ),
    ).toThrow(/Results\.0\.Secrets\.0\.StartLine/);
    expect(() =>
      parse(JSON.stringify({ version: "1", plugins_used: [], results: { a: [{ type: "t", hashed_secret: "zz" }] } })),
    ).toThrow(/hashed_secret/);
  });

  it("huge strings are refused", () => {
    expect(() => parse(JSON.stringify([{ RuleID: "r", File: "x".repeat(10_000), Secret: "s" }]))).toThrow(/File/);
    expect(() => parse(JSON.stringify([{ RuleID: "r", File: "f", Secret: "s".repeat(100_000) }]))).toThrow(
      /longer than 65536/,
    );
  });

  it("unknown format and unsupported SARIF version", () => {
    expect(() => parse("{}", "nessus")).toThrow(/Unknown format "nessus"/);
    expect(() => parse(JSON.stringify({ version: "2.0.0", runs: [] }))).toThrow(/SARIF version 2.0.0/);
    expect(() => parse(JSON.stringify({ hello: "world" }))).toThrow(/Unrecognised report format/);
  });

  it("an unrecognised report is told every format Residue reads and how to name one", () => {
    let message = "";
    try {
      parse(JSON.stringify({ hello: "world" }));
    } catch (e) {
      message = (e as Error).message;
    }
    for (const id of FORMAT_IDS) expect(message).toContain(`format=${id}`);
  });

  it("error text never quotes report content", () => {
    const secret = "ghp_" + "Z".repeat(36);
    try {
      parse(`[{"RuleID": "r", "File": "f", "Secret": "${secret}"`);
    } catch (e) {
      expect((e as Error).message).not.toContain(secret);
      return;
    }
    throw new Error("expected a parse error");
  });
});
