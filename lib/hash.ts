import crypto from "node:crypto";

/** Hex SHA-256 of a string (as UTF-8) or bytes. */
export const sha256Hex = (data: string | Buffer): string => crypto.createHash("sha256").update(data).digest("hex");
