import Link from "next/link";
import { FilterSelect } from "@/components/ui/filter-field";
import { DataTable } from "@/components/ui/data-table";
import { BulkAssign } from "@/components/remediation/bulk-assign";
import { SlaForm } from "@/components/remediation/sla-form";
import { StepPlanning } from "@/components/remediation/step-planning";
import { StepStateBadge } from "@/components/remediation/labels";
import { isOpenStep, STEP_LABEL } from "@/lib/vocabulary/remediation-step";
import { SEVERITIES, SEVERITY_LABEL } from "@/lib/vocabulary/severity";
import { Badge } from "@/components/ui/badge";
import { inputClass } from "@/components/ui/styles";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { StatCard } from "@/components/ui/stat-card";
import { day } from "@/components/secrets/labels";
import { requirePageUser } from "@/lib/auth/current-user";
import { can } from "@/lib/access/actor";
import { listSteps } from "@/lib/remediation/list-steps";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { listStepsQuerySchema } from "@/lib/remediation/schemas";
import { STEP_KINDS, STEP_STATES } from "@/lib/vocabulary/remediation-step";
import { getSlaDays } from "@/lib/remediation/sla";
import { listAssignableUsers } from "@/lib/users/manage-users";
import { hours } from "@/components/ui/format";

export const metadata = { title: "Remediation" };
const BULK_FORM = "bulk-assign-steps";
export const dynamic = "force-dynamic";

