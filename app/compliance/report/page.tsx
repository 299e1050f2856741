import { PrintButton } from "@/components/compliance/print-button";
import { figureValue, StatusBadge } from "@/components/compliance/control-card";
import { Badge } from "@/components/ui/badge";
import { requirePageUser } from "@/lib/auth/current-user";
import { CATALOGUE_VERSION } from "@/lib/compliance/catalogue";
import { FINDING_TYPES, type FindingType } from "@/lib/vocabulary/finding-type";
import { getComplianceSummary } from "@/lib/compliance/compliance-summary";
import { CONTROL_FIGURES, type FigureName } from "@/lib/compliance/figure-definitions";
import { trendsGroupBy } from "@/lib/compliance/trends/window";
import { ComplianceMethod } from "@/components/compliance/compliance-method";
import { TrendsSection } from "../trends-section";
import { getPeriodActivity } from "@/lib/compliance/period-activity";
import { scopeLabel } from "@/lib/compliance/scope";
import { asOfDate, complianceQuerySchema } from "@/lib/compliance/schemas";
import { minute } from "@/components/ui/format";

export const metadata = { title: "Compliance report" };
export const dynamic = "force-dynamic";

// Column heads of the summary table, short for a printed page; the figures' full names and definitions are in Method.
const SHORT: Record<FigureName, string> = {
  openSecrets: "Open",
  openCritical: "Critical",
  openLive: "Live",
  confirmedSecrets: "Confirmed",
  rotatedSecrets: "Rotation (verified)",
  rotationsUnverified: "Unverified",
  remediatedSecrets: "Remediated",
  openSteps: "Open steps",
  overdueSteps: "Overdue",
  overdueRotations: "Overdue rotations",
  mttrHours: "MTTR",
  openExposureDays: "Exposure",
  affectedImages: "Images",
  affectedRegistries: "Registries",
  scans: "Scans",
};

