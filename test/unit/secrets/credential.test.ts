import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credentialOf } from "@/lib/secrets/credential";

// One function reduces what any scanner matched to the bytes every scanner's fingerprint is computed from.
describe("credentialOf", () => {
  it.each([
    [
      "npm .npmrc line (secretlint, gitleaks v7 offender)",
      "//registry.npmjs.org/:_authToken=npm_Xq9aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "npm_Xq9aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ],
    [
      "AWS env assignment (secretlint)",
      "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    [
      "AWS credentials file, spaced",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    [
      "quoted assignment (gitleaks v7 offender)",
      'GITHUB_TOKEN="ghp_abcdefghijklmnopqrstuvwxyz0123456789"',
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    ],
    ["export with single quotes", "export API_KEY='sk_live_abcdefabcdef'", "sk_live_abcdefabcdef"],
    ["Dockerfile ENV", "ENV DB_PASSWORD=hunter2hunter2", "hunter2hunter2"],
    ["YAML", "password: hunter2hunter2", "hunter2hunter2"],
    ["JSON member with a trailing comma", '"password": "hunter2hunter2",', "hunter2hunter2"],
    [
      "Authorization header",
      "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
    ],
    [
      "SARIF snippet with surrounding space and CRLF",
      "  ghp_abcdefghijklmnopqrstuvwxyz0123456789\r\n",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    ],
    ["a URL with credentials stays whole", "https://user:pass@example.com", "https://user:pass@example.com"],
    ["a base64 value is not an assignment", "dGVzdA==", "dGVzdA=="],
    ["a short value after = is not taken out", "key=abc", "key=abc"],
  ])("%s", (_, input, want) => {
    expect(credentialOf(input)).toBe(want);
  });

  it("a PEM private key is the whole block, line endings normalised", () => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\r\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\r\n-----END PRIVATE KEY-----\r\n";
    expect(credentialOf(pem)).toBe(pem.replace(/\r\n/g, "\n").trim());
  });

  it("is idempotent, and leaves bare tokens unchanged", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(credentialOf(credentialOf(s))).toBe(credentialOf(s));
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_\-./+]{8,64}$/), (t) => {
        expect(credentialOf(t)).toBe(t);
      }),
    );
  });
});