export default async function RemediationPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const me = await requirePageUser("read");
  const q = listStepsQuerySchema.parse(await searchParams);
  const now = new Date();
  const [board, metrics, users, sla] = await Promise.all([
    listSteps(q, now),
    getRemediationMetrics({ asOf: now }),
    listAssignableUsers(),
    getSlaDays(),
  ]);
  const { page: _p, pageSize: _s, ...filters } = q;
  const planner = can(me, "remediate");
  const stateLink = (state?: string) =>
    `/remediation?${new URLSearchParams(Object.entries({ ...filters, state }).filter((e): e is [string, string] => !!e[1]))}`;
  return (
    <>
      <PageHeader
        title="Remediation"
        description="Rotate, rebuild, purge: every step of every confirmed secret. A step is verified only by evidence: a clean rescan, tag records, a later report that the key is dead, or an admin's attestation."
      />
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <StatCard label="Open steps" value={metrics.openSteps} />
        <StatCard
          label="Overdue steps"
          value={metrics.overdueSteps}
          hint={metrics.overdueRotations ? `${metrics.overdueRotations} critical/high rotations` : undefined}
        />
        <StatCard
          label="Rotation coverage (verified)"
          value={metrics.rotationCoverage == null ? "—" : `${Math.round(metrics.rotationCoverage * 100)}%`}
          hint={metrics.rotationsUnverified ? `${metrics.rotationsUnverified} recorded, not verified yet` : undefined}
        />
        <StatCard label="MTTR (confirm → verified)" value={hours(metrics.mttrHours)} />
        <StatCard label="Open exposure" value={`${Math.round(metrics.openExposureDays)} secret-days`} />
      </dl>

      <nav aria-label="Steps by state" className="mt-6 flex flex-wrap gap-2 text-sm">
        <Link
          href={stateLink(undefined)}
          aria-current={!q.state ? "page" : undefined}
          className={`rounded-full px-3 py-1 ring-1 ${!q.state ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white ring-slate-300"}`}
        >
          All
        </Link>
        {STEP_STATES.map((s) => (
          <Link
            key={s}
            href={stateLink(s)}
            aria-current={q.state === s ? "page" : undefined}
            className={`rounded-full px-3 py-1 ring-1 ${q.state === s ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white ring-slate-300"}`}
          >
            {s.replace("_", " ")} <span className="tabular-nums">({board.byState[s] ?? 0})</span>
          </Link>
        ))}
      </nav>

      <form
        method="get"
        className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Filter steps"
      >
        {q.state ? <input type="hidden" name="state" value={q.state} /> : null}
        <FilterSelect label="Kind" name="kind" value={q.kind} options={STEP_KINDS.map((k) => [k, STEP_LABEL[k]])} />
        <FilterSelect
          label="Owner"
          name="owner"
          value={q.owner}
          anyLabel="Anyone"
          options={[["none", "No owner"], ...users.map((u) => [u.id, u.name] as const)]}
        />
        <FilterSelect
          label="Severity"
          name="severity"
          value={q.severity}
          options={SEVERITIES.map((s) => [s, SEVERITY_LABEL[s]])}
        />
        <label className="text-sm font-medium text-slate-700">
          Repository
          <input name="repository" defaultValue={q.repository} placeholder="acme/api" className={inputClass} />
        </label>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="overdue" value="1" defaultChecked={!!q.overdue} /> Overdue only
        </label>
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Filter
        </button>
        <Link href="/remediation" className="pb-2 text-sm text-slate-600 underline">
          Reset
        </Link>
      </form>

      <DataTable
        caption="Remediation steps, overdue first"
        headers={
          planner
            ? [
                <span key="select" className="sr-only">
                  Select
                </span>,
                "Due",
                "Step",
                "Secret",
                "State",
                "Owner and due date",
              ]
            : ["Due", "Step", "Secret", "State", "Owner"]
        }
        className="mt-4"
      >
        {board.steps.length === 0 ? (
          <tr>
            <td colSpan={planner ? 6 : 5} className="px-3 py-8 text-center text-slate-600">
              {board.total === 0 && !Object.values(filters).some(Boolean) ? (
                <>
                  No remediation work yet. Confirm a secret on the{" "}
                  <Link className="text-indigo-700 underline" href="/secrets?state=open">
                    secrets page
                  </Link>{" "}
                  to create its plan.
                </>
              ) : (
                "No step matches these filters."
              )}
            </td>
          </tr>
        ) : (
          board.steps.map((st) => {
            const overdue = st.dueAt && st.dueAt < now && isOpenStep(st.state);
            return (
              <tr key={st.id} className={overdue ? "bg-red-50/50" : undefined}>
                {planner ? (
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      name="ids"
                      value={st.id}
                      form={BULK_FORM}
                      aria-label={`Select ${STEP_LABEL[st.kind]} of ${st.secret.title ?? st.secret.ruleId}`}
                    />
                  </td>
                ) : null}
                <td className={`px-3 py-2 whitespace-nowrap ${overdue ? "font-semibold text-red-700" : ""}`}>
                  {st.dueAt ? day(st.dueAt) : "—"}
                  {overdue ? " (overdue)" : ""}
                </td>
                <td className="px-3 py-2">
                  {STEP_LABEL[st.kind]}
                  {st.repository ? (
                    <div className="font-mono text-xs text-slate-600">
                      {st.repository.registry.host}/{st.repository.name}
                    </div>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  <Badge tone={st.secret.severity}>{st.secret.severity}</Badge>{" "}
                  <Link href={`/secrets/${st.secret.id}`} className="text-indigo-700 hover:underline">
                    {st.secret.title ?? st.secret.ruleId}
                  </Link>{" "}
                  <code className="text-xs">{st.secret.redactedPreview}</code>
                </td>
                <td className="px-3 py-2">
                  <StepStateBadge state={st.state} />
                </td>
                <td className="px-3 py-2">
                  {planner ? (
                    <StepPlanning
                      step={{
                        id: st.id,
                        ownerId: st.owner?.id ?? null,
                        dueAt: st.dueAt?.toISOString().slice(0, 10) ?? null,
                      }}
                      users={users}
                      label={`${STEP_LABEL[st.kind]} of ${st.secret.title ?? st.secret.ruleId}`}
                    />
                  ) : (
                    (st.owner?.name ?? <span className="text-slate-400">—</span>)
                  )}
                </td>
              </tr>
            );
          })
        )}
      </DataTable>
      {planner && board.steps.length ? <BulkAssign users={users} formId={BULK_FORM} /> : null}
      <Pager path="/remediation" params={filters} page={q.page} pageSize={q.pageSize} total={board.total} />

      <section className="mt-8 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="sla">
        <h2 id="sla" className="mb-2 font-semibold">
          SLA: days from confirmation to remediated
        </h2>
        {can(me, "admin") ? (
          <SlaForm sla={sla} />
        ) : (
          <p className="text-sm text-slate-700">
            {Object.entries(sla)
              .map(([k, v]) => `${k}: ${v} d`)
              .join(" · ")}
          </p>
        )}
      </section>
    </>
  );
}
