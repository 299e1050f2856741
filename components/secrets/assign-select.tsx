"use client";
import { useState, useTransition } from "react";
import { assignSecretsAction } from "@/lib/actions/assign-secrets";

export type Assignable = { id: string; name: string };

/** The people work can go to, as the options of a select (after its own "nobody" option). */
export function AssignableOptions({ users }: { users: Assignable[] }) {
  return users.map((u) => (
    <option key={u.id} value={u.id}>
      {u.name}
    </option>
  ));
}

export function AssignSelect({
  ids,
  current,
  users,
  label = "Assignee",
}: {
  ids: string[];
  current: string | null;
  users: Assignable[];
  label?: string;
}) {
  const [pending, start] = useTransition();
  const [value, setValue] = useState(current ?? "");
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <select
        value={value}
        disabled={pending}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        onChange={(e) => {
          const next = e.target.value;
          setValue(next);
          start(async () => {
            const r = await assignSecretsAction({ ids, assigneeId: next || null });
            setError(r.ok ? null : r.error);
          });
        }}
      >
        <option value="">Unassigned</option>
        <AssignableOptions users={users} />
      </select>
      {error ? (
        <span role="alert" className="mt-1 block text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </label>
  );
}
