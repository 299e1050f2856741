"use client";
import { useState, useTransition } from "react";
import { revokeTokenAction } from "@/lib/actions/revoke-token";
import { secondaryButtonClass } from "@/components/ui/styles";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={pending}
        aria-label={`Revoke token ${name}`}
        onClick={() => {
          if (!confirm(`Revoke “${name}”? Requests using it fail immediately.`)) return;
          start(async () => {
            const r = await revokeTokenAction(id);
            setError(r.ok ? null : r.error);
          });
        }}
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {error ? (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );
}
