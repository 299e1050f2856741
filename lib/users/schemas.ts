import { z } from "zod";
import { roleSchema } from "../access/permissions";

export const MIN_PASSWORD_LENGTH = 12;

export const newUserSchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  email: z.email("Not a valid email address").trim().toLowerCase().max(254),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
  role: roleSchema.default("viewer"),
});
export type NewUserInput = z.infer<typeof newUserSchema>;

export const updateUserSchema = z.object({
  id: z.string().min(1),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
