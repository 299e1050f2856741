import { credentialOf } from "@/lib/secrets/credential";
import { describe, expect, it } from "vitest";
import { detectParser, isEmptyReport } from "@/lib/ingest/parsers/registry";
import { readDocument } from "@/lib/ingest/read/read-document";
import { allFixtures, readFixture } from "@/test/helpers/fixtures";
import { parseFixture, planFixture } from "@/test/helpers/parse";

// Expected counts worked out by reading each file (see the comment per row), not by running the parser.
// [file, parser, findings, distinct secrets, occurrences, skipped]
const EXPECTED: [string, string | null, number, number, number, number][] = [
  // 4 results over 3 files; one has is_secret:false (an audited false positive) → skipped
  ["detect_secrets/many_findings.json", "detect-secrets", 3, 3, 3, 1],
  ["detect_secrets/no_findings.json", "detect-secrets", 0, 0, 0, 0],
  // two commits, the same Django key (same ignore_sha) in wapf/settings.py, line 23 and unknown line
  ["ggshield/many_findings.json", "ggshield", 2, 1, 2, 0],
  ["ggshield/no_finding.json", "ggshield", 0, 0, 0, 0],
  ["ggshield/one_finding.json", "ggshield", 1, 1, 1, 0],
  ["gitleaks-upstream/empty.json", null, 0, 0, 0, 0],
  ["gitleaks-upstream/json_simple.json", "gitleaks", 1, 1, 1, 0],
  ["gitleaks-upstream/template_jsonextra.json", "gitleaks", 1, 1, 1, 0],
  // 4 findings, 3 distinct Secret values, the two identical ones on the same File+StartLine
  ["gitleaks/gitleaks8_many.json", "gitleaks", 4, 3, 3, 0],
  ["gitleaks/no_findings.json", null, 0, 0, 0, 0],
  // offender is "REDACTED" everywhere: identity falls back to location (file+rule+line), 6 distinct
  ["gitleaks/redacted_data_many.json", "gitleaks", 6, 6, 6, 0],
  // 8 findings, 2 distinct offenders, 4 distinct (offender, file, line)
  ["gitleaks/version_7.5.0.json", "gitleaks", 8, 2, 4, 0],
  ["noseyparker/noseyparker_0_22_0.jsonl", "noseyparker", 40, 26, 35, 0],
  ["noseyparker/noseyparker_zero_vul.jsonl", null, 0, 0, 0, 0],
  // CodeScanner C2001 (uninitialised variable) is not a secret, and it is suppressed
  ["sarif/appendix_k.sarif", "sarif", 0, 0, 0, 1],
  // 72 CodeQL quality/security results, none about secrets
  ["sarif/codeQL-output.sarif", "sarif", 0, 0, 0, 72],
  // CIS-DI-0010 "Do not store credential in ENVIRONMENT vars/files" is the one secret rule of 4
  ["sarif/dockle_0_3_15.sarif", "sarif", 1, 1, 1, 3],
  // same 8 leaks as version_7.5.0.json, rules only in "<rule> secret detected" messages
  ["sarif/gitleaks_7.5.0.sarif", "sarif", 8, 2, 4, 0],
  ["sarif/no_runs.sarif", "sarif", 0, 0, 0, 0],
  // TST0001..5: no secret rules; 3 suppressed, 2 not
  ["sarif/suppression_test.sarif", "sarif", 0, 0, 0, 5],
  // app.env has no messages; aws-config 1, ci.env 1, deploy.env 2
  ["secretlint/secretlint_many_vuln.json", "secretlint", 4, 4, 4, 0],
  ["secretlint/secretlint_no_vuln.json", "secretlint", 0, 0, 0, 0],
  ["secretlint/secretlint_one_vuln.json", "secretlint", 1, 1, 1, 0],
  // 4 os-pkgs vulnerabilities, no secrets
  ["trivy-upstream/alpine-310.json.golden", "trivy", 0, 0, 0, 4],
  ["trivy-upstream/secrets.json.golden", "trivy", 2, 2, 2, 0],
  // 10 vulnerabilities + 10 misconfigurations across 4 workloads
  ["trivy/kubernetes.json", "trivy", 0, 0, 0, 20],
  ["trivy/legacy_no_vuln.json", null, 0, 0, 0, 0],
  // 2 pip vulnerabilities + 1 Dockerfile misconfiguration skipped; github-pat in Dockerfile and secret.txt
  ["trivy/misconfigurations_and_secrets.json", "trivy", 2, 2, 2, 3],
  ["trivy/scheme_2_many_vulns.json", "trivy", 0, 0, 0, 5],
  ["trivy/scheme_2_no_vuln.json", "trivy", 0, 0, 0, 0],
  ["trivy_operator/exposedsecretreport_many.json", "trivy-operator", 2, 2, 2, 0],
  ["trivy_operator/exposedsecretreport_no_vuln.json", "trivy-operator", 0, 0, 0, 0],
  // 4 lines, 3 distinct Raw values (one AWS key in two commits at the same file:line)
  ["trufflehog/v3_git.json", "trufflehog", 4, 3, 3, 0],
  ["trufflehog3/many_vulns_current.json", "trufflehog3", 4, 3, 3, 0],
  ["trufflehog3/zero_vulns.json", null, 0, 0, 0, 0],
];

