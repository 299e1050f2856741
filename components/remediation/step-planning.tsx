"use client";
import { useState, useTransition } from "react";
import { planStepAction } from "@/lib/actions/plan-step";
import { AssignableOptions, type Assignable } from "@/components/secrets/assign-select";

const field = "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs";

/** A board row's owner and due date, saved as they change. */
export function StepPlanning({
  step,
  users,
  label,
}: {
  step: { id: string; ownerId: string | null; dueAt: string | null };
  users: Assignable[];
  label: string;
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const save = (patch: { ownerId?: string | null; dueAt?: string }) =>
    start(async () => {
      const r = await planStepAction({ stepId: step.id, ...patch });
      setError(r.ok ? null : r.error);
    });
  return (
    <div className="flex flex-wrap items-center gap-2" aria-busy={pending}>
      <select
        aria-label={`Owner of ${label}`}
        defaultValue={step.ownerId ?? ""}
        disabled={pending}
        className={field}
        onChange={(e) => save({ ownerId: e.target.value || null })}
      >
        <option value="">No owner</option>
        <AssignableOptions users={users} />
      </select>
      <input
        type="date"
        aria-label={`Due date of ${label}`}
        defaultValue={step.dueAt ?? ""}
        disabled={pending}
        className={field}
        onChange={(e) => save({ dueAt: e.target.value })}
      />
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
