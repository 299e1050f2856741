"use server";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/api/action-result";
import { requireActionUser } from "@/lib/auth/current-user";
import { slaSchema } from "@/lib/remediation/schemas";
import { setSlaDays } from "@/lib/remediation/sla";

export async function slaAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("admin");
    await setSlaDays(actor, slaSchema.parse(Object.fromEntries(form)));
    revalidatePath("/remediation");
    return { message: "SLA saved; open steps have new due dates." };
  });
}
