"use server";
import { createUser } from "../users/manage-users";
import { newUserSchema } from "../users/schemas";
import { action } from "./action";

export const createUserAction = action(
  newUserSchema,
  "admin",
  async (input, actor) => {
    const user = await createUser(actor, input);
    return { message: `Created ${user.email} (${user.role}).` };
  },
  () => ["/admin/users"],
);
