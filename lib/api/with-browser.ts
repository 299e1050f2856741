import type { NextRequest } from "next/server";
import { ResidueError, toErrorResponse } from "../errors";

type Ctx = { params: Promise<Record<string, string>> };
export type BrowserHandler = (args: { req: NextRequest; params: Record<string, string>; searchParams: Record<string, string> }) => Promise<Response>;

/**
 * The guard for endpoints the dashboard itself calls. It refuses cross-site requests (CSRF): the browser's
 * Sec-Fetch-Site, or failing that the Origin, must be this site.
 */
export function withBrowser(handler: BrowserHandler) {
  return async (req: NextRequest, ctx: Ctx) => {
    try {
      assertSameOrigin(req);
      return await handler({ req, params: await ctx.params, searchParams: Object.fromEntries(req.nextUrl.searchParams) });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

function assertSameOrigin(req: NextRequest) {
  const site = req.headers.get("sec-fetch-site");
  if (site) {
    if (site !== "same-origin") throw new ResidueError("forbidden", "Cross-site request refused.");
    return;
  }
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host || new URL(origin).host !== host) throw new ResidueError("forbidden", "Cross-site request refused.");
}
