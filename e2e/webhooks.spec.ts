// Runs late (files run in name order on one server): it adds secrets. An admin adds a webhook in the UI; an upload
// reaches a local receiver within seconds, signed, without the value; the page shows the delivery.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { verifySignature } from "../lib/webhooks/signing";
import { createTokenInUi } from "./support/tokens";
import { contextAs } from "./support/users";

test("an admin's webhook is told about a new secret within seconds, and the page logs the delivery", async ({
  browser,
  request,
}) => {
  const received: { event: string; body: string; signature: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({
        event: String(req.headers["residue-event"]),
        body,
        signature: String(req.headers["residue-signature"]),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/residue`;

  const context = await contextAs(browser, "admin");
  const page = await context.newPage();
  await page.goto("/admin/integrations");
  await expect(page.getByText("No webhooks yet")).toBeVisible();
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("e2e receiver");
  await page.getByRole("textbox", { name: /^URL/ }).fill(url);
  await page.getByRole("button", { name: "Add webhook" }).click();
  const key = (await page.getByTestId("signing-key").textContent())!.trim();
  expect(key).toMatch(/^whsec_/);
  await page.getByRole("button", { name: "Send a test to e2e receiver" }).click();
  await expect(page.getByRole("status").filter({ hasText: "answered 204" })).toBeVisible();

  const token = await createTokenInUi(page, "e2e-webhook-upload", { write: true });
  const raw = "ghp_" + "E".repeat(36);
  const report = JSON.stringify([{ RuleID: "github-pat", File: "e2e/hook.env", StartLine: 1, Secret: raw }]);
  const up = await request.post("/api/v1/scans?format=gitleaks&wait=30&image=ghcr.io/e2e/hooks:1", {
    headers: { authorization: `Bearer ${token}` },
    data: report,
  });
  expect(up.status(), await up.text()).toBe(201);

  await expect.poll(() => received.filter((r) => r.event === "secret.created").length, { timeout: 15_000 }).toBe(1);
  const created = received.find((r) => r.event === "secret.created")!;
  expect(received.filter((r) => r.event === "ping")).toHaveLength(1);
  expect(verifySignature(key, created.body, created.signature)).toBe(true);
  expect(created.body).not.toContain(raw);
  expect(JSON.parse(created.body).secret.repositories).toEqual(["e2e/hooks"]);

  await page.goto("/admin/integrations");
  await expect(page.getByRole("table", { name: "Recent deliveries" })).toContainText("delivered");
  fs.mkdirSync(path.resolve("test-results/screens"), { recursive: true });
  await page.screenshot({ path: "test-results/screens/admin-integrations.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screens/admin-integrations-390.png", fullPage: true });
  await context.close();
  await new Promise((r) => server.close(r));
});
