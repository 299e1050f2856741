"use client";
import { useState, useTransition } from "react";
import { triageSecretsAction } from "@/lib/actions/triage-secrets";
import { FormMessage } from "@/components/ui/form";
import { buttonClass, inputClass } from "@/components/ui/styles";
import { TRIAGE_HELP, TRIAGE_LABEL, TRIAGE_STATES, type TriageState } from "@/lib/vocabulary/triage-state";

/** One triage decision for one or many secrets (the secret page and the table's bulk bar share it). */
export function TriageForm({
  ids,
  current,
  onDone,
  compact = false,
}: {
  ids: string[];
  current?: string;
  onDone?: () => void;
  compact?: boolean;
}) {
  const [state, setState] = useState<string>(current ?? "confirmed");
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ error?: string; success?: string } | null>(null);
  const needsReason = state === "false_positive" || state === "accepted_risk";

  return (
    <form
      aria-label={ids.length > 1 ? `Triage ${ids.length} secrets` : "Triage this secret"}
      className={compact ? "flex flex-wrap items-end gap-2" : "space-y-3"}
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const change = {
            state,
            reason: reason || undefined,
            ...(state === "accepted_risk" ? { acceptedUntil: until } : {}),
          };
          const r = await triageSecretsAction({ ids, change });
          setResult(r.ok ? { success: r.message } : { error: r.error });
          if (r.ok) {
            setReason("");
            onDone?.();
          }
        });
      }}
    >
      <label className="block text-sm font-medium text-slate-700">
        New state
        <select value={state} onChange={(e) => setState(e.target.value)} className={inputClass}>
          {TRIAGE_STATES.map((s) => (
            <option key={s} value={s}>
              {TRIAGE_LABEL[s]}
            </option>
          ))}
        </select>
        {!compact ? (
          <span className="mt-1 block text-xs font-normal text-slate-500">{TRIAGE_HELP[state as TriageState]}</span>
        ) : null}
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Reason{needsReason ? " (required)" : " (optional)"}
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required={needsReason}
          minLength={needsReason ? 3 : undefined}
          className={inputClass}
          placeholder={state === "false_positive" ? "e.g. test fixture, not a real key" : ""}
        />
      </label>
      {state === "accepted_risk" ? (
        <label className="block text-sm font-medium text-slate-700">
          Accepted until
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} required className={inputClass} />
        </label>
      ) : null}
      <button type="submit" className={buttonClass} disabled={pending} aria-busy={pending}>
        {pending ? "Saving…" : ids.length > 1 ? `Apply to ${ids.length} secrets` : "Save triage"}
      </button>
      <FormMessage error={result?.error} success={result?.success} />
    </form>
  );
}
