import Link from "next/link";
import { getFleetSummary } from "@/lib/stats/get-fleet-summary";
import { StatCard } from "@/components/ui/stat-card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { minute } from "@/components/ui/format";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  await requirePageUser("read");
  const s = await getFleetSummary();
  return (
    <>
      <PageHeader
        title="Fleet overview"
        description="Secrets that container image layers still carry, correlated across every image, tag, layer and registry you have scanned."
      />
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6">
        <StatCard label="Scans ingested" value={s.scans} href="/scans" testId="stat-scans" />
        <StatCard label="Secrets" value={s.secrets} href="/secrets" testId="stat-secrets" />
        <StatCard label="Open secrets" value={s.openSecrets} href="/secrets?state=open,confirmed" testId="stat-open" />
        <StatCard label="Affected images" value={s.affectedImages} testId="stat-images" />
        <StatCard label="Registries" value={s.registries} testId="stat-registries" />
        <StatCard
          label="Residue"
          value={s.residueSecrets}
          hint="deleted in a later layer, still extractable"
          href="/secrets?residue=1"
          testId="stat-residue"
        />
      </dl>
      {s.scans === 0 ? (
        <EmptyState />
      ) : (
        <p className="mt-6 text-sm text-slate-600">
          Last report ingested{" "}
          {s.lastScanAt ? <time dateTime={s.lastScanAt.toISOString()}>{minute(s.lastScanAt)} UTC</time> : "never"}.{" "}
          <Link className="font-medium text-indigo-700 underline" href="/upload">
            Upload another report
          </Link>
          .
        </p>
      )}
    </>
  );
}

function EmptyState() {
  return (
    <section
      aria-labelledby="get-started"
      className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-8"
    >
      <h2 id="get-started" className="text-lg font-semibold">
        No reports yet: upload a first scan
      </h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Residue reads the reports your scanners already produce (SARIF 2.1.0, trivy, trufflehog, gitleaks, secretlint,
        detect-secrets, ggshield, Nosey Parker) and correlates every leaked secret across the fleet. Raw secret values
        are never stored.
      </p>
      <ol className="mt-4 list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>
          Scan an image, for example{" "}
          <code className="rounded bg-slate-100 px-1">
            trivy image --scanners secret -f json -o report.json ghcr.io/acme/api:1.4.2
          </code>
        </li>
        <li>
          <Link href="/upload" className="font-medium text-indigo-700 underline">
            Upload the report in the browser
          </Link>
          , or post it from CI with an API token (
          <code className="rounded bg-slate-100 px-1">npm run token:create</code>, then{" "}
          <code className="rounded bg-slate-100 px-1">POST /api/v1/scans</code>; see the README).
        </li>
        <li>
          Or load a demo fleet: <code className="rounded bg-slate-100 px-1">npm run demo</code>.
        </li>
      </ol>
    </section>
  );
}
