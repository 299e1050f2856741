"use client";
import { useActionState } from "react";
import { createTokenAction } from "@/lib/actions/create-token";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { ShownOnce } from "@/components/ui/shown-once";
import { inputClass } from "@/components/ui/styles";
import { SCOPE_HELP, TOKEN_SCOPES } from "@/lib/access/permissions";

export function CreateTokenForm() {
  const [state, action] = useActionState(createTokenAction, null);
  return (
    <div className="space-y-3">
      <form
        action={action}
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
        aria-label="Create an API token"
      >
        <Field label="Name">
          <input name="name" required maxLength={100} placeholder="ci-upload" className={inputClass} />
        </Field>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700">Scopes</legend>
          {TOKEN_SCOPES.map((s) => (
            <label key={s} className="mt-1 flex items-center gap-2">
              <input type="checkbox" name="scopes" value={s} defaultChecked={s === "scans:write"} />
              <span>
                <code>{s}</code> <span className="text-xs text-slate-500">{SCOPE_HELP[s]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <Field label="Expires after">
          <select name="expiresInDays" defaultValue="90" className={inputClass}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">1 year</option>
            <option value="">Never</option>
          </select>
        </Field>
        <div className="flex items-start pt-6">
          <SubmitButton pendingText="Creating…">Create token</SubmitButton>
        </div>
      </form>
      {state && !state.ok ? <FormMessage error={state.error} /> : null}
      {state?.ok && state.data ? (
        <ShownOnce value={state.data.token} testId="new-token">
          Token “{state.data.name}” created. Copy it now: it is shown once and stored only as a hash.
        </ShownOnce>
      ) : null}
    </div>
  );
}
