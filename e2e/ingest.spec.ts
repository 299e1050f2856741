import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/users";

const fixture = (rel: string) => path.resolve(import.meta.dirname, "../../shared/fixtures/scanners", rel);

test("health reports the database and current migrations", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({
    status: "ok",
    database: { kind: "pglite", reachable: true },
    migrations: { current: true },
  });
});

test("a newcomer sees the empty state, uploads reports in the browser, and follows a secret across registries", async ({
  page,
}) => {
  await signIn(page, "triager");
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /No reports yet/ })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/home-empty.png", fullPage: true });

  await page.getByRole("link", { name: "Upload", exact: true }).click();
  await page.getByLabel("Image (when the report does not name it)").fill("ghcr.io/acme/api:1.4.2");
  await page.getByLabel("Report file").setInputFiles(fixture("trufflehog/v3_git.json"));
  const result = page.getByRole("region", { name: "Upload result" });
  await expect(result).toContainText("Ingested v3_git.json");
  await expect(page.getByTestId("result-new-secrets")).toHaveText("3");
  await expect(result).toContainText("ghcr.io/acme/api:1.4.2");
  await page.screenshot({ path: "test-results/screens/upload-result.png", fullPage: true });

  // The same report again is a duplicate.
  await page.getByLabel("Report file").setInputFiles(fixture("trufflehog/v3_git.json"));
  await expect(result).toContainText("already ingested");

  // A malformed file gets a clear message.
  await page.getByLabel("Report file").setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"SchemaVersion": 2, "Results": ['),
  });
  await expect(page.locator("p[role=alert]")).toContainText("Invalid JSON at line 1");

  // The trivy report for another registry.
  await page.getByLabel("Image (when the report does not name it)").fill("registry.gitlab.com/acme/worker:7");
  await page.getByLabel("Report file").setInputFiles(fixture("trivy-upstream/secrets.json.golden"));
  await expect(page.getByTestId("result-new-secrets")).toHaveText("2");

  // Filters live in the URL.
  await page.goto("/secrets?severity=critical&sort=severity");
  await expect(page.getByText(/secrets? match(es)? these filters/)).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(1 + 4); // header + AWS (trivy) + the 3 verified trufflehog secrets
  await page.screenshot({ path: "test-results/screens/secrets.png", fullPage: true });
  await page.getByLabel("Registry").fill("registry.gitlab.com");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/registry=registry.gitlab.com/);
  await expect(page.getByRole("row")).toHaveCount(2);

  await page.getByRole("link", { name: /AWS Access Key ID/ }).click();
  await expect(page.getByRole("heading", { name: "AWS Access Key ID" })).toBeVisible();
  await expect(page.getByText("registry.gitlab.com", { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: "test-results/screens/secret.png", fullPage: true });

  await page.goto("/");
  await expect(page.getByTestId("stat-scans")).toHaveText("2");
  await expect(page.getByTestId("stat-registries")).toHaveText("2");
  await page.goto("/scans");
  await expect(page.getByRole("table")).toContainText("trufflehog");
  await page.screenshot({ path: "test-results/screens/scans.png", fullPage: true });
});

test("the HTML never contains a raw secret from the uploaded fixtures", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/secrets?pageSize=200");
  const html = await page.content();
  for (const raw of ["AKIAYVP4CIPPERUVIFXG", "https://admin:admin@the-internet.herokuapp.com"])
    expect(html).not.toContain(raw);
});
