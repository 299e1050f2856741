import type { WebhookEventType } from "../vocabulary/webhook-event";
import { WEBHOOK_EVENT_HELP } from "../vocabulary/webhook-event";

/** What a delivery says about its secret: names, counts, a redacted preview and links, never a value. */
export type SecretSummary = {
  id: string;
  ruleId: string;
  detector: string;
  severity: string;
  state: string;
  preview: string;
  images: number;
  registries: string[];
  repositories: string[];
};

export type DeliveryContent = {
  deliveryId: string;
  event: { id: string; type: WebhookEventType; at: string; actor: string | null; before: unknown; after: unknown };
  secret: SecretSummary | null;
  links: { secret: string | null; dashboard: string };
};

export const publicUrl = () =>
  (process.env.RESIDUE_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");

/** Where a delivery points: the secret's page when it is about one, else the dashboard. */
export const linksFor = (secretId: string | null): DeliveryContent["links"] => ({
  secret: secretId ? `${publicUrl()}/secrets/${secretId}` : null,
  dashboard: publicUrl(),
});

/** One sentence for people (Slack, Teams): what happened, to which secret, where. */
export function sentence(c: DeliveryContent): string {
  const s = c.secret;
  const what = s
    ? `${s.severity} ${s.detector} secret ${s.preview} (${s.ruleId})${s.repositories.length ? ` in ${s.repositories.slice(0, 3).join(", ")}${s.repositories.length > 3 ? ` and ${s.repositories.length - 3} more` : ""}` : ""}`
    : "";
  const state = (v: unknown) =>
    v && typeof v === "object" && "state" in v ? String((v as { state: unknown }).state) : null;
  switch (c.event.type) {
    case "secret.created":
      return `New ${what}.`;
    case "secret.regressed":
      return `Regression: ${what} was found again after it was resolved.`;
    case "secret.state_changed":
      return `${what}: ${state(c.event.before) ?? "?"} → ${state(c.event.after) ?? "?"}${c.event.actor ? ` by ${c.event.actor}` : ""}.`;
    case "step.overdue":
      return `A remediation step of ${what} is overdue.`;
    case "step.verified":
      return `A remediation step of ${what} was verified.`;
    case "scan.failed":
      return `An uploaded report could not be ingested: ${String((c.event.after as { message?: unknown } | null)?.message ?? "")}`.trim();
  }
}

/** The body for a subscription's preset: Residue's JSON, a Slack message, or a Teams MessageCard. */
export function renderBody(preset: "generic" | "slack" | "teams", c: DeliveryContent): unknown {
  const text = sentence(c);
  const link = c.links.secret ?? c.links.dashboard;
  if (preset === "slack")
    return {
      text,
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*${c.event.type}* · ${escapeSlack(text)}` } },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: `<${link}|Open in Residue> · ${WEBHOOK_EVENT_HELP[c.event.type]}` }],
        },
      ],
    };
  if (preset === "teams")
    return {
      "@type": "MessageCard",
      "@context": "https://schema.org/extensions",
      summary: text.slice(0, 200),
      themeColor: c.secret?.severity === "critical" ? "B91C1C" : "334155",
      title: c.event.type,
      text,
      potentialAction: [{ "@type": "OpenUri", name: "Open in Residue", targets: [{ os: "default", uri: link }] }],
    };
  return { id: c.deliveryId, ...c, text };
}

const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
