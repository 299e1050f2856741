/**
 * CSRF: a request that changes something must come from this site. The browser's Sec-Fetch-Site decides when it
 * is sent; otherwise the Origin's host must equal the Host the request was sent to. An Origin of "null" (sandboxed
 * frames, file: pages) or one that is not a URL is cross-site. Pages may be read from a link on any site
 * (reads: "any"); the dashboard's own endpoints only from this site or a typed URL (reads: "this-site").
 * Returns why the request is refused, or null.
 */
export function crossSiteRefusal(method: string, headers: Headers, reads: "any" | "this-site"): string | null {
  const site = headers.get("sec-fetch-site");
  if (method === "GET" || method === "HEAD") {
    return reads === "any" || !site || site === "same-origin" || site === "none"
      ? null
      : `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)}).`;
  }
  if (site) return site === "same-origin" ? null : `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)}).`;
  const origin = headers.get("origin");
  // A reverse proxy names the public host in X-Forwarded-Host (Next fills it from Host when absent). A page on
  // another site cannot set it: a cross-site request with a custom header needs a preflight this app never grants.
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!origin) return "Cross-site request refused: no Origin header.";
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "Cross-site request refused: the Origin header is not a URL.";
  }
  return originHost && originHost === host ? null : "Cross-site request refused: the Origin is another site.";
}
