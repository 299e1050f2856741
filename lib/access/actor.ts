import { ResidueError } from "../errors";
import { roleCan, SCOPE_GRANTS, scopesGranting, type Permission, type Role, type TokenScope } from "./permissions";

export type UserActor = { kind: "user"; userId: string; email: string; name: string; role: Role };
export type TokenActor = { kind: "token"; tokenId: string; name: string; scopes: TokenScope[] };
export type SystemActor = { kind: "system"; label: string };
/** Who is doing something: a signed-in user, a CI token, or the system itself (CLI, scheduled jobs). */
export type Actor = UserActor | TokenActor | SystemActor;

export function actorLabel(actor: Actor): string {
  if (actor.kind === "user") return actor.email;
  if (actor.kind === "token") return `token:${actor.name}`;
  return actor.label;
}

/** Users hold permissions through their role, tokens through their scopes; the system holds every one. */
export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === "system") return true;
  if (actor.kind === "user") return roleCan(actor.role, permission);
  return actor.scopes.some((s) => SCOPE_GRANTS[s].includes(permission));
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (can(actor, permission)) return;
  throw new ResidueError(
    "forbidden",
    actor.kind === "token"
      ? `This token lacks the "${scopesGranting(permission).join('" or "')}" scope.`
      : `Your role does not allow this (needs "${permission}").`,
  );
}
