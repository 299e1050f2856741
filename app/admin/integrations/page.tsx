import { AdminTabs } from "@/components/admin/admin-tabs";
import { WebhookActions } from "@/components/admin/webhook-actions";
import { WebhookForm } from "@/components/admin/webhook-form";
import { Badge } from "@/components/ui/badge";
import { DataTable, EmptyRow } from "@/components/ui/data-table";
import { minute } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { listWebhooks } from "@/lib/webhooks/subscriptions";

export const metadata = { title: "Integrations" };
export const dynamic = "force-dynamic";

const PRESET = { generic: "Residue JSON", slack: "Slack", teams: "Teams" } as const;
const STATUS_TONE = { delivered: "good", pending: "medium", failed: "high" } as const;

export default async function IntegrationsPage() {
  const me = await requirePageUser("admin");
  const { subscriptions, deliveries } = await listWebhooks(me);
  const nameOf = new Map(subscriptions.map((s) => [s.id, s.name]));
  return (
    <>
      <PageHeader
        title="Administration"
        description="Webhooks tell Slack, Teams or your own service when a secret appears, changes state, regresses or breaks its SLA. Deliveries are retried with backoff and kept in order per secret; no secret value is ever sent."
      />
      <AdminTabs current="/admin/integrations" />
      <WebhookForm />
      <DataTable caption="Webhooks" headers={["Webhook", "Events", "Only", "Created", ""]} className="mt-6">
        {subscriptions.length === 0 ? (
          <EmptyRow columns={5}>No webhooks yet. Add one above to be told about new and regressed secrets.</EmptyRow>
        ) : (
          subscriptions.map((s) => (
            <tr key={s.id}>
              <td className="px-3 py-2">
                {s.name} <span className="text-xs text-slate-500">· {PRESET[s.preset]}</span>
                <div className="max-w-xs truncate font-mono text-xs text-slate-500" title={s.url}>
                  {s.url}
                </div>
              </td>
              <td className="px-3 py-2">
                <div className="flex max-w-sm flex-wrap gap-1">
                  {s.events.map((e) => (
                    <code key={e} className="rounded bg-slate-100 px-1 text-xs">
                      {e}
                    </code>
                  ))}
                </div>
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                {[...s.severities, ...s.registries, ...s.repositories].join(", ") || "everything"}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{minute(s.createdAt)}</td>
              <td className="px-3 py-2">
                <WebhookActions id={s.id} name={s.name} />
              </td>
            </tr>
          ))
        )}
      </DataTable>
      <DataTable
        caption="Recent deliveries"
        headers={["Webhook", "Event", "Status", "Attempts", "Answer", "Queued", "Delivered / next try"]}
        className="mt-6"
      >
        {deliveries.length === 0 ? (
          <EmptyRow columns={7}>Nothing delivered yet. Deliveries appear here as events happen.</EmptyRow>
        ) : (
          deliveries.map((d) => (
            <tr key={d.id}>
              <td className="px-3 py-2">{nameOf.get(d.subscriptionId) ?? "—"}</td>
              <td className="px-3 py-2">
                <code className="text-xs">{d.event.type}</code>
              </td>
              <td className="px-3 py-2">
                <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
              </td>
              <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
              <td className="px-3 py-2 text-xs">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : "—")}</td>
              <td className="px-3 py-2 whitespace-nowrap">{minute(d.createdAt)}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                {d.deliveredAt ? minute(d.deliveredAt) : d.status === "pending" ? minute(d.nextAttemptAt) : "gave up"}
              </td>
            </tr>
          ))
        )}
      </DataTable>
    </>
  );
}
