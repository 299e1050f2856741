import crypto from "node:crypto";
import { sealer } from "../keys/sealed";

// Each subscription's signing key: shown once as "whsec_…", stored sealed with the server key. Receivers verify
// `Residue-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>` (the Stripe scheme: the time is
// signed, so a captured delivery cannot be replayed later than the receiver's tolerance).
const keys = sealer("residue webhook signing keys");

export function newSigningKey(): string {
  return `whsec_${crypto.randomBytes(32).toString("base64url")}`;
}
export const sealSigningKey = (subscriptionId: string, key: string) =>
  keys.seal(`webhook:${subscriptionId}`, Buffer.from(key));
export const openSigningKey = (subscriptionId: string, sealed: Uint8Array) =>
  keys.open(`webhook:${subscriptionId}`, sealed).toString();

export function signatureHeader(key: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${crypto.createHmac("sha256", key).update(`${t}.${body}`).digest("hex")}`;
}

/** What a receiver does (and Residue's tests do): recompute, compare in constant time, reject an old timestamp. */
export function verifySignature(key: string, body: string, header: string, toleranceSeconds = 300, now = new Date()) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = crypto.createHmac("sha256", key).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
