import crypto from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { getDb, type Db } from "../db";
import { ensureServerKey } from "../keys/server-key";
import { MIN_PASSWORD_LENGTH } from "../users/schemas";
import { CLIENT_IP_HEADER } from "./client-ip";

const loginAttemptsPerMinute = () => Number(process.env.RESIDUE_LOGIN_RATE_LIMIT ?? 5);

function createAuth(db: Db) {
  return betterAuth({
    appName: "Residue",
    // Sessions are signed with a key derived from the server key, so one secret to back up, not two.
    secret: crypto.createHmac("sha256", ensureServerKey()).update("residue:better-auth").digest("hex"),
    // Behind a proxy or on another host, set RESIDUE_PUBLIC_URL: better-auth refuses requests from other origins.
    baseURL: process.env.RESIDUE_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`,
    database: prismaAdapter(db, { provider: "postgresql" }),
    // Accounts are created by an admin (or the first-run setup), never by self sign-up.
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 256,
    },
    user: { additionalFields: { role: { type: "string", input: false, defaultValue: "viewer" } } },
    // A disabled account gets no new session (existing ones are deleted when it is disabled).
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const user = await db.user.findUnique({ where: { id: session.userId }, select: { disabledAt: true } });
            if (!user || user.disabledAt) throw new APIError("FORBIDDEN", { message: "This account is disabled." });
          },
        },
      },
    },
    session: { expiresIn: 60 * 60 * 12, updateAge: 60 * 60 },
    rateLimit: {
      enabled: true,
      storage: "memory",
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": { window: 60, max: loginAttemptsPerMinute() } },
    },
    advanced: {
      // Cookies are httpOnly and SameSite=Lax by default; Secure whenever the public URL is https (and, per
      // response, when a trusted proxy says the request was: lib/auth/auth-handler.ts).
      useSecureCookies: process.env.RESIDUE_PUBLIC_URL?.startsWith("https://") ?? false,
      // The per-address limit keys on the address lib/auth/client-ip.ts resolved, never on X-Forwarded-For as sent.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    plugins: [nextCookies()],
  });
}

let current: { db: Db; auth: ReturnType<typeof createAuth> } | undefined;
/** Created on first use, not at import (`next build` must not open the database), and again if the database changes. */
export function getAuth() {
  const db = getDb();
  if (current?.db !== db) current = { db, auth: createAuth(db) };
  return current.auth;
}
