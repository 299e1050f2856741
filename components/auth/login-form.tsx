"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field, FormMessage } from "@/components/ui/form";
import { buttonClass, inputClass } from "@/components/ui/styles";
import { safeNextPath } from "@/lib/auth/safe-next-path";

/** Signs in through better-auth's endpoint; the session cookie it sets is httpOnly. */
export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    try {
      const res = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      if (res.ok) {
        router.replace(safeNextPath(next));
        router.refresh();
        return;
      }
      setError(
        res.status === 429
          ? "Too many sign-in attempts. Wait a minute and try again."
          : "Wrong email or password, or the account is disabled.",
      );
    } catch {
      setError("Could not reach the server.");
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
      <Field label="Email">
        <input name="email" type="email" autoComplete="username" required className={inputClass} />
      </Field>
      <Field label="Password">
        <input name="password" type="password" autoComplete="current-password" required className={inputClass} />
      </Field>
      <FormMessage error={error} />
      <button type="submit" className={`${buttonClass} w-full`} disabled={pending} aria-busy={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
