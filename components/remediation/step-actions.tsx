"use client";
import { useState, useTransition } from "react";
import { applyStepEventAction } from "@/lib/actions/apply-step-event";
import { inputClass, secondaryButtonClass } from "@/components/ui/styles";
import { AssignableOptions, type Assignable } from "@/components/secrets/assign-select";

type Step = {
  id: string;
  kind: "rotate" | "rebuild" | "purge";
  state: "todo" | "in_progress" | "done" | "verified" | "not_applicable";
  ownerId: string | null;
};
type Mode = null | "rotation" | "not_applicable" | "attest";

/** The buttons a step's state allows; the server's state machine has the last word. */
export function StepActions({
  step,
  users,
  canAttest,
  label,
}: {
  step: Step;
  users: Assignable[];
  canAttest: boolean;
  label: string;
}) {
  const [pending, start] = useTransition();
  const [mode, setMode] = useState<Mode>(null);
  const [error, setError] = useState<string | null>(null);
  const send = (event: Record<string, unknown>) =>
    start(async () => {
      const r = await applyStepEventAction({ stepId: step.id, event });
      setError(r.ok ? null : r.error);
      if (r.ok) setMode(null);
    });
  const open = step.state === "todo" || step.state === "in_progress";
  const btn = (text: string, onClick: () => void) => (
    <button
      type="button"
      className={secondaryButtonClass}
      disabled={pending}
      onClick={onClick}
      aria-label={`${text}: ${label}`}
    >
      {text}
    </button>
  );

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {step.state === "todo" ? btn("Start", () => send({ type: "start" })) : null}
        {open
          ? btn(step.kind === "rotate" ? "Record rotation" : "Mark done", () =>
              step.kind === "rotate" ? setMode("rotation") : send({ type: "complete" }),
            )
          : null}
        {step.state !== "verified" && step.state !== "not_applicable"
          ? btn("Not applicable", () => setMode("not_applicable"))
          : null}
        {step.state === "done" && step.kind === "rotate" && canAttest
          ? btn("Attest rotation", () => setMode("attest"))
          : null}
        {step.state !== "todo" && step.state !== "verified" ? btn("Reopen", () => send({ type: "reopen" })) : null}
        {step.state !== "verified" ? (
          <select
            aria-label={`Owner: ${label}`}
            value={step.ownerId ?? ""}
            disabled={pending}
            onChange={(e) => send({ type: "assign", ownerId: e.target.value || null })}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          >
            <option value="">No owner</option>
            <AssignableOptions users={users} />
          </select>
        ) : null}
      </div>
      {mode === "rotation" ? (
        <form
          className="grid gap-2 rounded-md bg-slate-50 p-3 sm:grid-cols-3"
          aria-label="Record the rotation"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            send({
              type: "complete",
              rotation: { rotatedBy: f.get("rotatedBy"), rotatedAt: f.get("rotatedAt"), how: f.get("how") },
            });
          }}
        >
          <label className="text-xs font-medium">
            Rotated by
            <input name="rotatedBy" required className={inputClass} />
          </label>
          <label className="text-xs font-medium">
            When
            <input name="rotatedAt" type="datetime-local" required className={inputClass} />
          </label>
          <label className="text-xs font-medium">
            How (vault path, ticket)
            <input name="how" required minLength={3} className={inputClass} />
          </label>
          <div className="sm:col-span-3">
            <button type="submit" className={secondaryButtonClass} disabled={pending}>
              Save rotation
            </button>
          </div>
        </form>
      ) : null}
      {mode === "not_applicable" || mode === "attest" ? (
        <form
          className="flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-3"
          aria-label={mode === "attest" ? "Attest the rotation" : "Mark not applicable"}
          onSubmit={(e) => {
            e.preventDefault();
            const text = String(new FormData(e.currentTarget).get("text") ?? "");
            send(mode === "attest" ? { type: "attest", note: text } : { type: "not_applicable", reason: text });
          }}
        >
          <label className="flex-1 text-xs font-medium">
            {mode === "attest" ? "What the attestation rests on" : "Why it does not apply"}
            <input name="text" required minLength={3} className={inputClass} />
          </label>
          <button type="submit" className={secondaryButtonClass} disabled={pending}>
            Save
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
