import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";

// Hardening cases 9 and 11: cross-origin server actions answered 500 "Invalid Server Actions request"; pages had
// no Content-Security-Policy.
const action = (headers: Record<string, string>) =>
  proxy(
    new NextRequest("http://localhost:3000/secrets", {
      method: "POST",
      headers: { host: "localhost:3000", "next-action": "7f00aa", "content-type": "text/plain", ...headers },
      body: "[]",
    }),
  );

describe("proxy.ts", () => {
  it.each([
    ["another site", { origin: "https://evil.example" }],
    ["Origin: null", { origin: "null" }],
    ["a malformed Origin", { origin: "http://[::1" }],
    ["Sec-Fetch-Site: cross-site", { origin: "http://localhost:3000", "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
    ["no Origin at all", {}],
  ])("a server action from %s is a 403 with the error shape", async (_, h) => {
    const res = action(h);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden", message: expect.stringMatching(/Cross-site/) });
  });

  it("a same-origin server action passes, and pages get a nonce CSP", () => {
    const ok = action({ origin: "http://localhost:3000", "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(200);
    const page = proxy(
      new NextRequest("http://localhost:3000/secrets?q=aws", {
        headers: { host: "localhost:3000", "sec-fetch-site": "cross-site" },
      }),
    );
    expect(page.status).toBe(200); // a link from anywhere may open a page
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const again = proxy(
      new NextRequest("http://localhost:3000/secrets", { headers: { host: "localhost:3000" } }),
    ).headers.get("content-security-policy");
    expect(again).not.toBe(csp); // a fresh nonce per request
  });

  it("runs on pages and server actions, never on /api (a proxy would buffer and cut a 100 MB upload at 10 MB)", () => {
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    for (const p of ["/", "/secrets", "/secrets/abc", "/login", "/admin/users"]) expect(matcher.test(p), p).toBe(true);
    for (const p of ["/api/v1/scans", "/api/ui/scans", "/api/auth/sign-in/email", "/_next/static/chunks/x.js"])
      expect(matcher.test(p), p).toBe(false);
  });
});
