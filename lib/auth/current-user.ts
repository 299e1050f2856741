import { forbidden, redirect } from "next/navigation";
import { headers } from "next/headers";
import { cache } from "react";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { assertCan, can, type UserActor } from "../access/actor";
import { getAuth } from "./auth";
import type { Permission } from "../access/permissions";

/** The signed-in user for this request (once per render), or null. A disabled account has no session. */
export const currentUser = cache(async (): Promise<UserActor | null> => userFromHeaders(await headers()));

export async function userFromHeaders(h: Headers): Promise<UserActor | null> {
  const session = await getAuth().api.getSession({ headers: h });
  if (!session) return null;
  const user = await getDb().user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true },
  });
  if (!user || user.disabledAt) return null;
  return { kind: "user", userId: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages: no session → the login page, which comes back here after sign-in; a role without the permission → 403. */
export async function requirePageUser(permission: Permission = "read"): Promise<UserActor> {
  const user = await currentUser();
  if (!user) {
    // proxy.ts passes the requested path; safeNextPath checks it again on the way back.
    const here = (await headers()).get("x-residue-path");
    redirect(here && here !== "/" ? `/login?next=${encodeURIComponent(here)}` : "/login");
  }
  if (!can(user, permission)) forbidden();
  return user;
}

/** For server actions: the same checks, as errors the form can show. */
export async function requireActionUser(permission: Permission): Promise<UserActor> {
  const user = await currentUser();
  if (!user) throw new ResidueError("unauthorized", "Your session has ended: sign in again.");
  assertCan(user, permission);
  return user;
}