export default async function ComplianceReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  const me = await requirePageUser("read");
  const q = complianceQuerySchema.parse(await searchParams);
  const to = asOfDate(q);
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - 30 * 86_400_000);
  const scope = { registry: q.registry, repository: q.repository };
  const [summary, period] = await Promise.all([getComplianceSummary(to, scope), getPeriodActivity(from, to, scope)]);
  const exportQuery = new URLSearchParams(
    Object.entries({ asOf: q.asOf, registry: q.registry, repository: q.repository }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  );
  const d = (x: Date) => x.toISOString().slice(0, 10);
  return (
    <article className="mx-auto max-w-4xl bg-white p-8 text-sm shadow-sm print:max-w-none print:p-0 print:shadow-none">
      <header className="flex items-start justify-between gap-4 border-b border-slate-200 pb-4">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500">Residue · secrets in container image layers</p>
          <h1 className="mt-1 text-2xl font-semibold">Compliance report</h1>
          <p className="mt-1 text-slate-600">
            Period {d(from)} to {d(to)} · scope {scopeLabel(scope)} · catalogue {CATALOGUE_VERSION}
          </p>
          <p className="text-slate-600">
            Prepared {minute(new Date())} UTC for {me.name}. Contains no secret values: previews show at most a few
            leading characters.
          </p>
        </div>
        <PrintButton />
      </header>
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3 print:hidden" aria-label="Report period">
        <label className="text-xs font-medium">
          From
          <input
            type="date"
            name="from"
            defaultValue={q.from ?? d(from)}
            className="mt-1 block rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="text-xs font-medium">
          To (as of)
          <input
            type="date"
            name="asOf"
            defaultValue={q.asOf ?? d(to)}
            className="mt-1 block rounded border border-slate-300 px-2 py-1"
          />
        </label>
        {q.registry ? <input type="hidden" name="registry" value={q.registry} /> : null}
        {q.repository ? <input type="hidden" name="repository" value={q.repository} /> : null}
        <input type="hidden" name="groupBy" value={q.groupBy} />
        <input type="hidden" name="weeks" value={q.weeks} />
        <button type="submit" className="rounded border border-slate-300 px-3 py-1">
          Update
        </button>
      </form>

      <nav aria-labelledby="toc" className="mt-6 break-inside-avoid">
        <h2 id="toc" className="text-lg font-semibold">
          Contents
        </h2>
        <ol className="mt-1 list-decimal pl-5">
          {[
            ["summary", "Summary"],
            ["detail", "Per control, with the reason for each mapping"],
            ["trends", "Trends"],
            ["worst", `Open secrets (${period.open.toLocaleString("en")})`],
            ["method", "Method: status rules and figure definitions"],
            ["signoff", "Sign-off"],
          ].map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`} className="text-indigo-700 underline print:text-slate-900 print:no-underline">
                {label}
              </a>
            </li>
          ))}
        </ol>
        <p className="mt-1 text-xs text-slate-500">Printed pages are numbered at the foot of each page.</p>
      </nav>

      <section className="mt-6" aria-labelledby="summary">
        <h2 id="summary" className="text-lg font-semibold">
          1. Summary
        </h2>
        <p className="mt-1">
          In the period: {period.scans} scans ingested, {period.found} secrets found, {period.confirmed} confirmed,{" "}
          {period.remediated} remediated.
        </p>
        <table className="mt-3 w-full border-collapse text-left">
          <thead>
            <tr className="border-b border-slate-300">
              {["Control", "Status", ...CONTROL_FIGURES.map((f) => SHORT[f])].map((h) => (
                <th key={h} scope="col" className="py-1 pr-3 align-bottom font-semibold">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {summary.map((item) => (
              <tr key={item.control.id} className="border-b border-slate-100">
                <td className="py-1 pr-3">{item.control.title}</td>
                <td className="py-1 pr-3">
                  <StatusBadge status={item.status} />
                </td>
                {CONTROL_FIGURES.map((name) => (
                  <td key={name} className="py-1 pr-3 tabular-nums">
                    {figureValue(item, name)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="mt-8" aria-labelledby="detail">
        <h2 id="detail" className="text-lg font-semibold">
          2. Per control
        </h2>
        {summary.map(({ control, status, reasons }) => (
          <div key={control.id} className="mt-4 break-inside-avoid border-l-4 border-slate-200 pl-4">
            <h3 className="font-semibold">
              {control.title} <StatusBadge status={status} />
            </h3>
            <p className="text-xs text-slate-500">
              {control.framework} {control.version} · {control.id}
            </p>
            <p className="mt-1">{control.description}</p>
            {reasons.length ? (
              <p className="mt-1 font-medium">Status because: {reasons.join("; ")}.</p>
            ) : (
              <p className="mt-1">No open finding in scope.</p>
            )}
            <ul className="mt-1 list-disc pl-5">
              {(Object.entries(control.mappings) as [FindingType, string][]).map(([t, why]) => (
                <li key={t}>
                  <span className="font-medium">{FINDING_TYPES[t].label}</span> — {why}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      <section className="mt-8 break-before-page" aria-labelledby="trends">
        <h2 id="trends" className="text-lg font-semibold">
          3. Trends, the last {q.weeks} weeks by {trendsGroupBy(q.groupBy, scope)}
        </h2>
        <div className="mt-2">
          <TrendsSection asOf={to} weeks={q.weeks} groupBy={q.groupBy} scope={scope} />
        </div>
      </section>

      <section className="mt-8 break-before-page" aria-labelledby="worst">
        <h2 id="worst" className="text-lg font-semibold">
          4. Open secrets at the end of the period (most severe first)
        </h2>
        <p className="mt-1">
          {period.open === period.openSecrets.length
            ? `All ${period.open} open secret${period.open === 1 ? "" : "s"} in scope.`
            : `The ${period.openSecrets.length.toLocaleString("en")} most severe of ${period.open.toLocaleString("en")} open secrets in scope; every one is in the export.`}{" "}
          <a
            href={`/api/ui/compliance/export?${new URLSearchParams({ ...Object.fromEntries(exportQuery), format: "csv" })}`}
            className="text-indigo-700 underline print:hidden"
          >
            Export CSV
          </a>{" "}
          <a
            href={`/api/ui/compliance/evidence?${new URLSearchParams(Object.fromEntries(exportQuery))}`}
            className="text-indigo-700 underline print:hidden"
          >
            Evidence pack (zip)
          </a>
        </p>
        {period.openSecrets.length === 0 ? null : (
          <table className="mt-2 w-full border-collapse text-left">
            <thead>
              <tr className="border-b border-slate-300">
                {["Severity", "Rule", "Preview", "State", "Images", "First seen"].map((h) => (
                  <th key={h} scope="col" className="py-1 pr-3 font-semibold">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {period.openSecrets.map((s) => (
                <tr key={s.id} className="border-b border-slate-100">
                  <td className="py-1 pr-3">
                    <Badge tone={s.severity}>{s.severity}</Badge>
                  </td>
                  <td className="py-1 pr-3">{s.title ?? s.ruleId}</td>
                  <td className="py-1 pr-3">
                    <code>{s.redactedPreview}</code>
                  </td>
                  <td className="py-1 pr-3">{s.triageState}</td>
                  <td className="py-1 pr-3 tabular-nums">{s.imageCount}</td>
                  <td className="py-1 pr-3">{d(s.firstSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="mt-8 break-before-page" aria-labelledby="method">
        <h2 id="method" className="text-lg font-semibold">
          5. Method
        </h2>
        <div className="mt-2">
          <ComplianceMethod />
        </div>
      </section>

      <section className="mt-8 break-inside-avoid" aria-labelledby="signoff">
        <h2 id="signoff" className="text-lg font-semibold">
          6. Sign-off
        </h2>
        <p className="mt-1">
          Figures as of {minute(to)} UTC for {scopeLabel(scope)}, catalogue {CATALOGUE_VERSION}, generated{" "}
          {minute(new Date())} UTC by {me.name}.
        </p>
        <dl className="mt-3 grid grid-cols-1 gap-6 sm:grid-cols-3">
          {["Prepared by", "Reviewed by", "Approved by"].map((role) => (
            <div key={role}>
              <dt className="text-xs text-slate-500">{role}</dt>
              <dd className="mt-6 border-b border-slate-400" aria-label={`${role}: name, signature and date`}>
                &nbsp;
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </article>
  );
}
