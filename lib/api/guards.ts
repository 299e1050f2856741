import type { NextRequest } from "next/server";
import { assertCan, type TokenActor, type UserActor } from "../access/actor";
import type { Permission } from "../access/permissions";
import { authenticateApiToken } from "../auth/api-tokens";
import { userFromHeaders } from "../auth/current-user";
import { ResidueError, toErrorResponse } from "../errors";
import { crossSiteRefusal } from "./same-origin";

type Ctx = { params: Promise<Record<string, string | string[]>> };
type Request = { req: NextRequest; params: Record<string, string | string[]>; searchParams: Record<string, string> };

/**
 * How a caller proves who it is: `token` (an API token in `Authorization: Bearer`, for CI and scripts) or `browser`
 * (the dashboard's session cookie, and a same-site request: Sec-Fetch-Site, else Origin, must be this site, which
 * is the CSRF defence).
 */
export type Via = "token" | "browser";
type ActorVia = { token: TokenActor; browser: UserActor };

/**
 * The guard of every route handler that needs someone: authenticate by `via`, check the permission (one vocabulary:
 * roles and token scopes both grant permissions), then run; every error becomes the JSON `{code, message}` answer.
 */
export function withActor<V extends Via>(
  handler: (args: Request & { actor: ActorVia[V] }) => Promise<Response>,
  opts: { permission: Permission; via: V },
) {
  return guarded(async (args) => {
    const actor = (await authenticate(args.req, opts.via)) as ActorVia[V];
    assertCan(actor, opts.permission);
    return handler({ ...args, actor });
  });
}

/** The guard of a route anyone may call (health, the API description): errors mapped, nothing checked. */
export function withPublic(handler: (args: Request) => Promise<Response>) {
  return guarded(handler);
}

function guarded(run: (args: Request) => Promise<Response>) {
  return async (req: NextRequest, ctx: Ctx) => {
    try {
      return await run({ req, params: await ctx.params, searchParams: Object.fromEntries(req.nextUrl.searchParams) });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

async function authenticate(req: NextRequest, via: Via): Promise<TokenActor | UserActor> {
  if (via === "token") return authenticateApiToken(req.headers.get("authorization"));
  const refusal = crossSiteRefusal(req.method, req.headers, "this-site");
  if (refusal) throw new ResidueError("forbidden", refusal);
  const user = await userFromHeaders(req.headers);
  if (!user) throw new ResidueError("unauthorized", "Sign in first.");
  return user;
}
