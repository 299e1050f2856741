import type { IdentityKind } from "../generated/prisma/enums";

export type { IdentityKind };
/** How a secret is known, strongest first (lib/secrets/identity.ts ranks them the same way). */
export const IDENTITY_LABEL: Record<IdentityKind, string> = {
  hmac: "Keyed hash of the value (HMAC-SHA256)",
  scanner_hash: "A scanner's own fingerprint, keyed again (HMAC-SHA256)",
  layer_location: "Layer diffID + path + rule (no value in the report)",
  location: "Image + path + rule + line (no value or layer in the report)",
};
