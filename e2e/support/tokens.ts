import { expect, type Page } from "@playwright/test";

/** Creates an API token on the admin page (the page must be an admin's) and returns it, as shown once. */
export async function createTokenInUi(page: Page, name: string, scopes: { read?: boolean; write?: boolean }) {
  await page.goto("/admin/tokens");
  await page.getByLabel("Name").fill(name);
  const write = page.getByRole("checkbox", { name: /scans:write/ });
  const read = page.getByRole("checkbox", { name: /^read/ });
  await (scopes.write ? write.check() : write.uncheck());
  await (scopes.read ? read.check() : read.uncheck());
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^rsd_/);
  return token;
}
