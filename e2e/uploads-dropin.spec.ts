// Runs after the other specs (files run in name order on one server): ingest.spec.ts starts from an empty fleet.
// The drop-in upload endpoints against the production server, as their real clients call them: DefectDojo clients
// post to the URL with its trailing slash and do not expect a redirect; GitHub clients send `Authorization: token`.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { expect, test } from "@playwright/test";
import { createTokenInUi } from "./support/tokens";
import { contextAs } from "./support/users";

const fixture = (rel: string) =>
  fs.readFileSync(path.resolve(import.meta.dirname, "../../shared/fixtures/scanners", rel));

test("DefectDojo's import-scan/ (trailing slash, no redirect) and GitHub's sarifs upload reach Residue", async ({
  browser,
  request,
}) => {
  const context = await contextAs(browser, "admin");
  const token = await createTokenInUi(await context.newPage(), "e2e-ci-import", { write: true });
  await context.close();

  const dd = await request.post("/api/v2/import-scan/", {
    headers: { authorization: `Token ${token}` },
    multipart: {
      scan_type: "Gitleaks Scan",
      product_name: "e2e-payments",
      engagement: "1",
      file: { name: "gitleaks.json", mimeType: "application/json", buffer: fixture("gitleaks/gitleaks8_many.json") },
    },
    maxRedirects: 0,
  });
  expect(dd.status(), await dd.text()).toBe(201);
  expect(await dd.json()).toMatchObject({ scan_type: "Gitleaks Scan", statistics: { after: { total: 4 } } });

  const gh = await request.post("/api/v1/repos/acme/e2e-web/code-scanning/sarifs", {
    headers: { authorization: `token ${token}`, accept: "application/vnd.github+json" },
    data: {
      commit_sha: "4b6472266afd7b471e86085a6659e8c7f2b119da",
      ref: "refs/heads/main",
      sarif: zlib.gzipSync(fixture("sarif/gitleaks_7.5.0.sarif")).toString("base64"),
    },
    maxRedirects: 0,
  });
  expect(gh.status(), await gh.text()).toBe(202);
  const { url } = await gh.json();
  await expect
    .poll(
      async () =>
        (await (await request.get(url, { headers: { authorization: `token ${token}` } })).json()).processing_status,
    )
    .toBe("complete");
});
