"use client";
import { useActionState } from "react";
import { createWebhookAction } from "@/lib/actions/create-webhook";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { ShownOnce } from "@/components/ui/shown-once";
import { inputClass } from "@/components/ui/styles";
import { SEVERITIES } from "@/lib/vocabulary/severity";
import { WEBHOOK_EVENT_HELP, WEBHOOK_EVENTS } from "@/lib/vocabulary/webhook-event";

export function WebhookForm() {
  const [state, action] = useActionState(createWebhookAction, null);
  return (
    <div className="space-y-3">
      <form
        action={action}
        aria-label="Add a webhook"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2"
      >
        <Field label="Name">
          <input name="name" required maxLength={100} placeholder="#sec-alerts" className={inputClass} />
        </Field>
        <Field label="URL" hint="Residue POSTs JSON here, signed with the key shown once below.">
          <input
            name="url"
            type="url"
            required
            maxLength={2048}
            placeholder="https://hooks.slack.com/services/…"
            className={inputClass}
          />
        </Field>
        <Field label="Body">
          <select name="preset" defaultValue="generic" className={inputClass}>
            <option value="generic">Residue JSON (generic)</option>
            <option value="slack">Slack incoming webhook</option>
            <option value="teams">Microsoft Teams incoming webhook</option>
          </select>
        </Field>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700">Events</legend>
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="mt-1 flex items-start gap-2">
              <input type="checkbox" name="events" value={e} defaultChecked={e !== "step.verified"} className="mt-1" />
              <span>
                <code>{e}</code> <span className="text-xs text-slate-500">{WEBHOOK_EVENT_HELP[e]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700">Only these severities (none ticked: all)</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {SEVERITIES.map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input type="checkbox" name="severities" value={s} /> {s}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid gap-3">
          <Field label="Only these registries" hint="Hosts, separated by commas; empty: all.">
            <input name="registries" placeholder="ghcr.io, docker.io" className={inputClass} />
          </Field>
          <Field label="Only these repositories" hint="Names, separated by commas; empty: all.">
            <input name="repositories" placeholder="acme/api, acme/web" className={inputClass} />
          </Field>
        </div>
        <div className="md:col-span-2">
          <SubmitButton pendingText="Adding…">Add webhook</SubmitButton>
        </div>
      </form>
      {state && !state.ok ? <FormMessage error={state.error} /> : null}
      {state?.ok && state.data ? (
        <ShownOnce value={state.data.signingKey} testId="signing-key">
          Webhook “{state.data.name}” added. Its signing key is shown once: receivers verify the{" "}
          <code>Residue-Signature</code> header with it.
        </ShownOnce>
      ) : null}
    </div>
  );
}
