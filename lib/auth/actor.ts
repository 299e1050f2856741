import { ResidueError } from "../errors";
import { can, type Permission, type Role } from "./roles";
import type { TokenScope } from "./schemas";

export type UserActor = { kind: "user"; userId: string; email: string; name: string; role: Role };
export type TokenActor = { kind: "token"; tokenId: string; name: string; scopes: TokenScope[] };
export type SystemActor = { kind: "system"; label: string };
/** Who is doing something: a signed-in user, a CI token, or the system itself (CLI, scheduled reopen). */
export type Actor = UserActor | TokenActor | SystemActor;

export function actorLabel(actor: Actor): string {
  if (actor.kind === "user") return actor.email;
  if (actor.kind === "token") return `token:${actor.name}`;
  return actor.label;
}

/** Tokens carry scopes, users carry roles; the system may do anything. */
const TOKEN_SCOPE_GRANTS: Record<TokenScope, Permission[]> = {
  "scans:write": ["upload"],
  read: ["read"],
  "gate:read": [],
};

export function assertCan(actor: Actor, permission: Permission): void {
  const allowed =
    actor.kind === "system" ||
    (actor.kind === "user" && can(actor.role, permission)) ||
    (actor.kind === "token" && actor.scopes.some((s) => TOKEN_SCOPE_GRANTS[s].includes(permission)));
  if (!allowed) throw new ResidueError("forbidden", `Your role does not allow this (needs "${permission}").`);
}
