// A triager's day: upload real reports (a scanner fixture and `residue scan` output of a real image archive),
// filter the fleet table through the URL, open a secret, follow it to its image and layer, confirm and
// remediate, then mark false positives in bulk. A viewer reads compliance and exports it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dockerArchive } from "../test/helpers/image-archive";
import { signIn } from "./support/users";

const GH = "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";
const shot = (name: string) => ({ path: `test-results/screens/${name}.png`, fullPage: true });

async function residueScanOf(tag: string, layers: Parameters<typeof dockerArchive>[0]["layers"]) {
  const archive = await dockerArchive({ tag, layers });
  const out = path.join(path.dirname(archive), "report.sarif");
  try {
    execFileSync(process.execPath, ["bin/residue.mjs", "scan", archive, "-o", out, "-q"], { stdio: "pipe" });
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e; // 1 = findings
  }
  return out;
}

test.describe.configure({ mode: "serial" });

test("a triager follows a residue secret from the table to its layer, remediates it, and bulk-marks false positives", async ({
  page,
}) => {
  await signIn(page, "triager");
  const sarif = await residueScanOf("ghcr.io/acme/payments:2.0", [
    { createdBy: "ADD rootfs.tar /", files: { "etc/os-release": "ID=e2e\n" } },
    { createdBy: "COPY .env /srv/.env", files: { "srv/.env": `GITHUB_TOKEN=${GH}\n` } },
    { createdBy: "RUN rm /srv/.env", whiteouts: ["/srv/.env"] },
  ]);
  expect(fs.readFileSync(sarif, "utf8")).not.toContain(GH);

  await page.goto("/upload");
  await page.getByLabel("Report file").setInputFiles(sarif);
  await expect(page.getByRole("region", { name: "Upload result" })).toContainText("ghcr.io/acme/payments:2.0");
  await page.getByLabel("Image (when the report does not name it)").fill("quay.io/acme/legacy:9");
  await page
    .getByLabel("Report file")
    .setInputFiles(path.resolve(import.meta.dirname, "../../shared/fixtures/scanners/gitleaks/gitleaks8_many.json"));
  await expect(page.getByRole("region", { name: "Upload result" })).toContainText("quay.io/acme/legacy:9");

  // A shared view: residue only, in one repository.
  await page.goto("/secrets?residue=1&repository=acme/payments");
  await expect(page.getByText("1 secret matches these filters")).toBeVisible();
  await expect(page.getByLabel("Residue")).toHaveValue("1");
  await page.screenshot(shot("secrets-residue"));
  // Keyboard: focus the row, Enter opens it.
  await page.locator("tr[data-row]").first().focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Triage" })).toBeVisible();
  await expect(page.getByTestId("secret-preview")).toContainText("ghp_");
  expect(await page.content()).not.toContain(GH);
  await expect(page.getByText("Copied in, deleted in a later layer")).toBeVisible();
  await page.screenshot(shot("secret-detail"));

  // Confirm: the plan appears (rotation + rebuild + purge for the one repository).
  await page.getByLabel("New state").selectOption("confirmed");
  await page.getByRole("button", { name: "Save triage" }).click();
  await expect(page.getByText("Updated 1 secret.")).toBeVisible();
  await expect(page.getByText("Rotate the credential", { exact: true })).toBeVisible();
  await expect(page.getByText("Rebuild without the secret ghcr.io/acme/payments")).toBeVisible();
  await page.getByRole("button", { name: "Record rotation: Rotate the credential" }).click();
  await page.getByLabel("Rotated by").fill("ops on-call");
  await page.getByLabel("When").fill("2026-11-25T09:00");
  await page.getByLabel("How (vault path, ticket)").fill("vault kv put secret/payments/github, INC-4711");
  await page.getByRole("button", { name: "Save rotation" }).click();
  await expect(page.getByText(/Rotated by ops on-call/)).toBeVisible();
  await page.getByRole("textbox", { name: "Comment" }).fill("Rotated; rebuild with RUN --mount=type=secret scheduled.");
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.getByText("Rotated; rebuild with RUN --mount=type=secret scheduled.")).toBeVisible();
  await page.screenshot(shot("secret-remediation"));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot(shot("secret-remediation-390"));
  await page.setViewportSize({ width: 1280, height: 720 });

  // Follow it to the image and the layer that holds it.
  await page
    .getByRole("link", { name: /sha256:/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /ghcr\.io\/acme\/payments/ })).toBeVisible();
  const layer = page.locator("li", { hasText: "COPY .env /srv/.env" }).first();
  await expect(layer).toContainText("residue: deleted in layer #2, still in this layer");
  await expect(page.locator("li", { hasText: "RUN rm /srv/.env" }).first()).not.toContainText("finding");
  await page.screenshot(shot("image-layers"));
  await page.getByRole("link", { name: "ghcr.io/acme/payments" }).first().click();
  await expect(page.getByRole("heading", { name: "ghcr.io/acme/payments" })).toBeVisible();
  await page.screenshot(shot("repository"));

  // Bulk: the gitleaks findings in the legacy image are test data: false positive, with a reason.
  await page.goto("/secrets?repository=acme/legacy&state=open");
  const rows = page.locator("tr[data-row]");
  const n = await rows.count();
  expect(n).toBeGreaterThan(1);
  await page.getByLabel("Select all on this page").check();
  const bulk = page.getByRole("region", { name: "Bulk actions" });
  await expect(bulk).toContainText(`${n} selected`);
  await bulk.getByLabel("New state").selectOption("false_positive");
  await bulk.getByRole("button", { name: `Apply to ${n} secrets` }).click();
  // No reason: the form refuses (required field), nothing changes.
  expect(await bulk.getByLabel(/Reason/).evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
  await expect(rows).toHaveCount(n);
  await bulk.getByLabel(/Reason/).fill("gitleaks test corpus, not real keys");
  await bulk.getByRole("button", { name: `Apply to ${n} secrets` }).click();
  await expect(page.getByText("No secret matches these filters.")).toBeVisible();
  await page.goto("/secrets?repository=acme/legacy&state=false_positive");
  await expect(rows).toHaveCount(n);
  await page.screenshot(shot("secrets-bulk-fp"));

  await page.goto("/remediation");
  await expect(page.getByRole("table")).toContainText("Purge old tags and digests");
  // Plan the work from the board: two steps to one owner at once, then one step's due date.
  await page
    .getByRole("checkbox", { name: /^Select Rebuild without the secret/ })
    .first()
    .check();
  await page
    .getByRole("checkbox", { name: /^Select Purge old tags and digests/ })
    .first()
    .check();
  const bulkSteps = page.getByRole("form", { name: "Assign selected steps" });
  await bulkSteps.getByLabel("Assign the selected steps to").selectOption({ label: "Tri Ager" });
  await bulkSteps.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("Assigned 2 steps.")).toBeVisible();
  const due = page.getByLabel(/^Due date of Purge old tags and digests/).first();
  await due.fill("2027-02-01");
  await expect(due).toBeEnabled();
  await page.reload();
  await expect(page.getByLabel(/^Owner of Purge old tags and digests/).first()).toHaveValue(/.+/);
  await expect(page.getByLabel(/^Due date of Purge old tags and digests/).first()).toHaveValue("2027-02-01");
  await page.screenshot(shot("remediation"));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot(shot("remediation-390"));
});

test("a viewer reads compliance, drills down, exports without secret values, and cannot triage", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/compliance");
  await expect(page.getByRole("heading", { name: "NHI2:2025 Secret Leakage" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "PR.DS-01 Data-at-rest" })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot(shot("compliance"));

  const csv = await page.request.get("/api/ui/compliance/export?format=csv");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.split("\n")[0]).toContain("secret_id,rule,detector,severity");
  expect(text).not.toContain(GH);
  expect(text).not.toContain("AKIAYVP4CIPPERUVIFXG");

  await page.getByRole("link", { name: "Printable report" }).click();
  await expect(page.getByRole("heading", { name: "Compliance report" })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await page.screenshot(shot("compliance-report-print"));
  await page.emulateMedia({ media: "screen" });
  expect(await page.content()).not.toContain(GH);

  await page.goto("/secrets");
  await expect(page.getByLabel("Select all on this page")).toHaveCount(0);
  await page.locator("tr[data-row] a").first().click();
  await expect(page.getByRole("heading", { name: "Triage" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save triage" })).toHaveCount(0);
});
