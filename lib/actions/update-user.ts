"use server";
import { updateUser } from "../users/manage-users";
import { updateUserSchema } from "../users/schemas";
import { action } from "./action";

export const updateUserAction = action(
  updateUserSchema,
  "admin",
  async (input, actor) => {
    await updateUser(actor, input);
  },
  () => ["/admin/users"],
);
