import type { NextRequest } from "next/server";
import type { TokenActor } from "../auth/actor";
import { assertScope, authenticateApiToken } from "../auth/api-tokens";
import type { TokenScope } from "../auth/schemas";
import { toErrorResponse } from "../errors";

type Ctx = { params: Promise<Record<string, string>> };
export type TokenHandler = (args: {
  req: NextRequest;
  actor: TokenActor;
  params: Record<string, string>;
  searchParams: Record<string, string>;
}) => Promise<Response>;

/** The guard for every /api/v1 handler called with an API token: authenticate, check scope, map errors. */
export function withToken(handler: TokenHandler, opts: { scope: TokenScope }) {
  return async (req: NextRequest, ctx: Ctx) => {
    try {
      const actor = await authenticateApiToken(req.headers.get("authorization"));
      assertScope(actor, opts.scope);
      return await handler({
        req,
        actor,
        params: await ctx.params,
        searchParams: Object.fromEntries(req.nextUrl.searchParams),
      });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}
