"use server";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/api/action-result";
import { requireActionUser } from "@/lib/auth/current-user";
import { applyStepEvent } from "@/lib/remediation/steps";
import { stepActionSchema } from "@/lib/remediation/schemas";
import { assignSchema, bulkTriageSchema, commentSchema } from "@/lib/triage/schemas";
import { addComment, assignSecrets, triageSecrets } from "@/lib/triage/triage-secrets";

// Thin: authenticate, validate with zod, call lib (which checks the permission again and audits), refresh.

export async function triageAction(input: unknown): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("triage");
    const r = await triageSecrets(actor, bulkTriageSchema.parse(input));
    revalidatePath("/secrets", "layout");
    return { message: r.changed ? `Updated ${r.changed} secret${r.changed === 1 ? "" : "s"}.` : "Nothing to change." };
  });
}

export async function assignAction(input: unknown): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("triage");
    const r = await assignSecrets(actor, assignSchema.parse(input));
    revalidatePath("/secrets", "layout");
    return { message: `Assigned ${r.changed} secret${r.changed === 1 ? "" : "s"}.` };
  });
}

export async function commentAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("triage");
    const input = commentSchema.parse({ secretId: form.get("secretId"), body: form.get("body") });
    await addComment(actor, input);
    revalidatePath(`/secrets/${input.secretId}`);
    return { message: "Comment added." };
  });
}

export async function stepAction(input: unknown): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireActionUser("remediate");
    const r = await applyStepEvent(actor, stepActionSchema.parse(input));
    revalidatePath("/secrets", "layout");
    revalidatePath("/remediation");
    return { message: `Step is now ${r.state.replace("_", " ")}.` };
  });
}
