import type { NextRequest } from "next/server";
import type { UserActor } from "../auth/actor";
import { assertCan } from "../auth/actor";
import { userFromHeaders } from "../auth/current-user";
import type { Permission } from "../auth/roles";
import { ResidueError, toErrorResponse } from "../errors";

type Ctx = { params: Promise<Record<string, string>> };
export type BrowserHandler = (args: { req: NextRequest; user: UserActor; params: Record<string, string>; searchParams: Record<string, string> }) => Promise<Response>;

/**
 * The guard for endpoints the dashboard itself calls: a signed-in user with the permission, and no cross-site
 * request (CSRF): the browser's Sec-Fetch-Site, or failing that the Origin, must be this site.
 */
export function withBrowser(handler: BrowserHandler, opts: { permission: Permission }) {
  return async (req: NextRequest, ctx: Ctx) => {
    try {
      assertSameOrigin(req);
      const user = await userFromHeaders(req.headers);
      if (!user) throw new ResidueError("unauthorized", "Sign in first.");
      assertCan(user, opts.permission);
      return await handler({ req, user, params: await ctx.params, searchParams: Object.fromEntries(req.nextUrl.searchParams) });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

function assertSameOrigin(req: NextRequest) {
  const site = req.headers.get("sec-fetch-site");
  // A read may come from a typed URL or a bookmark ("none"); a change must come from this site.
  const read = req.method === "GET" || req.method === "HEAD";
  if (site) {
    if (site !== "same-origin" && !(read && site === "none")) throw new ResidueError("forbidden", "Cross-site request refused.");
    return;
  }
  if (read) return;
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host || new URL(origin).host !== host) throw new ResidueError("forbidden", "Cross-site request refused.");
}
