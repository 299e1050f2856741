import zlib from "node:zlib";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postSarif } from "@/app/api/v1/repos/[owner]/[repo]/code-scanning/sarifs/route";
import { GET as getSarif } from "@/app/api/v1/repos/[owner]/[repo]/code-scanning/sarifs/[id]/route";
import { POST as importScan } from "@/app/api/v2/import-scan/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { readFixture, readProjectFixture } from "@/test/helpers/fixtures";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

const system = { kind: "system", label: "test" } as const;
let t: TestDb;
let upload: string;
let read: string;
const REPO = { owner: "acme", repo: "web" };
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
const SARIF = readFixture("sarif/gitleaks_7.5.0.sarif");

beforeAll(async () => {
  t = await setupTestDb({ worker: true });
  upload = (await createApiToken(system, { name: "ci", scopes: ["scans:write"] })).token;
  read = (await createApiToken(system, { name: "reader", scopes: ["read"] })).token;
});
afterAll(() => t.drop());

/** The request github/codeql-action's upload-sarif and `gh api` make: JSON, `Authorization: token …`. */
function githubUpload(body: unknown, token = upload, params = REPO) {
  return postSarif(
    new NextRequest(`http://localhost/api/v1/repos/${params.owner}/${params.repo}/code-scanning/sarifs`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: {
        authorization: `token ${token}`,
        accept: "application/vnd.github+json",
        "content-type": "application/json; charset=utf-8",
        "x-github-api-version": "2022-11-28",
        "user-agent": "CodeQL-Action/3.27.0",
      },
    }),
    ctx(params),
  );
}
const githubStatus = (id: string, token = upload) =>
  getSarif(
    new NextRequest(`http://localhost/api/v1/repos/acme/web/code-scanning/sarifs/${id}`, {
      headers: { authorization: `token ${token}` },
    }),
    ctx({ ...REPO, id }),
  );
const codeqlBody = (sarif: Buffer) => ({
  commit_sha: "4b6472266afd7b471e86085a6659e8c7f2b119da",
  ref: "refs/heads/main",
  sarif: zlib.gzipSync(sarif).toString("base64"),
  checkout_uri: "file:///home/runner/work/web/web",
  started_at: "2026-12-01T09:00:00Z",
  tool_name: "Gitleaks",
});

