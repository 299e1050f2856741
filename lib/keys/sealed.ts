import crypto from "node:crypto";
import { ensureServerKey } from "./server-key";

const IV = 12;
const TAG = 16;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from the server key for one purpose, so that every replica can open
 * what another sealed, and a value sealed for one purpose (an upload part, a webhook's signing key) opens for no
 * other. The additional data binds it to its place: copied to another row it fails to open. Sealed: 12-byte IV,
 * 16-byte tag, ciphertext.
 */
export function sealer(purpose: string) {
  let key: Buffer | undefined;
  const keyOf = () => (key ??= Buffer.from(crypto.hkdfSync("sha256", ensureServerKey(), Buffer.alloc(0), purpose, 32)));
  return {
    seal(aad: string, plain: Buffer): Buffer {
      const iv = crypto.randomBytes(IV);
      const cipher = crypto.createCipheriv("aes-256-gcm", keyOf(), iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(aad: string, sealed: Uint8Array): Buffer {
      const b = Buffer.from(sealed);
      const decipher = crypto.createDecipheriv("aes-256-gcm", keyOf(), b.subarray(0, IV));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(b.subarray(IV, IV + TAG));
      return Buffer.concat([decipher.update(b.subarray(IV + TAG)), decipher.final()]);
    },
  };
}
