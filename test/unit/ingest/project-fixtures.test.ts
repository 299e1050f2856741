import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectParser } from "@/lib/ingest/parsers/registry";
import { readDocument } from "@/lib/ingest/read/read-document";
import { allProjectFixtures, PROJECT_FIXTURES_DIR, readProjectFixture } from "@/test/helpers/fixtures";
import { planProjectFixture } from "@/test/helpers/parse";

// The real reports under test/fixtures, with counts worked out by reading each file (see the comment per row).
// [file, parser, findings, distinct secrets, occurrences, skipped]
const EXPECTED: [string, string, number, number, number, number][] = [
  // trivy's contrib/asff.tpl rendered over trivy's secrets golden: two secrets in deploy.sh, titles differ
  ["asff/trivy_asff_secrets.json", "asff", 2, 2, 2, 0],
  // CWE 261 and 287 (weak password encoding, improper authentication): vulnerabilities, not leaked secrets
  ["defectdojo-generic/generic_report1.json", "defectdojo-generic", 0, 0, 0, 2],
  // 3 alerts (false positive, open, revoked), one first location each, three different secrets
  ["github-secret-scanning/github_secrets_detection_report_many_vul.json", "github-secret-scanning", 3, 3, 3, 0],
  ["github-secret-scanning/github_secrets_detection_report_one_vul.json", "github-secret-scanning", 1, 1, 1, 0],
  ["gitlab/gitlab_secret_detection_report_0_vuln.json", "gitlab-secret-detection", 0, 0, 0, 0],
  ["gitlab/gitlab_secret_detection_report_1_vuln_v15.json", "gitlab-secret-detection", 1, 1, 1, 0],
  // SSH key, AWS key id, password in URL, all in README.md
  ["gitlab/gitlab_secret_detection_report_3_vuln_v14.json", "gitlab-secret-detection", 3, 3, 3, 0],
  ["gitlab/gitlab_secret_detection_report_3_vuln_v15.json", "gitlab-secret-detection", 3, 3, 3, 0],
  // 95 records; 145 distinct strings per record once the diff mark is off ("+x" and "-x" in one record are one);
  // 34 distinct credentials once each assignment gives up its value, in 45 (credential, file) places
  ["trufflehog2/many_vulns2_legacy.json", "trufflehog2", 145, 34, 45, 0],
];

describe("every report under test/fixtures", () => {
  it("is listed here and in PROVENANCE.md", () => {
    const files = allProjectFixtures().filter((f) => !f.endsWith(".md"));
    expect(files).toEqual(EXPECTED.map((e) => e[0]).sort());
    const provenance = fs.readFileSync(path.join(PROJECT_FIXTURES_DIR, "PROVENANCE.md"), "utf8");
    for (const f of files) expect(provenance, f).toContain(`\`${f}\``);
  });

  it.each(EXPECTED)(
    "%s → %s: %i findings, %i secrets, %i occurrences, %i skipped",
    (file, parser, findings, secrets, occurrences, skipped) => {
      expect(detectParser(readDocument(readProjectFixture(file).toString("utf8"))).id).toBe(parser);
      const { parsed, plan } = planProjectFixture(file);
      expect(parsed.findings).toHaveLength(findings);
      expect(plan.secrets).toHaveLength(secrets);
      expect(plan.occurrences).toHaveLength(occurrences);
      expect(parsed.skipped).toBe(skipped);
    },
  );
});

describe("named fields of the new formats", () => {
  it("GitLab: rule from the gitleaks identifier, the value's SHA-256 from `cve`, severity, file and line", () => {
    const { parsed } = planProjectFixture("gitlab/gitlab_secret_detection_report_3_vuln_v14.json");
    expect(parsed.toolName).toBe("Gitleaks");
    expect(parsed.findings[1]).toMatchObject({
      ruleId: "AWS",
      severity: "critical",
      path: "README.md",
      line: 7,
      raw: "AKIAIOSFODNN7EXAMPLE",
      valueHashes: [{ algorithm: "sha256", hex: "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3" }],
    });
  });

  it("GitLab: the same AWS key in two reports is one credential (value hash), at two lines", () => {
    const a = planProjectFixture("gitlab/gitlab_secret_detection_report_1_vuln_v15.json").plan.secrets[0]!;
    const b = planProjectFixture("gitlab/gitlab_secret_detection_report_3_vuln_v14.json").plan.secrets;
    expect(b.map((s) => s.identityKey)).toContain(a.identityKey);
  });

  it("GitHub: secret type, validity, repository as source, resolutions carried as evidence", () => {
    const { parsed, plan } = planProjectFixture("github-secret-scanning/github_secrets_detection_report_many_vul.json");
    const [fp, open, revoked] = parsed.findings;
    expect(fp).toMatchObject({
      ruleId: "adafruit_io_key",
      detector: "Adafruit IO Key",
      path: "/example/secrets.txt",
      line: 1,
      verified: true,
      severity: "critical",
      upstream: { service: "GitHub secret scanning", resolution: "false_positive", by: "monalisa" },
    });
    expect(open!.upstream).toBeUndefined();
    expect(open).toMatchObject({ raw: "AKIAIOSFODNN7EXAMPLE", path: "/config/aws-credentials.env", line: 5 });
    expect(revoked).toMatchObject({
      verified: false,
      upstream: { resolution: "revoked", comment: expect.any(String) },
    });
    expect(plan.images.map((i) => `${i.registry} ${i.repository}`)).toEqual(["(none) github.com/octocat/Hello-World"]);
  });

  it("trivy ASFF: the rule from the title, the file from the resource", () => {
    const { parsed } = planProjectFixture("asff/trivy_asff_secrets.json");
    expect(parsed.toolName).toBe("Trivy");
    expect(parsed.findings.map((f) => [f.ruleId, f.severity, f.path])).toEqual([
      ["AWS Access Key ID", "critical", "deploy.sh"],
      ["My Secret", "high", "deploy.sh"],
    ]);
  });

  it("trufflehog v2: the reason is the rule; an added and a removed line are one value", () => {
    const { parsed } = planProjectFixture("trufflehog2/many_vulns2_legacy.json");
    const second = parsed.findings.filter((f) => f.detector === "Generic Secret" && f.path === "test_all.py");
    expect(second[0]).toMatchObject({ ruleId: "generic-secret", severity: "high" });
    expect(parsed.findings.every((f) => !/^[+-]/.test(f.raw!))).toBe(true);
  });
});
