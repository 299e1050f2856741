"use client";
import { useActionState, useRef } from "react";
import { addCommentAction } from "@/lib/actions/add-comment";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { inputClass } from "@/components/ui/styles";

export function CommentForm({ secretId }: { secretId: string }) {
  const ref = useRef<HTMLFormElement>(null);
  const [state, action] = useActionState(
    async (prev: Awaited<ReturnType<typeof addCommentAction>> | null, form: FormData) => {
      const r = await addCommentAction(prev, form);
      if (r.ok) ref.current?.reset();
      return r;
    },
    null,
  );
  return (
    <form ref={ref} action={action} className="space-y-2" aria-label="Add a comment">
      <input type="hidden" name="secretId" value={secretId} />
      <label className="block text-sm font-medium text-slate-700">
        Comment
        <textarea name="body" required maxLength={4000} rows={3} className={inputClass} />
      </label>
      <SubmitButton pendingText="Posting…">Post comment</SubmitButton>
      <FormMessage error={state && !state.ok ? state.error : null} />
    </form>
  );
}
