import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { IDENTITY_LABEL, TRIAGE_LABEL, day, shortDigest } from "@/components/secrets/labels";
import { ResidueError } from "@/lib/errors";
import { getSecret } from "@/lib/secrets/get-secret";
import { requirePageUser } from "@/lib/auth/current-user";

export const dynamic = "force-dynamic";

export default async function SecretPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("read");
  const { id } = await params;
  const detail = await getSecret({ secretId: id }).catch((e) => {
    if (e instanceof ResidueError && e.code === "not_found") notFound();
    throw e;
  });
  const { secret: s, blastRadius: b, tree } = detail;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/secrets" className="hover:underline">Secrets</Link> / {s.ruleId}
      </nav>
      <PageHeader
        title={s.title ?? s.ruleId}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={s.severity}>{s.severity}</Badge>
            <Badge>{TRIAGE_LABEL[s.triageState]}</Badge>
            {s.regression ? <Badge tone="warn">regression</Badge> : null}
            {s.verifiedLive ? <Badge tone="critical">verified live</Badge> : null}
            <span>{s.detector} · rule <code>{s.ruleId}</code> · preview <code data-testid="secret-preview">{s.redactedPreview}</code></span>
          </span>
        }
      />
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <StatCard label="Registries" value={b.registries} />
        <StatCard label="Repositories" value={b.repositories} />
        <StatCard label="Images (digests)" value={b.images} />
        <StatCard label="Layers" value={b.layers} />
        <StatCard label="Occurrences" value={b.occurrences} hint={s.residueCount ? `${s.residueCount} deleted in a later layer` : undefined} />
      </dl>

      <section className="mt-6 grid gap-4 md:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
          <h2 className="font-semibold">Identity</h2>
          <p className="mt-1 text-slate-700">{IDENTITY_LABEL[s.identityKind]}.{s.valueLength ? ` The value is ${s.valueLength} characters long.` : ""} Residue never stores the value itself.</p>
          <p className="mt-2 text-slate-600">First seen {day(s.firstSeenAt)}, last seen {day(s.lastSeenAt)}.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
          <h2 className="font-semibold">What to do</h2>
          <ol className="mt-1 list-decimal space-y-1 pl-5 text-slate-700">
            <li>Rotate the credential now: anyone who could pull an affected image has it.</li>
            <li>Rebuild every affected image with BuildKit <code>RUN --mount=type=secret</code> so no layer holds it (deleting the file in a later layer or squashing does not remove it).</li>
            <li>Purge the old tags and digests from registries, mirrors and caches.</li>
          </ol>
        </div>
      </section>

      <section className="mt-6" aria-labelledby="where">
        <h2 id="where" className="mb-2 text-lg font-semibold">Where it occurs</h2>
        {b.truncated ? <p className="mb-2 text-sm text-amber-700">Showing the 5,000 most recent occurrences of {b.occurrences.toLocaleString("en-US")}.</p> : null}
        <ul className="space-y-3">
          {tree.map((reg) => (
            <li key={reg.host} className="rounded-lg border border-slate-200 bg-white">
              <details open>
                <summary className="cursor-pointer px-4 py-2 font-medium">{reg.host} <span className="text-sm font-normal text-slate-500">({reg.repositories.length} repositories)</span></summary>
                <ul className="space-y-2 px-4 pb-3">
                  {reg.repositories.map((repo) => (
                    <li key={repo.id}>
                      <details open>
                        <summary className="cursor-pointer font-mono text-sm">{repo.name}</summary>
                        <ul className="ml-4 mt-1 space-y-2">
                          {repo.images.map((img) => (
                            <li key={img.id} className="text-sm">
                              <details>
                                <summary className="cursor-pointer">
                                  <span className="font-mono">{img.digestKind === "unresolved" ? "(digest unknown)" : shortDigest(img.digest)}</span>{" "}
                                  {img.tags.map((t) => <Badge key={t}>{t}</Badge>)} <span className="text-slate-500">{img.occurrences.length} occurrence{img.occurrences.length === 1 ? "" : "s"}</span>
                                </summary>
                                <table className="ml-4 mt-1 text-xs">
                                  <thead>
                                    <tr className="text-left text-slate-500"><th className="pr-4 font-medium">Layer</th><th className="pr-4 font-medium">Path</th><th className="pr-4 font-medium">Line</th><th className="pr-4 font-medium">Scanner</th><th className="font-medium">Last seen</th></tr>
                                  </thead>
                                  <tbody>
                                    {img.occurrences.map((o) => (
                                      <tr key={o.id}>
                                        <td className="pr-4 font-mono">{o.layer ? `${o.layer.position !== null ? `#${o.layer.position} ` : ""}${shortDigest(o.layer.diffId ?? o.layer.digest ?? "")}` : "—"}</td>
                                        <td className="pr-4 font-mono">{o.path} {o.residue ? <Badge tone="warn">deleted in layer {o.deletedIn?.position ?? "later"}</Badge> : null} {o.source === "history" ? <Badge tone="warn">build history</Badge> : null}</td>
                                        <td className="pr-4">{o.line || "—"}</td>
                                        <td className="pr-4">{o.scanner}</td>
                                        <td>{day(o.lastSeenAt)}</td>
                                      </tr>
                                    ))}
                                  </tbody>
                                </table>
                              </details>
                            </li>
                          ))}
                        </ul>
                      </details>
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
