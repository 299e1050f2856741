"use client";
import { useActionState } from "react";
import { setSlaAction } from "@/lib/actions/set-sla";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { inputClass } from "@/components/ui/styles";
import type { SlaDays } from "@/lib/remediation/schemas";

export function SlaForm({ sla }: { sla: SlaDays }) {
  const [state, action] = useActionState(setSlaAction, null);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" aria-label="Remediation SLA">
      {(Object.keys(sla) as (keyof SlaDays)[]).map((k) => (
        <label key={k} className="text-sm font-medium capitalize text-slate-700">
          {k} (days)
          <input
            name={k}
            type="number"
            min={1}
            max={1825}
            defaultValue={sla[k]}
            required
            className={`${inputClass} w-24`}
          />
        </label>
      ))}
      <SubmitButton pendingText="Saving…">Save SLA</SubmitButton>
      <FormMessage error={state && !state.ok ? state.error : null} success={state?.ok ? state.message : null} />
    </form>
  );
}
