import { Card } from "@/components/ui/card";
import { FilterSelect } from "@/components/ui/filter-field";
import Link from "next/link";
import { Suspense } from "react";
import { ControlCard } from "@/components/compliance/control-card";
import { ComplianceMethod } from "@/components/compliance/compliance-method";
import { inputClass } from "@/components/ui/styles";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { CATALOGUE_VERSION } from "@/lib/compliance/catalogue";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { asOfDate, complianceQuerySchema } from "@/lib/compliance/schemas";
import { minute } from "@/components/ui/format";
import { trendsGroupBy } from "@/lib/compliance/trends/window";
import { TrendsLoading, TrendsSection } from "./trends-section";

export const metadata = { title: "Compliance" };
export const dynamic = "force-dynamic";

export default async function CompliancePage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePageUser("read");
  const q = complianceQuerySchema.parse(await searchParams);
  const asOf = asOfDate(q);
  const scope = { registry: q.registry, repository: q.repository };
  const summary = await getComplianceSummary(asOf, scope);
  const drill = (extra: Record<string, string>) =>
    `/secrets?${new URLSearchParams({ ...extra, ...(q.registry ? { registry: q.registry } : {}), ...(q.repository ? { repository: q.repository } : {}) })}`;
  // The exports answer for what the page shows: the same date and scope.
  const scopeParams = Object.fromEntries(
    Object.entries({ asOf: q.asOf, registry: q.registry, repository: q.repository }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  );
  const own = new URLSearchParams(
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  return (
    <>
      <PageHeader
        title="Compliance"
        description={
          <>
            OWASP NHI-02, NIST CSF 2.0 PR.DS and NIST SP 800-207, as of {minute(asOf)} UTC. Catalogue{" "}
            {CATALOGUE_VERSION}. No secret value appears here or in any export.
          </>
        }
        actions={
          <div className="flex flex-wrap gap-2 text-sm">
            <a
              href={`/api/ui/compliance/export?${new URLSearchParams({ ...scopeParams, format: "csv" })}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
            >
              Export CSV
            </a>
            <a
              href={`/api/ui/compliance/export?${new URLSearchParams({ ...scopeParams, format: "json" })}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
            >
              Export JSON
            </a>
            <a
              href={`/api/ui/compliance/evidence?${new URLSearchParams(scopeParams)}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
              title="One zip: the figures per control and their rules, every finding (CSV and JSON), and the audit trail behind every state change in scope"
            >
              Evidence pack (zip)
            </a>
            <Link
              href={`/compliance/report?${own}`}
              className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
            >
              Printable report
            </Link>
          </div>
        }
      />
      <form
        method="get"
        className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Report scope"
      >
        <label className="text-sm font-medium text-slate-700">
          As of
          <input type="date" name="asOf" defaultValue={q.asOf} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Registry
          <input name="registry" defaultValue={q.registry} placeholder="all" className={inputClass} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Repository
          <input name="repository" defaultValue={q.repository} placeholder="all" className={inputClass} />
        </label>
        <FilterSelect
          label="Trends by"
          name="groupBy"
          value={q.groupBy}
          anyLabel={null}
          options={[
            ["registry", "Registry"],
            ["repository", "Repository"],
          ]}
        />
        <label className="text-sm font-medium text-slate-700">
          Weeks
          <input
            type="number"
            name="weeks"
            min={2}
            max={104}
            defaultValue={q.weeks}
            className="mt-1 block w-20 rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </label>
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Show
        </button>
        <Link href="/compliance" className="pb-2 text-sm text-slate-600 underline">
          Now, whole fleet
        </Link>
      </form>

      <section aria-label="Controls" className="grid gap-4 lg:grid-cols-2">
        {summary.map((item) => (
          <ControlCard key={item.control.id} item={item} drill={drill} />
        ))}
      </section>

      <section className="mt-8" aria-labelledby="trends">
        <h2 id="trends" className="mb-3 text-lg font-semibold">
          Trends, by {trendsGroupBy(q.groupBy, scope)}
        </h2>
        <Suspense key={`${own}`} fallback={<TrendsLoading weeks={q.weeks} />}>
          <TrendsSection asOf={asOf} weeks={q.weeks} groupBy={q.groupBy} scope={scope} />
        </Suspense>
      </section>

      <Card as="section" className="mt-8" labelledBy="rules">
        <h2 id="rules" className="sr-only">
          Method
        </h2>
        <ComplianceMethod />
      </Card>
    </>
  );
}
