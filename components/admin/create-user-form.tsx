"use client";
import { useActionState } from "react";
import { createUserAction } from "@/lib/actions/create-user";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { inputClass } from "@/components/ui/styles";
import { ROLE_LABELS, ROLES } from "@/lib/access/permissions";

export function CreateUserForm({ minPassword }: { minPassword: number }) {
  const [state, action] = useActionState(createUserAction, null);
  return (
    <form
      action={action}
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5"
      aria-label="Add a user"
    >
      <Field label="Name">
        <input name="name" required className={inputClass} />
      </Field>
      <Field label="Email">
        <input name="email" type="email" required className={inputClass} />
      </Field>
      <Field label="Initial password" hint={`${minPassword}+ characters; share it securely.`}>
        <input
          name="password"
          type="password"
          required
          minLength={minPassword}
          className={inputClass}
          autoComplete="new-password"
        />
      </Field>
      <Field label="Role">
        <select name="role" className={inputClass} defaultValue="viewer">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r].label}
            </option>
          ))}
        </select>
      </Field>
      <div className="flex items-start pt-6">
        <SubmitButton pendingText="Adding…">Add user</SubmitButton>
      </div>
      <div className="sm:col-span-2 lg:col-span-5">
        <FormMessage error={state && !state.ok ? state.error : null} success={state?.ok ? state.message : null} />
      </div>
    </form>
  );
}
