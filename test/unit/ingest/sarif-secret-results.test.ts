import { describe, expect, it } from "vitest";
import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";
import { looksLikeCredential } from "@/lib/secrets/credential";

// SARIF from any tool: only secret results are kept. A code-analysis rule named for passwords is a leak only when
// its snippet holds something that could be a credential.
const sarif = (tool: string, rule: Record<string, unknown>, snippet?: string) =>
  JSON.stringify({
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: tool, rules: [rule] } },
        results: [
          {
            ruleId: rule.id,
            level: "error",
            message: { text: "m" },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: "src/login.js" },
                  region: { startLine: 4, ...(snippet ? { snippet: { text: snippet } } : {}) },
                },
              },
            ],
          },
        ],
      },
    ],
  });
const kept = (doc: string) => parseReport(readDocument(doc), {}).findings.length;

describe("which SARIF results are secrets", () => {
  const nodePassword = {
    id: "node_password",
    shortDescription: { text: "A hardcoded password in plain text is identified." },
    properties: { tags: ["security"] },
  };
  it.each([
    ["njsscan node_password on an input type", sarif("njsscan", nodePassword, 'passwdInput.type = "text"'), 0],
    ["njsscan node_password on an empty literal", sarif("njsscan", nodePassword, 'const password = ""'), 0],
    [
      "njsscan node_password on a real literal",
      sarif("njsscan", nodePassword, 'const password = "Xk9mP2vL8qR4wT3z"'),
      1,
    ],
    [
      "a code rule with a token in its snippet",
      sarif(
        "semgrep",
        { id: "hardcoded-token" },
        'headers["Authorization"] = "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"',
      ),
      1,
    ],
    [
      "a code rule named for secrets, no snippet to tell by",
      sarif("semgrep", { id: "generic.secrets.gitleaks.generic-api-key" }),
      1,
    ],
    [
      "semgrep's secrets tag",
      sarif("semgrep", { id: "detected-stripe-key", properties: { tags: ["secrets"] } }, "x"),
      1,
    ],
    [
      "CodeQL's CWE-798 tag",
      sarif(
        "CodeQL",
        { id: "js/hardcoded-credentials", properties: { tags: ["security", "external/cwe/cwe-798"] } },
        'user: "admin"',
      ),
      1,
    ],
    ["a vulnerability rule", sarif("trivy", { id: "CVE-2024-1234", properties: { tags: ["vulnerability"] } }), 0],
    ["an unrelated code rule", sarif("eslint", { id: "no-eval" }, "eval(x)"), 0],
    ["a secret scanner keeps everything", sarif("gitleaks", { id: "generic-api-key" }, "abc"), 1],
  ])("%s", (_, doc, n) => {
    expect(kept(doc as string)).toBe(n);
  });

  it("credential-looking snippets", () => {
    for (const s of ['type = "text"', "password: ''", 'pwd = "password"'])
      expect(looksLikeCredential(s), s).toBe(false);
    for (const s of [
      'key = "AKIAIOSFODNN7EXAMPLE"',
      "token: xoxb-1234-abcd",
      'secret = "q8Z!r2Lm#9vT"',
      "-----BEGIN RSA PRIVATE KEY-----",
      "PASSWORD_FIELD = 'password123'",
    ])
      expect(looksLikeCredential(s), s).toBe(true); // a weak password is still a leaked one
  });
});
