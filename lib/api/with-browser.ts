import type { NextRequest } from "next/server";
import type { UserActor } from "../auth/actor";
import { assertCan } from "../auth/actor";
import { userFromHeaders } from "../auth/current-user";
import type { Permission } from "../auth/roles";
import { ResidueError, toErrorResponse } from "../errors";
import { crossSiteRefusal } from "./same-origin";

type Ctx = { params: Promise<Record<string, string>> };
export type BrowserHandler = (args: {
  req: NextRequest;
  user: UserActor;
  params: Record<string, string>;
  searchParams: Record<string, string>;
}) => Promise<Response>;

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
      return await handler({
        req,
        user,
        params: await ctx.params,
        searchParams: Object.fromEntries(req.nextUrl.searchParams),
      });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

function assertSameOrigin(req: NextRequest) {
  const refusal = crossSiteRefusal(req.method, req.headers, "this-site");
  if (refusal) throw new ResidueError("forbidden", refusal);
}
