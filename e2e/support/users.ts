import { expect, type Browser, type Page } from "@playwright/test";

/** Accounts created by playwright.config.ts's webServer with `npm run user:create`. */
export const PASSWORD = "e2e-password-long-enough";
export const USERS = {
  admin: { email: "admin@e2e.test", name: "Ada Admin" },
  triager: { email: "triager@e2e.test", name: "Tri Ager" },
  viewer: { email: "viewer@e2e.test", name: "Vi Ewer" },
} as const;
export type E2eRole = keyof typeof USERS;

export async function signIn(page: Page, role: E2eRole) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(USERS[role].email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** A browser context signed in as the role, for request-level checks. */
export async function contextAs(browser: Browser, role: E2eRole) {
  const context = await browser.newContext();
  await signIn(await context.newPage(), role);
  return context;
}
