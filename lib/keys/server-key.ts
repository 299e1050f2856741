import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "../db/config";

let cached: Buffer | undefined;

/**
 * The HMAC key that turns raw secret values into fleet identities. RESIDUE_SECRET_KEY (hex or base64, at least
 * 32 bytes) wins; otherwise a random key is generated once into the data directory. Losing it breaks correlation
 * with earlier scans, so back it up with the database.
 */
export function ensureServerKey(): Buffer {
  if (cached) return cached;
  const fromEnv = process.env.RESIDUE_SECRET_KEY?.trim();
  if (fromEnv) {
    const key =
      /^[0-9a-f]+$/i.test(fromEnv) && fromEnv.length % 2 === 0
        ? Buffer.from(fromEnv, "hex")
        : Buffer.from(fromEnv, "base64");
    if (key.length < 32) throw new Error("RESIDUE_SECRET_KEY must encode at least 32 bytes (64 hex characters).");
    return (cached = key);
  }
  const file = path.join(dataDir(), "secret.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  return (cached = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex"));
}
