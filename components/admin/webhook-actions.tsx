"use client";
import { useState, useTransition } from "react";
import { deleteWebhookAction } from "@/lib/actions/delete-webhook";
import { testWebhookAction } from "@/lib/actions/test-webhook";
import { secondaryButtonClass } from "@/components/ui/styles";

export function WebhookActions({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={pending}
        aria-label={`Send a test to ${name}`}
        onClick={() =>
          start(async () => {
            const r = await testWebhookAction(id);
            setNote(r.ok ? { ok: !!r.data?.ok, text: r.message ?? "" } : { ok: false, text: r.error });
          })
        }
      >
        Send test
      </button>
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={pending}
        aria-label={`Delete webhook ${name}`}
        onClick={() => {
          if (!confirm(`Delete “${name}”? Its pending deliveries are dropped.`)) return;
          start(async () => {
            const r = await deleteWebhookAction(id);
            if (!r.ok) setNote({ ok: false, text: r.error });
          });
        }}
      >
        Delete
      </button>
      {note ? (
        <span
          role={note.ok ? "status" : "alert"}
          className={`text-xs ${note.ok ? "text-emerald-800" : "text-red-700"}`}
        >
          {note.text}
        </span>
      ) : null}
    </div>
  );
}
