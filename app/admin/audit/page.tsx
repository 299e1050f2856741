import { AdminTabs } from "@/components/admin/admin-tabs";
import { FilterSelect } from "@/components/ui/filter-field";
import { DataTable, EmptyRow } from "@/components/ui/data-table";
import { inputClass } from "@/components/ui/styles";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { listAuditEvents } from "@/lib/audit/list-audit";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const json = (v: unknown) => (v == null ? "" : JSON.stringify(v));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const me = await requirePageUser("admin");
  const q = listAuditQuerySchema.parse(await searchParams);
  const { events, total, actions } = await listAuditEvents(me, q);
  const { page: _p, pageSize: _s, ...filters } = q;
  return (
    <>
      <PageHeader
        title="Administration"
        description="Every change of state: who (user or token), what, before and after, when. Filters live in the URL."
      />
      <AdminTabs current="/admin/audit" />
      <form
        method="get"
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
        aria-label="Filter audit events"
      >
        <label className="text-sm font-medium text-slate-700">
          Actor
          <input name="actor" defaultValue={q.actor} placeholder="email or token:name" className={inputClass} />
        </label>
        <FilterSelect label="Action" name="action" value={q.action} options={actions} />
        <label className="text-sm font-medium text-slate-700">
          Entity
          <input name="entityType" defaultValue={q.entityType} placeholder="Secret, User…" className={inputClass} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          From
          <input type="date" name="from" defaultValue={q.from} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          To
          <input type="date" name="to" defaultValue={q.to} className={inputClass} />
        </label>
        <div className="flex items-end gap-2">
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Filter
          </button>
          <a href="/admin/audit" className="px-2 py-2 text-sm text-slate-600 underline">
            Reset
          </a>
        </div>
        {q.entityId ? <input type="hidden" name="entityId" value={q.entityId} /> : null}
      </form>
      <DataTable
        caption="Audit events"
        headers={["When (UTC)", "Actor", "Action", "Entity", "Before", "After"]}
        alignTop
      >
        {events.length === 0 ? (
          <EmptyRow columns={6}>No events match these filters.</EmptyRow>
        ) : (
          events.map((e) => (
            <tr key={e.id}>
              <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                {e.at.toISOString().slice(0, 19).replace("T", " ")}
              </td>
              <td className="px-3 py-2">{e.actorLabel}</td>
              <td className="px-3 py-2">
                <code className="text-xs">{e.action}</code>
              </td>
              <td className="px-3 py-2 text-xs">
                {e.entityType}
                <div className="font-mono text-slate-500">{e.entityId}</div>
              </td>
              <td className="max-w-xs px-3 py-2 font-mono text-xs break-all text-slate-600">{json(e.before)}</td>
              <td className="max-w-xs px-3 py-2 font-mono text-xs break-all">{json(e.after)}</td>
            </tr>
          ))
        )}
      </DataTable>
      <Pager path="/admin/audit" params={filters} page={q.page} pageSize={q.pageSize} total={total} />
    </>
  );
}