async function untilDone(id: string) {
  for (let i = 0; i < 300; i++) {
    const s = await (await githubStatus(id)).json();
    if (s.processing_status !== "pending") return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the upload did not finish");
}

describe(`GitHub code scanning upload on ${testDatabaseKind}`, () => {
  it("202 {id, url}; the status becomes complete; the findings are grouped under the repository", async () => {
    const res = await githubUpload(codeqlBody(SARIF));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(202);
    expect(body.url).toBe(`/api/v1/repos/acme/web/code-scanning/sarifs/${body.id}`);
    const status = await untilDone(body.id);
    expect(status).toMatchObject({ processing_status: "complete", analyses_url: `/api/v1/secrets?scan=${body.id}` });
    expect(status.residue.result.counts.findings).toBe(8);
    const scan = await t.db.scan.findUniqueOrThrow({
      where: { id: body.id },
      include: { image: { include: { repository: true } } },
    });
    expect(scan.image?.repository.name).toBe("github.com/acme/web");
    // The same SARIF again: GitHub's answer, pointing at the scan that already has it.
    const again = await (await githubUpload(codeqlBody(SARIF))).json();
    expect(again.id).toBe(body.id);
  });

  it("a report that fails to parse ends failed, with the reason in GitHub's `errors`", async () => {
    const res = await githubUpload(codeqlBody(Buffer.from('{"version":"2.1.0","runs":[{"results":"x"}]}')));
    const { id } = await res.json();
    const status = await untilDone(id);
    expect(status.processing_status).toBe("failed");
    expect(status.errors[0]).toMatch(/SARIF|runs/);
  });

  it("names what is wrong with the request, refuses a token without scans:write, and an unknown id is 404", async () => {
    const bad = async (body: unknown, params = REPO) => {
      const res = await githubUpload(body, upload, params);
      return [res.status, (await res.json()).message];
    };
    expect(await bad({ ...codeqlBody(SARIF), commit_sha: "main" })).toEqual([422, expect.stringMatching(/commit_sha/)]);
    expect(await bad({ ...codeqlBody(SARIF), ref: "main" })).toEqual([422, expect.stringMatching(/ref/)]);
    expect(await bad({ ...codeqlBody(SARIF), sarif: "not base64!" })).toEqual([422, expect.stringMatching(/sarif/)]);
    expect(await bad(codeqlBody(SARIF), { owner: "../x", repo: "web" })).toEqual([422, expect.stringMatching(/owner/)]);
    expect((await githubUpload(codeqlBody(SARIF), read)).status).toBe(403);
    expect((await githubStatus("nope")).status).toBe(404);
  });
});

/** The request the DefectDojo API docs' curl, dd-import and defectdojo-cli make: multipart, `Authorization: Token …`. */
function defectdojoImport(fields: Record<string, string>, file: Buffer, filename: string, token = upload) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(file)], { type: "application/json" }), filename);
  return importScan(
    new NextRequest("http://localhost/api/v2/import-scan/", {
      method: "POST",
      body: form,
      headers: { authorization: `Token ${token}`, accept: "application/json" },
    }),
    ctx(),
  );
}
const DD_CONTEXT = {
  engagement: "3",
  product_name: "Acme Payments",
  product_type_name: "Web",
  engagement_name: "CI pipeline",
  auto_create_context: "true",
  minimum_severity: "Info",
  active: "true",
  verified: "false",
  close_old_findings: "false",
  deduplication_on_engagement: "true",
  scan_date: "2026-12-01",
  test_title: "gitleaks",
  tags: "ci,secrets",
  branch_tag: "main",
  commit_hash: "4b6472266afd7b471e86085a6659e8c7f2b119da",
  build_id: "1234",
};

describe(`DefectDojo import-scan on ${testDatabaseKind}`, () => {
  it("201 in DefectDojo's shape; scan_type names the format; product_name is the source", async () => {
    const res = await defectdojoImport(
      { ...DD_CONTEXT, scan_type: "GitLab Secret Detection Report" },
      readProjectFixture("gitlab/gitlab_secret_detection_report_3_vuln_v14.json"),
      "gl-secret-detection-report.json",
    );
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      scan_type: "GitLab Secret Detection Report",
      engagement_id: "3",
      statistics: { after: { total: 3 } },
      residue: { format: "gitlab-secret_detection-14.0.0", counts: { findings: 3 } },
    });
    const scan = await t.db.scan.findUniqueOrThrow({
      where: { id: body.test },
      include: { image: { include: { repository: true } } },
    });
    expect(scan.image?.repository.name).toBe("Acme Payments");
  });

  it("a service that is an image reference is the image; an unknown scan_type leaves the format to the report", async () => {
    const res = await defectdojoImport(
      { ...DD_CONTEXT, scan_type: "Some Other Scan", service: "ghcr.io/acme/payments:2.3.1" },
      readFixture("gitleaks/gitleaks8_many.json"),
      "gitleaks.json",
    );
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.residue.image).toBe("ghcr.io/acme/payments:2.3.1");
  });

  it("a scan_type that contradicts the report is a 422 naming the path; no file part is a 400", async () => {
    const res = await defectdojoImport(
      { ...DD_CONTEXT, scan_type: "Generic Findings Import" },
      readFixture("gitleaks/gitleaks8_many.json"),
      "gitleaks.json",
    );
    expect(res.status).toBe(422);
    expect((await res.json()).message).toMatch(/DefectDojo generic/);
    const form = new FormData();
    form.append("scan_type", "Gitleaks Scan");
    const none = await importScan(
      new NextRequest("http://localhost/api/v2/import-scan/", {
        method: "POST",
        body: form,
        headers: { authorization: `Token ${upload}` },
      }),
      ctx(),
    );
    expect(none.status).toBe(400);
    expect(await t.db.upload.count({ where: { status: "receiving" } })).toBe(0);
  });
});
