import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "@/lib/access/actor";
import { handleAuthRequest } from "@/lib/auth/auth-handler";
import { clientIp } from "@/lib/auth/client-ip";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { signInThrottle } from "@/lib/auth/sign-in-throttle";
import { createFirstAdmin, createUser, updateUser } from "@/lib/users/manage-users";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

// Hardening cases 1-3: the sign-in limit bypassed by rotating X-Forwarded-For, the open redirect after sign-in,
// and the last admin demoted by two admins at once.
let t: TestDb;
const PASSWORD = "correct horse battery";
beforeAll(async () => {
  process.env.RESIDUE_LOGIN_RATE_LIMIT = "5";
  process.env.RESIDUE_PEER_HEADER = "1";
  t = await setupTestDb();
  await createFirstAdmin({ name: "Ada", email: "ada@example.com", password: PASSWORD, role: "admin" });
});
afterAll(() => t.drop());

function signIn(email: string, password: string, headers: Record<string, string>) {
  return handleAuthRequest(
    new Request("http://localhost:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000", ...headers },
      body: JSON.stringify({ email, password }),
    }),
  );
}

describe(`sign-in limits on ${testDatabaseKind}`, () => {
  it("forwarded-header rotation: 100 wrong passwords from one peer, each with another X-Forwarded-For, are limited after 5", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await signIn("ada@example.com", "wrong wrong wrong", {
        "x-residue-peer": "198.51.100.50",
        "x-forwarded-for": `10.0.${i >> 8}.${i & 255}`,
        "x-real-ip": `10.1.0.${i}`,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const refused = await signIn("ada@example.com", "wrong wrong wrong", { "x-residue-peer": "198.51.100.50" });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("the address comes from X-Forwarded-For only behind a trusted proxy, read from the right", () => {
    const h = (peer: string, xff?: string) =>
      new Headers({ "x-residue-peer": peer, ...(xff ? { "x-forwarded-for": xff } : {}) });
    const env = { RESIDUE_PEER_HEADER: "1", TRUSTED_PROXIES: "10.0.0.0/8, ::1" };
    expect(clientIp(h("203.0.113.9", "1.2.3.4"), env)).toBe("203.0.113.9"); // untrusted peer: header ignored
    expect(clientIp(h("10.0.0.2", "1.2.3.4"), env)).toBe("1.2.3.4");
    expect(clientIp(h("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.9"), env)).toBe("1.2.3.4"); // spoofed left part ignored
    expect(clientIp(h("::ffff:10.0.0.2", "1.2.3.4"), env)).toBe("1.2.3.4");
    expect(clientIp(h("10.0.0.2", "not-an-ip"), env)).toBe("10.0.0.2");
    expect(clientIp(h("10.0.0.2"), env)).toBe("10.0.0.2");
    expect(clientIp(h("203.0.113.9"), { TRUSTED_PROXIES: "10.0.0.0/8" })).toBe("unknown"); // no serve.mjs: the peer header is not believed
    expect(() => clientIp(h("10.0.0.2"), { RESIDUE_PEER_HEADER: "1", TRUSTED_PROXIES: "10.0.0.0/99" })).toThrow(
      /TRUSTED_PROXIES/,
    );
  });

  it("per account: wrong passwords from 30 addresses lock the account, but not where its owner signed in before", async () => {
    const admin: UserActor = {
      kind: "user",
      userId: (await t.db.user.findFirstOrThrow()).id,
      email: "ada@example.com",
      name: "Ada",
      role: "admin",
    };
    await createUser(admin, { name: "Vic", email: "vic@example.com", password: PASSWORD, role: "viewer" });
    expect((await signIn("vic@example.com", PASSWORD, { "x-residue-peer": "192.0.2.200" })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push(
        (await signIn("VIC@example.com", "guess guess guess", { "x-residue-peer": `203.0.113.${i + 1}` })).status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // The right password from a new address is refused while locked (nothing tells the attacker it was right) …
    expect((await signIn("vic@example.com", PASSWORD, { "x-residue-peer": "203.0.113.99" })).status).toBe(429);
    // … and the owner, from where they signed in before, is not locked out.
    expect((await signIn("vic@example.com", PASSWORD, { "x-residue-peer": "192.0.2.200" })).status).toBe(200);
  });

  it("cookies are Secure when a trusted proxy says the request was https, and not on a client's word alone", async () => {
    process.env.TRUSTED_PROXIES = "10.9.0.0/16";
    try {
      const viaProxy = await signIn("ada@example.com", PASSWORD, {
        "x-residue-peer": "10.9.0.1",
        "x-forwarded-for": "192.0.2.77",
        "x-forwarded-proto": "https",
      });
      expect(viaProxy.status).toBe(200);
      expect(viaProxy.headers.getSetCookie().every((c) => /;\s*Secure/i.test(c))).toBe(true);
      const direct = await signIn("ada@example.com", PASSWORD, {
        "x-residue-peer": "192.0.2.78",
        "x-forwarded-proto": "https",
      });
      expect(direct.headers.getSetCookie().some((c) => /;\s*Secure/i.test(c))).toBe(false);
    } finally {
      delete process.env.TRUSTED_PROXIES;
    }
  });

  it("a lockout doubles with each one in the window and never exceeds 15 minutes", () => {
    let now = 0;
    const th = signInThrottle(
      {
        maxFailures: 3,
        windowMs: 15 * 60_000,
        baseLockMs: 60_000,
        maxLockMs: 15 * 60_000,
        maxAccounts: 100,
        knownPerAccount: 5,
      },
      () => now,
    );
    const waits: number[] = [];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 3; i++) th.failed("a@x");
      waits.push(th.retryAfterMs("a@x", "1.1.1.1"));
      now += waits.at(-1)!;
    }
    expect(waits.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(15 * 60_000);
    now += 15 * 60_000;
    expect(th.retryAfterMs("a@x", "1.1.1.1")).toBe(0);
  });
});

describe("open redirect after sign-in", () => {
  const PAYLOADS = [
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r//evil.example",
    "//evil.example",
    "///evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
    "/.//evil.example",
    "/%2F%2Fevil.example",
    "/a/../..//evil.example",
    " //evil.example",
    "/\u0000//evil.example",
    "/\u3000/evil.example",
    "//evil.example@localhost",
    "",
  ];
  it.each(PAYLOADS)("%j stays on this site", (payload) => {
    const out = safeNextPath(payload);
    expect(out.startsWith("/")).toBe(true);
    expect(out.startsWith("//")).toBe(false);
    expect(out.includes("\\")).toBe(false);
    expect(new URL(out, "http://residue.test").host).toBe("residue.test");
  });
  it("keeps a real link, query and fragment included", () => {
    expect(safeNextPath("/secrets?q=aws&severity=critical#list")).toBe("/secrets?q=aws&severity=critical#list");
    expect(safeNextPath(undefined)).toBe("/");
  });
});

describe(`last active admin on ${testDatabaseKind}`, () => {
  it("two admins demoting each other at once leave one admin, ten times out of ten", async () => {
    const ada = await t.db.user.findFirstOrThrow({ where: { email: "ada@example.com" } });
    const adaActor: UserActor = { kind: "user", userId: ada.id, email: ada.email, name: ada.name, role: "admin" };
    for (let round = 0; round < 10; round++) {
      const other = await createUser(adaActor, {
        name: `Bo ${round}`,
        email: `bo${round}@example.com`,
        password: PASSWORD,
        role: "admin",
      });
      const boActor: UserActor = {
        kind: "user",
        userId: other.id,
        email: other.email,
        name: other.name,
        role: "admin",
      };
      const results = await Promise.allSettled([
        updateUser(adaActor, { id: other.id, role: "viewer" }),
        updateUser(boActor, { id: ada.id, role: "viewer" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await t.db.user.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
      // Back to one admin, Ada, for the next round.
      const survivor = await t.db.user.findFirstOrThrow({ where: { role: "admin", disabledAt: null } });
      if (survivor.id !== ada.id) {
        await t.db.user.update({ where: { id: ada.id }, data: { role: "admin" } });
        await t.db.user.update({ where: { id: survivor.id }, data: { role: "viewer" } });
      }
    }
  });
});
