// Enumerates every route under app/ and checks who may reach it: nobody unauthenticated (except login, setup,
// health and the public API description), and each role exactly its rights. A new route without an entry in
// RIGHTS fails this test, so nothing ships unclassified.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTokenInUi } from "./support/tokens";
import { contextAs, USERS, type E2eRole } from "./support/users";

type Right = { public: true } | { roles: E2eRole[] } | { token: string };
const ALL: E2eRole[] = ["viewer", "triager", "admin"];
const WRITE: E2eRole[] = ["triager", "admin"];
const ADMIN: E2eRole[] = ["admin"];

const RIGHTS: Record<string, Right> = {
  "/login": { public: true },
  "/setup": { public: true },
  "/api/health": { public: true },
  "/api/auth/[...all]": { public: true },
  "/api/v1/openapi.json": { public: true },
  "/": { roles: ALL },
  "/secrets": { roles: ALL },
  "/secrets/[id]": { roles: ALL },
  "/scans": { roles: ALL },
  "/images/[digest]": { roles: ALL },
  "/repositories/[id]": { roles: ALL },
  "/remediation": { roles: ALL },
  "/compliance": { roles: ALL },
  "/compliance/report": { roles: ALL },
  "/api/ui/compliance/export": { roles: ALL },
  "/api/ui/compliance/evidence": { roles: ALL },
  "/upload": { roles: WRITE },
  "/admin/users": { roles: ADMIN },
  "/admin/tokens": { roles: ADMIN },
  "/admin/audit": { roles: ADMIN },
  "/admin/integrations": { roles: ADMIN },
  "/api/ui/scans": { roles: WRITE },
  "/api/ui/scans/[id]": { roles: WRITE },
  "/api/v1/scans": { token: "scans:write / read" },
  "/api/v1/scans/[id]": { token: "scans:write" },
  "/api/v1/secrets": { token: "read" },
  "/api/v1/secrets/[id]": { token: "read / triage:write" },
  "/api/v1/tags": { token: "scans:write" },
  "/api/v1/gate": { token: "gate:read" },
  "/api/v1/remediation/metrics": { token: "read" },
  "/api/v1/compliance/export": { token: "read" },
  "/api/v1/compliance/evidence": { token: "read" },
  "/api/v1/repos/[owner]/[repo]/code-scanning/sarifs": { token: "scans:write" },
  "/api/v1/repos/[owner]/[repo]/code-scanning/sarifs/[id]": { token: "scans:write" },
  "/api/v2/import-scan": { token: "scans:write" },
  "/api/v1/secrets/bulk": { token: "triage:write" },
  "/api/v1/secrets/[id]/comments": { token: "read / triage:write" },
  "/api/v1/secrets/[id]/timeline": { token: "read" },
  "/api/v1/remediation/steps": { token: "read" },
  "/api/v1/remediation/steps/[id]": { token: "read / remediation:write" },
  "/api/v1/remediation/steps/[id]/events": { token: "remediation:write" },
};

type Route = { route: string; kind: "page" | "api"; methods: string[] };

function enumerateRoutes(dir = path.resolve(import.meta.dirname, "../app"), prefix = ""): Route[] {
  const out: Route[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const seg = /^\(.*\)$/.test(e.name) ? "" : `/${e.name}`; // route groups add no segment
      out.push(...enumerateRoutes(full, prefix + seg));
    } else if (e.name === "page.tsx") {
      out.push({ route: prefix || "/", kind: "page", methods: ["GET"] });
    } else if (e.name === "route.ts") {
      const src = fs.readFileSync(full, "utf8");
      const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
        (m) => m[1]!,
      );
      out.push({ route: prefix, kind: "api", methods });
    }
  }
  return out;
}

const urlOf = (route: string) => route.replace("[...all]", "get-session").replace(/\[[^\]]+\]/g, "does-not-exist");
const ROUTES = enumerateRoutes();

async function call(req: APIRequestContext, method: string, url: string) {
  // Same-origin headers, as the dashboard sends them, so only the session decides.
  return req.fetch(url, {
    method,
    maxRedirects: 0,
    headers: { origin: "http://localhost:3100", "sec-fetch-site": "same-origin" },
    data: method === "GET" ? undefined : "",
  });
}

test("every route under app/ is classified", () => {
  expect(ROUTES.length).toBeGreaterThan(10);
  expect(ROUTES.map((r) => r.route).sort()).toEqual(Object.keys(RIGHTS).sort());
});

test("unauthenticated requests are refused everywhere except the public routes", async ({ request }) => {
  for (const r of ROUTES) {
    const right = RIGHTS[r.route]!;
    for (const method of r.methods) {
      const res = await call(request, method, urlOf(r.route));
      const where = `${method} ${r.route} → ${res.status()}`;
      if ("public" in right) expect(res.status(), where).toBeLessThan(500);
      else if (r.kind === "page") {
        expect(res.status(), where).toBe(307);
        // To the login page, which brings the user back here after sign-in.
        const location = new URL(res.headers().location!, "http://localhost");
        expect(location.pathname, where).toBe("/login");
        const path = new URL(urlOf(r.route), "http://localhost");
        expect(location.searchParams.get("next") ?? "/", where).toBe(`${path.pathname}${path.search}`);
      } else expect(res.status(), where).toBe(401);
    }
  }
});

for (const role of ALL) {
  test(`${role}: exactly the rights of the role`, async ({ browser }) => {
    const context = await contextAs(browser, role);
    for (const r of ROUTES) {
      const right = RIGHTS[r.route]!;
      if ("public" in right) continue;
      for (const method of r.methods) {
        const res = await call(context.request, method, urlOf(r.route));
        const where = `${role} ${method} ${r.route} → ${res.status()}`;
        if ("token" in right) expect(res.status(), `${where} (a session is not an API token)`).toBe(401);
        else if (right.roles.includes(role)) expect([200, 400, 404, 415, 422], where).toContain(res.status());
        else expect(res.status(), where).toBe(403);
      }
    }
    await context.close();
  });
}

test("an admin creates an API token in the UI, it works once shown, and revocation takes effect immediately", async ({
  browser,
  request,
}) => {
  const context = await contextAs(browser, "admin");
  const page = await context.newPage();
  const token = await createTokenInUi(page, "e2e-reader", { read: true });
  await page.screenshot({ path: "test-results/screens/admin-tokens.png", fullPage: true });

  const auth = { authorization: `Bearer ${token}` };
  expect((await request.get("/api/v1/secrets", { headers: auth })).status()).toBe(200);
  expect((await request.post("/api/v1/scans", { headers: auth, data: "{}" })).status()).toBe(403); // lacks scans:write

  await page.reload();
  expect(await page.content()).not.toContain(token);
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Revoke token e2e-reader" }).click();
  await expect(page.getByRole("row", { name: /e2e-reader/ })).toContainText("revoked");
  expect((await request.get("/api/v1/secrets", { headers: auth })).status()).toBe(401);

  await page.goto("/admin/audit?action=token.revoked");
  await expect(page.getByRole("table")).toContainText(USERS.admin.email);
  await page.screenshot({ path: "test-results/screens/admin-audit.png", fullPage: true });
  await page.goto("/admin/users");
  await page.screenshot({ path: "test-results/screens/admin-users.png", fullPage: true });
  await context.close();
});
