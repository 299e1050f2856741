"use client";
import { useState, useTransition } from "react";
import { updateUserAction } from "@/lib/actions/update-user";
import { secondaryButtonClass } from "@/components/ui/styles";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/access/permissions";

export function UserRowControls({
  id,
  email,
  role,
  disabled,
  self,
}: {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  self: boolean;
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (input: { role?: Role; disabled?: boolean }) =>
    start(async () => {
      const r = await updateUserAction({ id, ...input });
      setError(r.ok ? null : r.error);
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={`role-${id}`}>
        Role of {email}
      </label>
      <select
        id={`role-${id}`}
        value={role}
        disabled={pending || self}
        onChange={(e) => run({ role: e.target.value as Role })}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r].label}
          </option>
        ))}
      </select>
      {!self ? (
        <button
          type="button"
          className={secondaryButtonClass}
          disabled={pending}
          onClick={() => run({ disabled: !disabled })}
        >
          {disabled ? "Enable" : "Disable"}
        </button>
      ) : (
        <span className="text-xs text-slate-500">(you)</span>
      )}
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
