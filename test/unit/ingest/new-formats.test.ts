import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sourceName } from "@/lib/images/source-name";
import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";
import { resolveFindings } from "@/lib/ingest/resolve-findings";
import { TEST_KEY } from "@/test/helpers/parse";

const parse = (value: unknown, format?: string) =>
  parseReport(readDocument(typeof value === "string" ? value : JSON.stringify(value)), { format });
const plan = (value: unknown, source?: string) => resolveFindings(parse(value), undefined, TEST_KEY, source);

// Built from deepfence/SecretScanner output/output.go @3a9b485 (no public sample exists): the keys have spaces.
const deepfence = {
  Timestamp: "2022-11-22 15:59:56.648485081 +00:00",
  "Image Name": "node:8.11",
  "Image ID": "b2c91449692dd233e97666bac28bd4fe4545b191c5d31362336d92641012108a",
  "Container ID": "",
  Secrets: [
    {
      "Image Layer ID": "1d1c1b53c3a4b6c2ba2d2c8d5d1b8f4f8b0a6b2b0d8e1e6b0f2a1c3d4e5f60718",
      "Matched Rule ID": 54,
      "Matched Rule Name": "AWS API Key",
      "Matched Part": "contents",
      "String to Match": "",
      "Signature to Match": "AKIA[0-9A-Z]{16}",
      Severity: "high",
      "Severity Score": 8.5,
      "Starting Index of Match in Original Content": 16,
      "Relative Starting Index of Match in Displayed Substring": 0,
      "Relative Ending Index of Match in Displayed Substring": 20,
      "Full File Name": "usr/src/app/.env",
      "Matched Contents": "AKIAZZDEEPFENCE00001",
    },
    {
      "Image Layer ID": "1d1c1b53c3a4b6c2ba2d2c8d5d1b8f4f8b0a6b2b0d8e1e6b0f2a1c3d4e5f60718",
      "Matched Rule ID": 3,
      "Matched Rule Name": "SSH private key file",
      "Matched Part": "filename",
      "String to Match": "id_rsa",
      "Signature to Match": "",
      Severity: "medium",
      "Severity Score": 5,
      "Full File Name": "root/.ssh/id_rsa",
      "Matched Contents": "",
    },
  ],
};

describe("deepfence SecretScanner", () => {
  it("reads the image, the matched value of a contents rule, and a filename rule without a value", () => {
    const r = parse(deepfence);
    expect(r.image?.ref).toEqual({ registry: "docker.io", repository: "library/node", tag: "8.11" });
    expect(r.image?.configDigest).toBe(`sha256:${deepfence["Image ID"]}`);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.path, f.raw])).toEqual([
      ["AWS API Key", "high", "usr/src/app/.env", "AKIAZZDEEPFENCE00001"],
      ["SSH private key file", "medium", "root/.ssh/id_rsa", undefined],
    ]);
    // No layer evidence: "Image Layer ID" names a directory of the archive, not a content digest.
    expect(r.findings.every((f) => f.layer === undefined)).toBe(true);
  });
  it("a clean scan (Secrets: null) is a valid empty report", () => {
    expect(parse({ ...deepfence, Secrets: null }).findings).toEqual([]);
  });
});

describe("DefectDojo generic findings", () => {
  const report = {
    type: "Acme secret finder",
    findings: [
      { title: "Hard-coded AWS key", severity: "High", cwe: 798, file_path: "app/settings.py", line: 12 },
      { title: "Slack token", severity: "Critical", tags: ["secret"], file_path: "ci.yml", line: "4" },
      { title: "SQL injection", severity: "High", cwe: 89, file_path: "app/db.py" },
      { title: "Old key", severity: "High", cwe: 798, file_path: "old.py", is_mitigated: true },
      { title: "Test key", severity: "Low", cwe: 798, file_path: "t.py", false_p: true },
    ],
  };
  it("keeps the findings that are secrets (credential CWE or tag), skips the rest and the closed ones", () => {
    const r = parse(report);
    expect(r.toolName).toBe("Acme secret finder");
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.path, f.line])).toEqual([
      ["Hard-coded AWS key", "high", "app/settings.py", 12],
      ["Slack token", "critical", "ci.yml", 4],
    ]);
    expect(r.skipped).toBe(3);
  });
  it("an empty findings list parses when the format is named", () => {
    expect(parse({ findings: [] }, "defectdojo-generic").findings).toEqual([]);
  });
});

describe("ASFF", () => {
  const finding = (over: Record<string, unknown>) => ({
    SchemaVersion: "2018-10-08",
    Id: "f1",
    ProductArn: "arn:aws:securityhub:eu-west-1::product/aquasecurity/aquasecurity",
    GeneratorId: "Trivy",
    AwsAccountId: "123456789012",
    Types: ["Sensitive Data Identifications"],
    Severity: { Label: "HIGH" },
    Title: "Trivy found a secret in app/.env: GitHub Personal Access Token",
    ProductFields: { "Product Name": "Trivy" },
    Resources: [{ Type: "Other", Id: "app/.env", Details: { Other: { Filename: "app/.env" } } }],
    RecordState: "ACTIVE",
    ...over,
  });
  it("takes the image of an ECR resource, skips vulnerabilities, archived and suppressed findings", () => {
    const r = parse({
      Findings: [
        finding({
          Resources: [
            {
              Type: "AwsEcrContainerImage",
              Id: "arn:aws:ecr:eu-west-1:123456789012:repository/acme/api/sha256:" + "a".repeat(64),
              Details: {
                AwsEcrContainerImage: {
                  RegistryId: "123456789012",
                  RepositoryName: "acme/api",
                  ImageDigest: "sha256:" + "a".repeat(64),
                  ImageTags: ["1.4.2"],
                },
              },
            },
            { Type: "Other", Id: "app/.env", Details: { Other: { Filename: "app/.env", StartLine: "3" } } },
          ],
        }),
        finding({ Types: ["Software and Configuration Checks/Vulnerabilities/CVE"] }),
        finding({ RecordState: "ARCHIVED" }),
        finding({ Workflow: { Status: "SUPPRESSED" } }),
      ],
    });
    expect(r.skipped).toBe(3);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: "GitHub Personal Access Token",
      path: "app/.env",
      line: 3,
      image: {
        registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        repository: "acme/api",
        tag: "1.4.2",
        digest: "sha256:" + "a".repeat(64),
      },
    });
  });
  it("reads the bare array older trivy templates wrote", () => {
    expect(parse([finding({})]).findings).toHaveLength(1);
  });
});