describe("every shared fixture", () => {
  it("is listed here, except the negative one", () => {
    const listed = new Set(EXPECTED.map((e) => e[0]));
    expect(allFixtures().filter((f) => !listed.has(f))).toEqual(["noseyparker/empty_with_error.json"]);
  });

  it.each(EXPECTED)(
    "%s → %s: %i findings, %i secrets, %i occurrences, %i skipped",
    (file, parser, findings, secrets, occurrences, skipped) => {
      const doc = readDocument(readFixture(file).toString("utf8"));
      if (parser) expect(detectParser(doc).id).toBe(parser);
      else expect(isEmptyReport(doc)).toBe(true);
      const { parsed, plan } = planFixture(file);
      expect(parsed.findings).toHaveLength(findings);
      expect(plan.secrets).toHaveLength(secrets);
      expect(plan.occurrences).toHaveLength(occurrences);
      expect(parsed.skipped).toBe(skipped);
    },
  );

  it("rejects yarn-audit output saved as a Nosey Parker file", () => {
    expect(() => parseFixture("noseyparker/empty_with_error.json")).toThrow(/Unrecognised report format/);
    expect(() => parseFixture("noseyparker/empty_with_error.json", "noseyparker")).toThrow(
      /Not a valid Nosey Parker report: 0\.rule_name/,
    );
  });
});

describe("named fields", () => {
  it("trivy: rule, severity, path, line and masked preview", () => {
    const { findings } = parseFixture("trivy-upstream/secrets.json.golden");
    expect(findings[0]).toMatchObject({
      ruleId: "aws-access-key-id",
      detector: "AWS",
      severity: "critical",
      path: "deploy.sh",
      line: 3,
    });
    expect(findings[1]).toMatchObject({ ruleId: "mysecret", severity: "high", line: 7 });
    expect(findings[0]!.raw).toBeUndefined();
  });

  it("trivy image metadata: image ref, config digest, history and layers", () => {
    const { image } = parseFixture("trivy-upstream/alpine-310.json.golden");
    expect(image?.ref).toEqual({
      registry: "ghcr.io",
      repository: "aquasecurity/trivy-test-images",
      tag: "alpine-310",
    });
    expect(image?.configDigest).toBe("sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4");
    expect(image?.platform).toBe("linux/amd64");
    expect(image?.history).toHaveLength(2);
    expect(image?.layers?.[0]).toMatchObject({
      diffId: "sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0",
      digest: "sha256:9d48c3bd43c520dc2784e868a780e976b207cbf493eaff8c6596eb871cbd9609",
    });
  });

  it("trufflehog: base64 Raw decoded, verified → critical, git file and line", () => {
    const { findings } = parseFixture("trufflehog/v3_git.json");
    expect(findings[0]).toMatchObject({
      detector: "AWS",
      severity: "critical",
      path: "keys",
      line: 4,
      verified: true,
      raw: "AKIAYVP4CIPPERUVIFXG",
    });
  });

  it("trivy-operator: image from registry + artifact, path made absolute", () => {
    const { findings } = parseFixture("trivy_operator/exposedsecretreport_many.json");
    expect(findings[0]?.image).toEqual({ registry: "docker.io", repository: "library/secret", tag: "latest" });
    expect(findings[0]?.path.startsWith("/")).toBe(true);
  });

  it("gitleaks 7 SARIF: rule from the message, raw from properties.offender", () => {
    const { findings, toolName } = parseFixture("sarif/gitleaks_7.5.0.sarif");
    expect(toolName).toBe("Gitleaks");
    expect(findings[0]).toMatchObject({ ruleId: "AWS Access Key", raw: "AKIAIOSFODNN7EXAMPLE" });
  });

  it("ggshield: ignore_sha is ggshield's fingerprint, the match type says which part, a masked match is no value", () => {
    const { findings } = parseFixture("ggshield/one_finding.json");
    expect(findings[0]).toMatchObject({
      detector: "Django Secret Key",
      path: "wapf/settings.py",
      partHint: "apikey",
      scannerHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(findings[0]!.raw).toBeUndefined();
  });

  it("secretlint: the value is the matched range of sourceContent, taken to the end of a value the range cut short", () => {
    const { findings } = parseFixture("secretlint/secretlint_one_vuln.json");
    expect(findings[0]!.raw).toBeTruthy();
    expect(findings[0]!.raw!.length).toBeLessThan(100);
    // secretlint's AWS rule reports [start of the name, + length of the key]: the fixture's key is 40 characters.
    const aws = parseFixture("secretlint/secretlint_many_vuln.json").findings.filter((f) => /aws/i.test(f.ruleId));
    expect(aws.map((f) => credentialOf(f.raw!))).toEqual(["0".repeat(40), "1".repeat(40)]);
  });
});
