"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/api/action-result";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { requireActionUser } from "@/lib/auth/current-user";
import { createTokenSchema } from "@/lib/auth/schemas";
import { createUser, updateUser } from "@/lib/users/manage-users";
import { newUserSchema, updateUserSchema } from "@/lib/users/schemas";

export async function createUserAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("admin");
    const user = await createUser(actor, newUserSchema.parse(Object.fromEntries(form)));
    revalidatePath("/admin/users");
    return { message: `Created ${user.email} (${user.role}).` };
  });
}

export async function updateUserAction(input: {
  id: string;
  role?: string;
  disabled?: boolean;
}): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("admin");
    await updateUser(actor, updateUserSchema.parse(input));
    revalidatePath("/admin/users");
  });
}

export async function createTokenAction(
  _prev: ActionResult<{ token: string; name: string }> | null,
  form: FormData,
): Promise<ActionResult<{ token: string; name: string }>> {
  return runAction(async () => {
    const actor = await requireActionUser("admin");
    const days = form.get("expiresInDays");
    const input = createTokenSchema.parse({
      name: form.get("name"),
      scopes: form.getAll("scopes"),
      expiresInDays: days ? Number(days) : undefined,
    });
    const t = await createApiToken(actor, input);
    revalidatePath("/admin/tokens");
    return { data: { token: t.token, name: t.name } };
  });
}

export async function revokeTokenAction(id: string): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("admin");
    await revokeApiToken(actor, z.string().min(1).parse(id));
    revalidatePath("/admin/tokens");
  });
}
