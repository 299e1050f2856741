import { hashPassword } from "better-auth/crypto";
import type { Prisma } from "../generated/prisma/client";
import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import type { NewUserInput, UpdateUserInput } from "./schemas";

type Tx = Prisma.TransactionClient;

// Advisory lock keys: first-run setup, and any change to who is an active admin.
const SETUP_LOCK = 7302001;
const ADMIN_SET_LOCK = 7302002;

const USER_FIELDS = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;

async function insertUser(tx: Tx, actor: Actor, input: NewUserInput) {
  if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new ResidueError("conflict", `A user with email ${input.email} already exists.`);
  }
  const user = await tx.user.create({
    data: { email: input.email, name: input.name, role: input.role },
    select: USER_FIELDS,
  });
  // better-auth's credential account: password hashed by better-auth (scrypt), never by us.
  await tx.account.create({
    data: {
      id: crypto.randomUUID(),
      accountId: user.id,
      providerId: "credential",
      userId: user.id,
      password: await hashPassword(input.password),
    },
  });
  await recordAudit(tx, actor, {
    action: "user.created",
    entityType: "User",
    entityId: user.id,
    after: { email: user.email, name: user.name, role: user.role },
  });
  return user;
}

export async function createUser(actor: Actor, input: NewUserInput) {
  assertCan(actor, "admin");
  return getDb().$transaction((tx) => insertUser(tx, actor, input));
}

/** First-run setup: creates the first administrator, and refuses once any user exists. */
export async function createFirstAdmin(input: NewUserInput) {
  return getDb().$transaction(async (tx) => {
    // Two setup forms submitted at once must not both win.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK}::bigint)`;
    if ((await tx.user.count()) > 0) throw new ResidueError("conflict", "Setup is already done: sign in instead.");
    return insertUser(tx, { kind: "system", label: "setup" }, { ...input, role: "admin" });
  });
}

export async function hasAnyUser(): Promise<boolean> {
  return (await getDb().user.count()) > 0;
}

export async function updateUser(actor: Actor, input: UpdateUserInput) {
  assertCan(actor, "admin");
  return getDb().$transaction(async (tx) => {
    // The last-admin check is a count, and two admins demoting each other at once would each count the other:
    // every change of role or status takes the same lock first, so the second one counts after the first commits.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK}::bigint)`;
    const before = await tx.user.findUnique({ where: { id: input.id }, select: USER_FIELDS });
    if (!before) throw new ResidueError("not_found", "User not found.");
    const demotes = (input.role && input.role !== "admin") || input.disabled;
    if (demotes && before.role === "admin") {
      if (actor.kind === "user" && actor.userId === before.id)
        throw new ResidueError("conflict", "You cannot demote or disable your own account.");
      const admins = await tx.user.count({ where: { role: "admin", disabledAt: null } });
      if (admins <= 1) throw new ResidueError("conflict", "This is the last active admin.");
    }
    const disabledAt =
      input.disabled === undefined ? before.disabledAt : input.disabled ? (before.disabledAt ?? new Date()) : null;
    const after = await tx.user.update({
      where: { id: input.id },
      data: { role: input.role ?? before.role, disabledAt },
      select: USER_FIELDS,
    });
    // Disabling or changing a role ends the user's sessions at once.
    await tx.session.deleteMany({ where: { userId: input.id } });
    await recordAudit(tx, actor, {
      action: "user.updated",
      entityType: "User",
      entityId: input.id,
      before: { role: before.role, disabled: !!before.disabledAt },
      after: { role: after.role, disabled: !!after.disabledAt },
    });
    return after;
  });
}

export async function listUsers(actor: Actor) {
  assertCan(actor, "read");
  return getDb().user.findMany({
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { email: "asc" }],
    select: USER_FIELDS,
  });
}

/** People who can own triage and remediation work: active triagers and admins (viewers are read-only). */
const ASSIGNABLE = { disabledAt: null, role: { in: ["triager", "admin"] } } satisfies Prisma.UserWhereInput;

export async function listAssignableUsers() {
  return getDb().user.findMany({ where: ASSIGNABLE, orderBy: { name: "asc" }, select: { id: true, name: true } });
}

export async function assertAssignable(tx: Pick<Tx, "user">, userId: string) {
  if (!(await tx.user.count({ where: { id: userId, ...ASSIGNABLE } }))) {
    throw new ResidueError("bad_request", "Only an active triager or admin can own this work (viewers are read-only).");
  }
}
