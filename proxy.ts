import { NextResponse, type NextRequest } from "next/server";
import { crossSiteRefusal } from "@/lib/api/same-origin";

/**
 * Runs before every page and server action (not /api: see the matcher):
 * - CSRF: a request that changes something (a server action, a form post) must come from this site; refused
 *   here with a 403 and Residue's error shape, not Next's 500 "Invalid Server Actions request".
 * - A Content-Security-Policy with a fresh nonce per request, which Next puts on its own scripts.
 * - The path being requested, so that a page that needs a signed-in user can send it through the login page.
 */
export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  const refusal = crossSiteRefusal(req.method, req.headers, "any");
  if (refusal) return NextResponse.json({ code: "forbidden", message: refusal }, { status: 403 });
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  headers.set("x-residue-path", `${path}${req.nextUrl.search}`.slice(0, 2048));
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

// Scripts: only Next's own, by nonce ('strict-dynamic' lets them load their chunks). Styles: recharts and React
// write style attributes, which a nonce cannot cover; styles cannot run code. Nothing is framed, nothing posts away.
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const config = {
  // Not /api: a proxy buffers the request body (and cuts it at 10 MB), and uploads stream up to 100 MB. The API
  // guards itself: /api/v1 takes bearer tokens (no cookies, nothing to forge), /api/ui checks the same
  // crossSiteRefusal in withBrowser, /api/auth is better-auth's own origin check. Static assets need nothing.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
