import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";
import { resolveFindings } from "@/lib/ingest/resolve-findings";

// Hardening case 4: a scanner's "masked" field holding the whole token became the stored and shown preview. For
// every format, the token is put unmasked into every field a preview can come from; whatever the scanner claims,
// the preview shows at most four characters of it.
const KEY = Buffer.alloc(32, 9);
const HEX64 = "ab".repeat(32);
const LAYER = `sha256:${"cd".repeat(32)}`;

const FORMATS: Record<string, (token: string) => unknown> = {
  "trivy Match": (t) => ({
    SchemaVersion: 2,
    ArtifactName: "ghcr.io/acme/x:1",
    ArtifactType: "container_image",
    Results: [
      {
        Target: "/app/.env",
        Class: "secret",
        Secrets: [
          { RuleID: "github-pat", Severity: "HIGH", Match: `GITHUB_TOKEN=${t}`, Layer: { DiffID: LAYER } },
          { RuleID: "generic", Severity: "HIGH", Match: t, StartLine: 3 },
        ],
      },
    ],
  }),
  "trivy-operator match": (t) => ({
    kind: "ExposedSecretReport",
    report: {
      artifact: { repository: "acme/x", tag: "1" },
      registry: { server: "ghcr.io" },
      secrets: [
        { ruleID: "github-pat", target: "/app/.env", match: t },
        { ruleID: "aws", target: "/app/b", match: `AWS_SECRET_ACCESS_KEY="${t}"` },
      ],
    },
  }),
  "ggshield match": (t) => ({
    type: "scan_docker_archive",
    id: "x.tar",
    total_incidents: 1,
    entities_with_incidents: [
      {
        filename: `${LAYER}:/app/.env`,
        incidents: [{ type: "GitHub Token", ignore_sha: HEX64, occurrences: [{ match: t, line_start: 1 }] }],
      },
    ],
  }),
  "trufflehog Redacted": (t) =>
    `${JSON.stringify({ SourceMetadata: { Data: { Docker: { file: "/app/.env", image: "ghcr.io/acme/x", tag: "1", layer: LAYER } } }, DetectorName: "Github", Verified: false, Redacted: t })}\n${JSON.stringify({ SourceMetadata: { Data: { Filesystem: { file: "/b" } } }, DetectorName: "AWS", Redacted: t })}\n`,
  "trufflehog Raw": (t) =>
    `${JSON.stringify({ SourceMetadata: { Data: { Filesystem: { file: "/a" } } }, DetectorName: "Github", Raw: t, Redacted: t })}\n${JSON.stringify({ SourceMetadata: { Data: { Filesystem: { file: "/b" } } }, DetectorName: "Github", RawV2: t })}\n`,
  "gitleaks v8 Secret, half-redacted": (t) => [
    { RuleID: "github-pat", File: "/a", StartLine: 1, Secret: `${t}*****` },
    { RuleID: "github-pat", File: "/b", StartLine: 1, Secret: t },
  ],
  "gitleaks v7 offender": (t) => [
    { rule: "Github", file: "/a", lineNumber: 1, offender: `GITHUB_TOKEN="${t}"` },
    { rule: "Github", file: "/b", lineNumber: 2, offender: `${t}****` },
  ],
  "SARIF residue/preview and snippet": (t) => ({
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "residue", rules: [{ id: "secretlint/github" }] } },
        results: [
          {
            ruleId: "secretlint/github",
            locations: [
              { physicalLocation: { artifactLocation: { uri: "/a" }, region: { startLine: 1, snippet: { text: t } } } },
            ],
            properties: { "residue/valueSha256": HEX64, "residue/preview": t },
          },
        ],
      },
    ],
  }),
  "SARIF gitleaks snippet": (t) => ({
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "gitleaks", rules: [{ id: "github-pat" }] } },
        results: [
          {
            ruleId: "github-pat",
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: "/a" },
                  region: { startLine: 1, snippet: { text: `token: ${t}` } },
                },
              },
            ],
          },
        ],
      },
    ],
  }),
  "trufflehog3 secret": (t) => [
    { rule: { id: "github", message: "GitHub", severity: "high" }, path: "/a", line: "1", secret: t },
  ],
  "secretlint range": (t) => [
    {
      filePath: "/a",
      sourceContent: `GITHUB_TOKEN=${t}\n`,
      messages: [
        { ruleId: "@secretlint/secretlint-rule-github", range: [0, 13 + t.length], loc: { start: { line: 1 } } },
      ],
    },
  ],
  "Nosey Parker groups": (t) => ({
    rule_name: "GitHub",
    groups: [Buffer.from(t).toString("base64")],
    matches: [{ provenance: [{ kind: "file", path: "/a" }], location: { source_span: { start: { line: 1 } } } }],
  }),
};

const token = fc
  .tuple(
    fc.constantFrom("", "ghp_", "npm_", "xoxb-", "AKIA", "sk_live_", "glpat-", "-----"),
    fc.stringMatching(/^[A-Za-z0-9_+/=-]{16,64}$/),
  )
  .map(([p, s]) => p + s);

/** The characters of `token` a preview shows: the longest run of it found in the preview. */
function longestRun(preview: string, token: string): number {
  let best = 0;
  for (let i = 0; i < token.length; i++)
    for (let j = i + best + 1; j <= token.length; j++) if (preview.includes(token.slice(i, j))) best = j - i;
  return best;
}

describe("every preview, from every scanner field", () => {
  for (const [name, build] of Object.entries(FORMATS)) {
    it(`${name}: never more than four characters of the value`, () => {
      fc.assert(
        fc.property(token, (t) => {
          const body = build(t);
          const parsed = parseReport(readDocument(typeof body === "string" ? body : JSON.stringify(body)), {});
          expect(parsed.findings.length).toBeGreaterThan(0);
          const plan = resolveFindings(parsed, undefined, KEY);
          for (const s of plan.secrets) expect(longestRun(s.preview, t), s.preview).toBeLessThanOrEqual(4);
          // Nor anywhere else in what would be written.
          expect(JSON.stringify(plan)).not.toContain(t.slice(2, 14));
        }),
        { numRuns: 60 },
      );
    });
  }
});
