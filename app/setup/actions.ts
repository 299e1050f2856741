"use server";
import { runAction, type ActionResult } from "@/lib/api/action-result";
import { ResidueError } from "@/lib/errors";
import { createFirstAdmin } from "@/lib/users/manage-users";
import { newUserSchema } from "@/lib/users/schemas";

export async function setupAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const input = newUserSchema.parse({
      name: form.get("name"),
      email: form.get("email"),
      password: form.get("password"),
      role: "admin",
    });
    if (input.password !== form.get("confirm")) throw new ResidueError("bad_request", "The two passwords differ.");
    await createFirstAdmin(input);
    return { message: "Administrator created. You can sign in now." };
  });
}
