"use server";
import { z } from "zod";
import { createApiToken } from "../auth/api-tokens";
import { createTokenSchema } from "../auth/schemas";
import { action, formList, formNumber } from "./action";

// The form sends each ticked scope as its own field and the expiry as text.
const createTokenFormSchema = z.object({
  name: createTokenSchema.shape.name,
  scopes: z.preprocess(formList, createTokenSchema.shape.scopes),
  expiresInDays: z.preprocess(formNumber, createTokenSchema.shape.expiresInDays),
});

export const createTokenAction = action(
  createTokenFormSchema,
  "admin",
  async (input, actor) => {
    const t = await createApiToken(actor, input);
    return { data: { token: t.token, name: t.name } };
  },
  () => ["/admin/tokens"],
);
