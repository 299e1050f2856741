"use client";
import { useActionState } from "react";
import { assignStepsAction } from "@/lib/actions/assign-steps";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { AssignableOptions, type Assignable } from "@/components/secrets/assign-select";

/** Assigns the ticked rows of the board (their checkboxes name this form) to one owner. */
export function BulkAssign({ users, formId }: { users: Assignable[]; formId: string }) {
  const [state, action] = useActionState(assignStepsAction, null);
  return (
    <div className="mt-4 space-y-2">
      <form id={formId} action={action} aria-label="Assign selected steps" className="flex flex-wrap items-end gap-2">
        <label className="text-sm font-medium text-slate-700">
          Assign the selected steps to{" "}
          <select name="ownerId" className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
            <option value="">No owner</option>
            <AssignableOptions users={users} />
          </select>
        </label>
        <SubmitButton pendingText="Assigning…">Assign</SubmitButton>
      </form>
      {state ? state.ok ? <FormMessage success={state.message} /> : <FormMessage error={state.error} /> : null}
    </div>
  );
}
