import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { notFound } from "next/navigation";
import { ImageLink } from "@/components/images/image-links";
import { day, shortDigest } from "@/components/secrets/labels";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { ResidueError } from "@/lib/errors";
import { getRepository } from "@/lib/images/get-repository";

export const metadata = { title: "Repository" };
export const dynamic = "force-dynamic";

export default async function RepositoryPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("read");
  const { repo, tags, images } = await getRepository((await params).id).catch((e) => {
    if (e instanceof ResidueError && e.code === "not_found") notFound();
    throw e;
  });
  const name = `${repo.registry.host}/${repo.name}`;
  return (
    <>
      <PageHeader
        title={name}
        description={
          <>
            Tags and digests seen in reports and tag records.{" "}
            <Link
              className="text-indigo-700 underline"
              href={`/secrets?registry=${encodeURIComponent(repo.registry.host)}&repository=${encodeURIComponent(repo.name)}`}
            >
              Secrets in this repository
            </Link>
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_2fr]">
        <section aria-labelledby="tags" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
          <h2 id="tags" className="mb-2 font-semibold">
            Tags
          </h2>
          {tags.length === 0 ? (
            <p className="text-slate-600">No tags recorded.</p>
          ) : (
            <ul className="space-y-1">
              {tags.map((t) => (
                <li key={t.name} className="flex items-center gap-2">
                  <Badge tone={t.deletedAt ? "neutral" : "good"}>{t.name}</Badge>
                  {t.deletedAt ? (
                    <span className="text-slate-500">deleted {day(t.deletedAt)}</span>
                  ) : (
                    <span className="font-mono text-xs">{t.image ? shortDigest(t.image.digest) : ""}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <DataTable
          caption="Digests of this repository"
          title={{ id: "digests", text: "Digests" }}
          headers={["Digest", "First seen", "Last seen", "Secrets", "Residue", "Scans"]}
        >
          {images.map((i) => (
            <tr key={i.id}>
              <td className="px-3 py-2">
                <ImageLink digest={i.digest} digestKind={i.digestKind} repositoryId={repo.id} />
              </td>
              <td className="px-3 py-2">{day(i.firstSeenAt)}</td>
              <td className="px-3 py-2">{day(i.lastSeenAt)}</td>
              <td className="px-3 py-2 tabular-nums">
                {i.secrets ? <Badge tone="high">{i.secrets}</Badge> : <Badge tone="good">clean</Badge>}
              </td>
              <td className="px-3 py-2 tabular-nums">{i.residue}</td>
              <td className="px-3 py-2 tabular-nums">{i.scans}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </>
  );
}