describe("GitHub secret scanning", () => {
  const alert = {
    number: 7,
    html_url: "https://github.com/acme/web/security/secret-scanning/7",
    state: "open",
    secret_type: "slack_api_token",
    secret_type_display_name: "Slack API Token",
    secret: "xoxb-000000000000-000000000000-zzzzzzzzzzzzzzzzzzzzzzzz",
    validity: "unknown",
  };
  it("one finding per location when the locations are set on the alert; issues are named by their URL", () => {
    const r = parse({
      ...alert,
      locations: [
        { type: "commit", details: { path: "config/slack.yml", start_line: 3, commit_sha: "abc" } },
        { type: "commit", details: { path: "old/slack.yml", start_line: 9, commit_sha: "def" } },
        {
          type: "issue_comment",
          details: { issue_comment_url: "https://api.github.com/repos/acme/web/issues/comments/1" },
        },
      ],
    });
    expect(r.findings.map((f) => [f.path, f.line])).toEqual([
      ["config/slack.yml", 3],
      ["old/slack.yml", 9],
      ["issue_comment: https://api.github.com/repos/acme/web/issues/comments/1", undefined],
    ]);
    expect(r.findings[0]).toMatchObject({
      severity: "high",
      verified: undefined,
      origin: "https://github.com/acme/web",
    });
  });
  it("an organisation's list groups each alert under its own repository; hide_secret leaves no value", () => {
    const p = plan([
      { ...alert, repository: { full_name: "acme/web", html_url: "https://github.com/acme/web" } },
      {
        ...alert,
        number: 8,
        secret: undefined,
        repository: { full_name: "acme/api", html_url: "https://github.com/acme/api" },
      },
    ]);
    expect(p.images.map((i) => i.repository).sort()).toEqual(["github.com/acme/api", "github.com/acme/web"]);
    expect(p.secrets).toHaveLength(2);
  });
  it("an upload's source wins over the repositories the report names", () => {
    expect(plan([alert], "https://gitlab.example.com/mirror/web.git").images.map((i) => i.repository)).toEqual([
      "gitlab.example.com/mirror/web",
    ]);
  });
  it("refuses an alert whose state is not GitHub's, naming the path", () => {
    expect(() => parse([{ ...alert, state: "dismissed" }])).toThrow(/0\.state/);
  });
});

describe("GitLab reports of other analyzers", () => {
  it("parse, with their vulnerabilities skipped", () => {
    const r = parse({
      version: "15.0.4",
      vulnerabilities: [{ id: "1", category: "sast", name: "SQL injection", severity: "High", identifiers: [] }],
      scan: { type: "sast", analyzer: { name: "semgrep", version: "4.1.0" }, end_time: "2023-01-01T00:00:00" },
    });
    expect(r.findings).toEqual([]);
    expect(r.skipped).toBe(1);
    expect(r.scannedAt?.toISOString()).toBe("2023-01-01T00:00:00.000Z");
  });
});

describe("trufflehog v2 as it writes JSON lines", () => {
  it("reads one record per line", () => {
    const lines = [
      {
        branch: "origin/main",
        commitHash: "a".repeat(40),
        path: "deploy.sh",
        reason: "AWS API Key",
        stringsFound: ["AKIAZZTRUFFLEHOG2001"],
      },
      {
        branch: "origin/main",
        commitHash: "b".repeat(40),
        path: "deploy.sh",
        reason: "AWS API Key",
        stringsFound: ["AKIAZZTRUFFLEHOG2001"],
      },
    ].map((l) => JSON.stringify(l));
    const p = resolveFindings(parse(lines.join("\n")), undefined, TEST_KEY);
    expect(p.secrets).toHaveLength(1);
    expect(p.occurrences).toHaveLength(1);
  });
});

describe("sources of reports without an image", () => {
  it("name a repository the same way whichever remote form a scanner printed", () => {
    const forms = [
      "https://github.com/Acme/Web",
      "https://github.com/Acme/Web.git",
      "https://token:x-oauth@github.com/Acme/Web/",
      "git@github.com:Acme/Web.git",
      "ssh://git@github.com/Acme/Web.git",
    ];
    expect(new Set(forms.map(sourceName))).toEqual(new Set(["github.com/Acme/Web"]));
    expect(sourceName("  ")).toBeUndefined();
    expect(sourceName("./src")).toBe("./src");
  });
  it("are stable: naming a name again gives the same name, and no credential survives", () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), fc.string(), (url, secret) => {
        const withUser = url.replace("://", `://user:${encodeURIComponent(secret)}@`);
        const name = sourceName(withUser)!;
        expect(sourceName(name)).toBe(name);
        if (secret.length > 3) expect(name).not.toContain(encodeURIComponent(secret));
      }),
    );
  });
});
