"use server";
import { z } from "zod";
import { ResidueError } from "../errors";
import { createFirstAdmin } from "../users/manage-users";
import { newUserSchema } from "../users/schemas";
import { publicAction } from "./action";

const setupSchema = newUserSchema.omit({ role: true }).extend({ confirm: z.string().max(256) });

export const createFirstAdminAction = publicAction(setupSchema, async ({ confirm, ...input }) => {
  if (input.password !== confirm) throw new ResidueError("bad_request", "The two passwords differ.");
  await createFirstAdmin({ ...input, role: "admin" });
  return { message: "Administrator created. You can sign in now." };
});
