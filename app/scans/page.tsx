import { EmptyState } from "@/components/ui/card";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { Badge } from "@/components/ui/badge";
import { shortDigest } from "@/components/secrets/labels";
import { listScans } from "@/lib/scans/list-scans";
import { listScansQuerySchema } from "@/lib/scans/schemas";
import { requirePageUser } from "@/lib/auth/current-user";
import { minute } from "@/components/ui/format";

export const metadata = { title: "Scans" };
export const dynamic = "force-dynamic";

export default async function ScansPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePageUser("read");
  const q = listScansQuerySchema.catch({ page: 1, pageSize: 50 }).parse(await searchParams);
  const { scans, total, page, pageSize } = await listScans(q);
  return (
    <>
      <PageHeader
        title="Scans"
        description="Every report ingested, newest first."
        actions={
          <Link
            href="/upload"
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Upload a report
          </Link>
        }
      />
      {total === 0 ? (
        <EmptyState>
          No scans yet.{" "}
          <Link className="font-medium text-indigo-700 underline" href="/upload">
            Upload a report
          </Link>{" "}
          or post one from CI (see the README).
        </EmptyState>
      ) : (
        <DataTable
          caption="Ingested scans"
          headers={[
            "Ingested",
            "Scanner",
            "Image / target",
            "Findings",
            "New secrets",
            "New occurrences",
            "Skipped",
            "By",
          ]}
        >
          {scans.map((s) => (
            <tr key={s.id}>
              <td className="px-3 py-2 whitespace-nowrap">{minute(s.createdAt)}</td>
              <td className="px-3 py-2">
                {s.toolName ?? s.scanner} <span className="text-xs text-slate-500">{s.scannerVersion ?? ""}</span>{" "}
                <Badge>{s.format}</Badge>
              </td>
              <td className="px-3 py-2 font-mono text-xs">
                {s.image
                  ? `${s.image.repository.registry.host}/${s.image.repository.name}${s.image.digestKind === "unresolved" ? "" : `@${shortDigest(s.image.digest)}`}`
                  : (s.target ?? "—")}
              </td>
              <td className="px-3 py-2 tabular-nums">
                {s.findingsCount > 0 ? (
                  <Link className="text-indigo-700 underline" href={`/secrets?scan=${s.id}`}>
                    {s.findingsCount}
                  </Link>
                ) : (
                  0
                )}
              </td>
              <td className="px-3 py-2 tabular-nums">{s.newSecrets}</td>
              <td className="px-3 py-2 tabular-nums">{s.newOccurrences}</td>
              <td className="px-3 py-2 tabular-nums">{s.skippedCount}</td>
              <td className="px-3 py-2 text-xs">
                {s.uploader?.email ?? (s.uploaderToken ? `token ${s.uploaderToken.name}` : "browser")}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager path="/scans" params={{}} page={page} pageSize={pageSize} total={total} />
    </>
  );
}
