import { z } from "zod";
import { tokenScopeSchema } from "../access/permissions";

export const createTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(tokenScopeSchema).min(1),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;
