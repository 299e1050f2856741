import crypto from "node:crypto";

/** Hex SHA-256 of a string (as UTF-8) or bytes. */
export const sha256Hex = (data: string | Buffer): string => crypto.createHash("sha256").update(data).digest("hex");

/** Hex SHA-1 of a string: the value hash detect-secrets baselines hold (hashed_secret), never a key of ours. */
export const sha1Hex = (data: string): string => crypto.createHash("sha1").update(data).digest("hex");
