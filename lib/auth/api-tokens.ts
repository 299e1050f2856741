import crypto from "node:crypto";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import { assertCan, type Actor, type TokenActor } from "../access/actor";
import type { CreateTokenInput } from "./schemas";
import type { TokenScope } from "../access/permissions";

const PREFIX = "rsd_";
const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** Creates a token and returns it once; only its SHA-256 is stored. */
export async function createApiToken(actor: Actor, input: CreateTokenInput) {
  assertCan(actor, "admin");
  const token = `${PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await getDb().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: token.slice(0, PREFIX.length + 6),
        tokenHash: hashToken(token),
        scopes: input.scopes,
        expiresAt,
        createdById: actor.kind === "user" ? actor.userId : null,
      },
      select: { id: true, name: true, prefix: true, scopes: true, expiresAt: true, createdAt: true },
    });
    await recordAudit(tx, actor, {
      action: "token.created",
      entityType: "ApiToken",
      entityId: created.id,
      after: { name: created.name, scopes: created.scopes, expiresAt: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { ...row, token };
}

/** Resolves a bearer token; expired, revoked and unknown tokens are all simply unauthorized. */
export async function authenticateApiToken(authorization: string | null): Promise<TokenActor> {
  // "Bearer" (RFC 6750) and "token", the scheme GitHub and DefectDojo clients send.
  const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) throw new ResidueError("unauthorized", "Missing bearer token: send Authorization: Bearer <token>.");
  const row = await getDb().apiToken.findUnique({
    where: { tokenHash: hashToken(m[1]!) },
    select: { id: true, name: true, scopes: true, expiresAt: true, revokedAt: true },
  });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now))
    throw new ResidueError("unauthorized", "Invalid, expired or revoked token.");
  // Last-used time is informational: do not fail the request over it.
  await getDb()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } })
    .catch(() => {});
  return { kind: "token", tokenId: row.id, name: row.name, scopes: row.scopes as TokenScope[] };
}

/** Revocation is immediate: authentication reads revokedAt on every request. */
export async function revokeApiToken(actor: Actor, id: string) {
  assertCan(actor, "admin");
  await getDb().$transaction(async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { id }, select: { revokedAt: true } });
    if (!before) throw new ResidueError("not_found", "Token not found.");
    if (before.revokedAt) return;
    const revokedAt = new Date();
    await tx.apiToken.update({ where: { id }, data: { revokedAt } });
    await recordAudit(
      tx,
      actor,
      {
        action: "token.revoked",
        entityType: "ApiToken",
        entityId: id,
        before: { revokedAt: null },
        after: { revokedAt: revokedAt.toISOString() },
      },
      revokedAt,
    );
  });
}

export async function listApiTokens(actor: Actor) {
  assertCan(actor, "admin");
  return getDb().apiToken.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      expiresAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
  });
}
