/** The events a webhook can subscribe to, and what each says. */
export const WEBHOOK_EVENTS = [
  "secret.created",
  "secret.regressed",
  "secret.state_changed",
  "step.overdue",
  "step.verified",
  "scan.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_HELP: Record<WebhookEventType, string> = {
  "secret.created": "a scan found a credential Residue had not seen",
  "secret.regressed": "a resolved secret was found again somewhere new",
  "secret.state_changed": "triage, an expiry, remediation or a resolution elsewhere changed a secret's state",
  "step.overdue": "a remediation step passed its due date (once per step)",
  "step.verified": "evidence verified a remediation step",
  "scan.failed": "an uploaded report could not be ingested",
};

/**
 * Audited changes that are webhook events: recordAudit writes the outbox row in the same statement as the audit
 * row (lib/audit/record-audit.ts), so every path that records the change emits the event, in its transaction.
 */
export const AUDIT_WEBHOOK_EVENT: Record<string, WebhookEventType> = {
  "secret.triaged": "secret.state_changed",
  "secret.remediated": "secret.state_changed",
  "secret.reopened": "secret.state_changed",
  "secret.regressed": "secret.regressed",
  "step.verified": "step.verified",
  "step.overdue": "step.overdue",
};
