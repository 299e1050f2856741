// Hardening in the browser: the login round trip keeps the followed link and refuses other sites, and every page
// runs under the nonce CSP with no violation (Next's own scripts carry the nonce; the page hydrates).
import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, USERS } from "./support/users";

async function fillSignIn(page: Page) {
  await page.getByLabel("Email").fill(USERS.viewer.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test("a followed link survives sign-in", async ({ page }) => {
  await page.goto("/secrets?q=aws&severity=critical");
  await expect(page).toHaveURL(/\/login\?next=/);
  await fillSignIn(page);
  await expect(page).toHaveURL(/\/secrets\?q=aws&severity=critical$/);
});

for (const payload of ["/\\evil.example", "/\t/evil.example", "//evil.example", "https://evil.example/"]) {
  test(`next=${JSON.stringify(payload)} stays on this site`, async ({ page }) => {
    await page.goto(`/login?next=${encodeURIComponent(payload)}`);
    await fillSignIn(page);
    expect(new URL(page.url()).host).toBe("localhost:3100");
  });
}

test("pages run under the CSP without a violation, and hydrate", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  await page.goto("/login");
  await fillSignIn(page);
  for (const path of ["/", "/secrets", "/remediation", "/compliance", "/scans"]) {
    const res = await page.goto(path);
    expect(res?.headers()["content-security-policy"]).toMatch(/'nonce-/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  }
  // Hydrated: a client-side navigation works.
  await page.getByRole("link", { name: "Secrets" }).first().click();
  await expect(page).toHaveURL(/\/secrets/);
  expect(violations).toEqual([]);
});
