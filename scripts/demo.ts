// npm run demo: loads a demo fleet built from the shared fixtures into the configured database.
// With the embedded database it goes through the running server, or opens the data directory itself.
import fs from "node:fs";
import path from "node:path";
import { closeDb } from "../lib/db";
import { openCliDatabase } from "./cli-database";
import { ingestScan } from "../lib/ingest/ingest-scan";

const FIXTURES = path.resolve(process.cwd(), "../shared/fixtures/scanners");
// The same reports as if they came from scans of these images: shared secrets land in several registries.
const FLEET: [string, string][] = [
  ["trufflehog/v3_git.json", "ghcr.io/acme/api:1.4.2"],
  ["trufflehog/v3_git.json", "ghcr.io/acme/api:1.5.0"],
  ["trufflehog/v3_git.json", "registry.gitlab.com/acme/worker:2.3"],
  ["trufflehog/v3_git.json", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:2026.11"],
  ["trivy-upstream/secrets.json.golden", "ghcr.io/acme/api:1.4.2"],
  ["trivy/misconfigurations_and_secrets.json", "docker.io/acme/web:3.1"],
  ["gitleaks/gitleaks8_many.json", "registry.gitlab.com/acme/worker:2.3"],
  ["gitleaks/version_7.5.0.json", "docker.io/acme/web:3.1"],
  ["sarif/gitleaks_7.5.0.sarif", "ghcr.io/acme/reports:0.9"],
  ["secretlint/secretlint_many_vuln.json", "ghcr.io/acme/api:1.5.0"],
  ["detect_secrets/many_findings.json", "docker.io/acme/web:3.1"],
  ["ggshield/many_findings.json", "registry.gitlab.com/acme/admin:5"],
  ["noseyparker/noseyparker_0_22_0.jsonl", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:2026.11"],
  ["trivy_operator/exposedsecretreport_many.json", ""],
  ["sarif/dockle_0_3_15.sarif", "docker.io/acme/web:3.1"],
  ["trufflehog3/many_vulns_current.json", "ghcr.io/acme/reports:0.9"],
];

if (!fs.existsSync(FIXTURES)) {
  console.error(`Fixtures not found at ${FIXTURES}.`);
  process.exit(1);
}
await openCliDatabase();
try {
  for (const [index, [file, image]] of FLEET.entries()) {
    // Each (report, image) pair is its own scan: vary the bytes so idempotency does not fold them together.
    const content = Buffer.concat([fs.readFileSync(path.join(FIXTURES, file)), Buffer.from("\n".repeat(index + 1))]);
    const r = await ingestScan({ content, image: image || undefined, uploader: { kind: "system", label: "demo" } });
    console.log(
      `${r.duplicate ? "=" : "+"} ${file.padEnd(48)} ${(r.image ?? "").padEnd(60)} ${r.counts.newSecrets} new secrets, ${r.counts.newOccurrences} new occurrences`,
    );
  }
} finally {
  await closeDb();
}
