import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken, listApiTokens, revokeApiToken } from "@/lib/auth/api-tokens";
import { handleAuthRequest } from "@/lib/auth/auth-handler";
import { userFromHeaders } from "@/lib/auth/current-user";
import type { UserActor } from "@/lib/access/actor";
import { listAuditEvents } from "@/lib/audit/list-audit";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { createFirstAdmin, createUser, updateUser } from "@/lib/users/manage-users";
import { setupTestDb, type TestDb } from "@/test/helpers/db";

let t: TestDb;
beforeAll(async () => {
  process.env.RESIDUE_LOGIN_RATE_LIMIT = "5";
  process.env.RESIDUE_PEER_HEADER = "1";
  t = await setupTestDb();
});
afterAll(() => t.drop());

const PASSWORD = "correct horse battery";
const actorOf = (u: { id: string; email: string; name: string; role: UserActor["role"] }): UserActor => ({
  kind: "user",
  userId: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

// As scripts/serve.mjs hands requests over: the TCP peer in x-residue-peer, believed because it set the flag.
function signIn(email: string, password: string, ip = "203.0.113.7") {
  return handleAuthRequest(
    new Request("http://localhost:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000", "x-residue-peer": ip },
      body: JSON.stringify({ email, password }),
    }),
  );
}
const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

describe("first-run setup", () => {
  it("creates exactly one admin even when submitted concurrently, then refuses", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        createFirstAdmin({ name: `Admin ${i}`, email: `admin${i}@example.com`, password: PASSWORD, role: "admin" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ["conflict", "conflict", "conflict", "conflict"],
    );
    expect(await t.db.user.count()).toBe(1);
    expect((await t.db.user.findFirstOrThrow()).role).toBe("admin");
  });
});

describe("users, roles and sessions", () => {
  let admin: UserActor;
  beforeAll(async () => {
    admin = actorOf(await t.db.user.findFirstOrThrow());
  });

  it("only an admin creates users; the password is hashed by better-auth and never stored in clear", async () => {
    const viewer = actorOf(
      await createUser(admin, { name: "Vera", email: "vera@example.com", password: PASSWORD, role: "viewer" }),
    );
    await expect(
      createUser(viewer, { name: "X", email: "x@example.com", password: PASSWORD, role: "admin" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const account = await t.db.account.findFirstOrThrow({ where: { userId: viewer.userId } });
    expect(account.password).not.toContain(PASSWORD);
    expect(account.providerId).toBe("credential");
    await expect(
      createUser(admin, { name: "Vera", email: "vera@example.com", password: PASSWORD, role: "viewer" }),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("signs in with the right password only, and the session resolves to the user and role", async () => {
    expect((await signIn("vera@example.com", "wrong password!!")).status).toBe(401);
    const ok = await signIn("vera@example.com", PASSWORD, "203.0.113.8");
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const user = await userFromHeaders(new Headers({ cookie: cookieOf(ok) }));
    expect(user).toMatchObject({ email: "vera@example.com", role: "viewer" });
  });

  it("rate-limits sign-in attempts per client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await signIn("vera@example.com", "nope nope nope", "198.51.100.9")).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another client is not affected.
    expect((await signIn("vera@example.com", PASSWORD, "198.51.100.10")).status).toBe(200);
  });

  it("disabling a user or changing a role ends their sessions at once, and is audited", async () => {
    const res = await signIn("vera@example.com", PASSWORD, "203.0.113.20");
    const headers = new Headers({ cookie: cookieOf(res) });
    expect(await userFromHeaders(headers)).not.toBeNull();
    const vera = await t.db.user.findUniqueOrThrow({ where: { email: "vera@example.com" } });
    await updateUser(admin, { id: vera.id, role: "triager" });
    expect(await userFromHeaders(headers)).toBeNull();
    await updateUser(admin, { id: vera.id, disabled: true });
    expect((await signIn("vera@example.com", PASSWORD, "203.0.113.21")).status).toBe(403);
    const { events } = await listAuditEvents(admin, listAuditQuerySchema.parse({ entityId: vera.id }));
    expect(events.map((e) => e.action)).toEqual(["user.updated", "user.updated", "user.created"]);
    expect(events[1]).toMatchObject({
      actorLabel: admin.email,
      before: { role: "viewer", disabled: false },
      after: { role: "triager", disabled: false },
    });
  });

  it("refuses to demote or disable the last admin", async () => {
    await expect(updateUser(admin, { id: admin.userId, role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(
      updateUser({ kind: "system", label: "cli" }, { id: admin.userId, disabled: true }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: admin.userId } })).role).toBe("admin");
  });

  it("tokens: only admins manage them; the list never includes the token or its hash", async () => {
    const triager = actorOf(
      await createUser(admin, { name: "Tom", email: "tom@example.com", password: PASSWORD, role: "triager" }),
    );
    await expect(createApiToken(triager, { name: "x", scopes: ["read"] })).rejects.toMatchObject({ code: "forbidden" });
    const created = await createApiToken(admin, { name: "ci", scopes: ["scans:write"], expiresInDays: 30 });
    await expect(revokeApiToken(triager, created.id)).rejects.toMatchObject({ code: "forbidden" });
    const listed = await listApiTokens(admin);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain("tokenHash");
    await expect(listAuditEvents(triager, listAuditQuerySchema.parse({}))).rejects.toMatchObject({ code: "forbidden" });
  });
});
