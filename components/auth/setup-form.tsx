"use client";
import Link from "next/link";
import { useActionState } from "react";
import { createFirstAdminAction } from "@/lib/actions/create-first-admin";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { inputClass } from "@/components/ui/styles";

export function SetupForm({ minPassword }: { minPassword: number }) {
  const [state, action] = useActionState(createFirstAdminAction, null);
  if (state?.ok) {
    return (
      <div className="space-y-4">
        <FormMessage success={state.message} />
        <Link href="/login" className="font-medium text-indigo-700 underline">
          Go to sign in
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4" aria-label="Create the first administrator">
      <Field label="Name">
        <input name="name" required className={inputClass} autoComplete="name" />
      </Field>
      <Field label="Email">
        <input name="email" type="email" required className={inputClass} autoComplete="username" />
      </Field>
      <Field label="Password" hint={`At least ${minPassword} characters.`}>
        <input
          name="password"
          type="password"
          required
          minLength={minPassword}
          className={inputClass}
          autoComplete="new-password"
        />
      </Field>
      <Field label="Confirm password">
        <input
          name="confirm"
          type="password"
          required
          minLength={minPassword}
          className={inputClass}
          autoComplete="new-password"
        />
      </Field>
      <FormMessage error={state && !state.ok ? state.error : null} />
      <SubmitButton pendingText="Creating…">Create administrator</SubmitButton>
    </form>
  );
}
